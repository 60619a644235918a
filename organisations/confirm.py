"""A confirmation before what cannot be undone (releasing an evaluation, erasing early,
approving a destruction list or an erasure): the form carries a box "I understand this cannot be
undone" (templates/includes/confirm_irreversible.html); a post without it changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _


def irreversible_confirmed(request: HttpRequest) -> bool:
    """True when the box was ticked; otherwise says so to the person and returns False."""
    if request.POST.get("confirm") == "1":
        return True
    messages.error(
        request,
        _("Nothing was done: tick “I understand this cannot be undone” first, then try again."),
    )
    return False
