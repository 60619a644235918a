"""Answers asked several times while one page is drawn, asked of the database once.

The call's page asks "which standing purposes may this member hear this call for?" four times
(the purpose choice, the listen decision, coaching's actions, the evaluation link), reads the
organisation's purpose rules three times and the member's permissions once per action app. A
page opts in with request_memo_start(request.membership): the answers are then kept on that
membership object, which lives exactly as long as the request. Nothing is kept where a page did
not opt in (services, tasks, the audio gate), so a change to the policy or a grant is seen by
the next question there as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_ATTR = "_access_request_memo"


def request_memo_start(membership) -> None:
    setattr(membership, _ATTR, {})


def memoized(membership, key: tuple, compute: Callable[[], T]) -> T:
    """compute(), once per key while the member's page is drawn (every call without opting in).
    Callers copy a mutable answer before handing it on."""
    memo: dict[tuple, Any] | None = getattr(membership, _ATTR, None)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def member_has_perm(membership, perm: str) -> bool:
    """membership.user.has_perm(perm, organisation), its answers for all permissions read in
    one go when the page opted in. The same answer: with an object, Django's ModelBackend grants
    nothing, and guardian's checker (active user; superuser; the user's and groups' object
    permissions) is what the ObjectPermissionBackend asks, one fresh checker per call."""
    memo: dict[tuple, Any] | None = getattr(membership, _ATTR, None)
    if memo is None:
        return membership.user.has_perm(perm, membership.organisation)
    from guardian.core import ObjectPermissionChecker

    checker = memo.get(("perm_checker",))
    if checker is None:
        checker = memo[("perm_checker",)] = ObjectPermissionChecker(membership.user)
    return checker.has_perm(perm, membership.organisation)
