"""Every page a member reaches from the navigation and the dashboard, in Dutch, for each role of
an organisation with work in it (calls, requests pending and approved, evaluations released and
in draft, a case, a legal hold, a subject request), and the public pages: axe-core checks each
one (the `axe` fixture of tests/browser/conftest.py fails the test on any WCAG 2.1 A/AA
violation). From every page of the navigation and the dashboard the walk follows its links one
step further (a request, a call, an evaluation), one page per kind of link.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Error as PlaywrightError

from access.cases import case_create
from access.tests import conftest as access_fixtures
from coaching.evaluations import (
    AnswerInput,
    evaluation_release,
    evaluation_save_draft,
    evaluation_start,
)
from coaching.models import Criterion
from coaching.tests import conftest as coaching_fixtures
from organisations.constants import Role
from organisations.models import Membership
from retention.holds import hold_request
from subjects.services import public_form_set
from subjects.tests.conftest import register_request
from tests.browser.conftest import accessibility_checked, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

world = access_fixtures.world
four_eyes = access_fixtures.four_eyes
published_form = coaching_fixtures.published_form

# Links that are not pages to check: signing out, and the language switch's form target.
NOT_PAGES = ("/account/logout/", "/i18n/")
# A path segment that is an id: links that differ only in ids are one kind of page.
ID_SEGMENT = re.compile(r"^(\d+|[0-9a-f]{8}-[0-9a-f-]{27}|[A-Za-z0-9_-]{20,})$")
LINKS = "() => [...document.querySelectorAll('header a[href], main a[href]')].map(a => a.href)"


def member(cast, role: str) -> Membership:
    return Membership.objects.select_related("user", "organisation").get(
        user=cast[role], organisation=cast.organisation
    )


@pytest.fixture
def seeded(four_eyes, published_form):
    """Work for every role: the four-eyes world plus what each dashboard lists."""
    cast = four_eyes.cast
    gate = four_eyes.gate
    coach = member(cast, "coach")
    # An evaluation released to the employee, and a draft of the coach.
    released = evaluation_start(
        membership=coach, recording=gate.own_call, version=published_form, purpose_code="coaching"
    )
    criteria = Criterion.objects.filter(section__version=published_form).order_by(
        "section__position", "position"
    )
    evaluation_save_draft(
        membership=coach,
        evaluation_id=released.pk,
        answers={c.pk: AnswerInput(v) for c, v in zip(criteria, [0, 1, 3, 1, 1], strict=True)},
    )
    evaluation_release(membership=coach, evaluation_id=released.pk)
    evaluation_start(
        membership=coach,
        recording=gate.team_a_call,
        version=published_form,
        purpose_code="coaching",
    )
    # Requests: one waiting, one approved (an active grant); a case of its kind.
    four_eyes.ask()
    approved = four_eyes.ask(motivation="De klant dient een klacht in over dit gesprek.")
    four_eyes.decide("privacy_officer", approved)
    four_eyes.rule.case_kind = "misconduct"
    four_eyes.rule.save()
    case_create(
        membership=member(cast, "manager"),
        kind="misconduct",
        received_via="email",
        received_on=timezone.localdate(),
        description="Een klant meldt dat hij is uitgescholden.",
        recordings=[four_eyes.call],
    )
    hold_request(
        membership=member(cast, "manager"),
        recordings=[gate.team_b_call],
        motivation="Een klant heeft een klacht ingediend bij de Geschillencommissie.",
        review_on=timezone.localdate() + timedelta(days=30),
    )
    register_request(cast, phones=["+31612345678"], name="Jan de Vries")
    public_form_set(membership=member(cast, "privacy_officer"), enabled=True)
    return cast


def sign_in_as(page, live_server, username: str) -> None:
    """Password, and a TOTP app set up where the role needs one."""
    sign_in(page, live_server, username)
    if "/account/two-factor/" in page.url:
        device = TOTPDevice.objects.get(user__username=username)
        page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        page.click("main a.button.primary")  # past the backup codes, shown once
        page.wait_for_load_state()
    assert "/account/" not in page.url, f"{username} is not past the sign-in"


def kind_of_page(url: str) -> str:
    path = urlsplit(url).path
    return "/".join("*" if ID_SEGMENT.match(part) else part for part in path.split("/"))


def links_on(page, live_server) -> list[str]:
    found = []
    for href in page.evaluate(LINKS):
        url = href.split("#", 1)[0]
        path = urlsplit(url).path
        if url.startswith(live_server.url) and not path.startswith(NOT_PAGES):
            found.append(url)
    return found


def visit(page, url: str) -> int:
    """Open the page and wait for axe's verdict. A link the member may not follow (403, 404) is
    only asked for, not opened: its refusal would be a console error. 0 for a download."""
    status = page.request.get(url).status
    if status >= 400:
        return status
    try:
        page.goto(url)
    except PlaywrightError as error:
        if "Download is starting" in str(error):
            return 0
        raise
    accessibility_checked(page)
    return status


def walk(page, live_server, start: str) -> tuple[set[str], list[str]]:
    """Visit the start page, every page its navigation and main part link to, and one page of
    each kind those link to. Returns the kinds of page visited and the links that failed."""
    seen_kinds: set[str] = set()
    refused: list[str] = []

    def visit_new(url: str) -> bool:
        kind = kind_of_page(url)
        if kind in seen_kinds:
            return False
        seen_kinds.add(kind)
        status = visit(page, url)
        if status >= 400:
            refused.append(f"{status} {url}")
        return 200 <= status < 400

    visit_new(start)
    first = list(dict.fromkeys(links_on(page, live_server)))
    second: list[str] = []
    for url in first:
        if visit_new(url):
            second.extend(links_on(page, live_server))
    for url in dict.fromkeys(second):
        visit_new(url)
    return seen_kinds, refused


@pytest.fixture
def page_language() -> str:
    return "nl"


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_page_a_role_reaches_passes_axe(page, live_server, seeded, axe, role):
    sign_in_as(page, live_server, f"acme-{role}")
    kinds, refused = walk(page, live_server, f"{live_server.url}/o/acme/")
    assert not [link for link in refused if link.startswith("5")], refused
    assert page.locator("html").get_attribute("lang") == "nl"
    checked = set(axe.checked)
    print(f"{role}: {len(checked)} pages checked by axe: {sorted(kinds)}; refused: {refused}")
    assert len(kinds) >= 3, f"{role} reached only {sorted(kinds)}"
    assert len(checked) >= 3, f"axe checked only {sorted(checked)}"


def test_the_public_pages_pass_axe(page, live_server, seeded, axe):
    for path in ("/", "/account/login/", "/rights/acme/", "/rights/acme/sent/"):
        visit(page, f"{live_server.url}{path}")
    # The sign-in page with its error, and the public form with its errors.
    page.goto(f"{live_server.url}/account/login/")
    page.fill("input[name=username]", "acme-coach")
    page.fill("input[name=password]", "wrong password")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    accessibility_checked(page)
    page.goto(f"{live_server.url}/rights/acme/")
    page.evaluate("() => { document.querySelector('main form').noValidate = true; }")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    accessibility_checked(page)
    print(f"public: {len(set(axe.checked))} pages checked by axe")
    assert len(set(axe.checked)) >= 4


# Forms sent empty: the page with its errors beside the fields is checked as well.
FORMS = [
    ("manager", "requests/new/"),
    ("manager", "cases/new/"),
    ("manager", "retention/holds/new/"),
    ("privacy_officer", "subject-requests/new/"),
    ("privacy_officer", "register/new/"),
    ("administrator", "teams/"),
    ("administrator", "employees/"),
]


@pytest.fixture
def form_page(browser, live_server):
    """A Dutch page whose console may report the 400 a refused form answers with (the register's
    forms do), and nothing else."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl")
    context.add_cookies([{"name": "django_language", "value": "nl", "url": live_server.url}])
    page = context.new_page()
    problems: list[str] = []

    def on_console(msg) -> None:
        if msg.type == "error" and "status of 400" not in msg.text:
            problems.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    yield page
    context.close()
    assert problems == [], f"the browser reported errors: {problems}"


@pytest.mark.parametrize(("role", "path"), FORMS)
def test_a_form_with_its_errors_passes_axe(form_page, live_server, seeded, axe, role, path):
    page = form_page
    sign_in_as(page, live_server, f"acme-{role}")
    page.goto(f"{live_server.url}/o/acme/{path}")
    accessibility_checked(page)
    page.evaluate("() => document.querySelectorAll('form').forEach(f => { f.noValidate = true; })")
    page.locator("main form[method=post] button[type=submit]").last.click()
    page.wait_for_load_state()
    accessibility_checked(page)
    assert page.locator("main .errors").count() > 0, "the form was not refused"
    assert len(axe.checked) >= 2, "axe did not check the form before and after sending"
