"""The demo: both seed organisations with teams, employees and one user per role.

Demo data only; nothing outside this module and register/seed_data.py names the demo
organisations. Loading is idempotent: running it twice changes nothing the second time.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from earshot.demo_forms import demo_forms, demo_sampling
from organisations.constants import Role
from organisations.models import Employee, Membership, Organisation, Team
from organisations.services import (
    employee_create,
    membership_change_role,
    membership_create,
    organisation_create,
    team_create,
)
from register.acknowledgement import policy_publish
from register.models import ProcessingActivity, Purpose, RecordingPolicy
from register.seed_data import ORGANISATIONS, RECORDING_POLICIES
from register.services import activity_create

DEMO_PASSWORD = "earshot-demo"

# Per organisation: the user-name prefix and its teams with (employee name, PBX agent id).
PEOPLE = {
    "rvo-klantcontact": {
        "prefix": "rvo",
        "teams": {
            "Team Noord": [
                ("Anna de Vries", "1001"),
                ("Bram Jansen", "1002"),
                ("Chantal Bakker", "1003"),
            ],
            "Team Zuid": [
                ("Daan Visser", "1004"),
                ("Eva Smit", "1005"),
                ("Fatima El Amrani", "1006"),
            ],
        },
    },
    "tbi-direct": {
        "prefix": "tbi",
        "teams": {
            "Storingsdienst": [("Gert Mulder", "2001"), ("Hanna de Boer", "2002")],
            "Klantenservice": [
                ("Ivo Meijer", "2003"),
                ("Julia Dekker", "2004"),
                ("Kees Brouwer", "2005"),
            ],
        },
    },
}
# More coaches than one per role: evaluations by several coaches, and a calibration needs two.
EXTRA_USERS = {"rvo-klantcontact": [("rvo-coach2", Role.COACH)], "tbi-direct": []}
# A user with roles in both organisations, to show the organisation switcher.
MULTI_USER = ("demo-multi", {"rvo-klantcontact": Role.COACH, "tbi-direct": Role.TEAM_LEADER})


@dataclass
class DemoSummary:
    organisations: int = 0
    users: int = 0
    created: int = 0


def demo_username(prefix: str, role: str) -> str:
    return f"{prefix}-{role.replace('_', '')}"


@functools.cache
def _demo_password_hash(hashers: tuple[str, ...]) -> str:
    # One hash for every demo user: they share a published password, so a salt each protects
    # nothing, and hashing it sixteen times (PBKDF2, ~0.4 s each) was half the demo's loading.
    return make_password(DEMO_PASSWORD)


def _user(username: str, summary: DemoSummary):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username)
    if created:
        user.password = _demo_password_hash(tuple(settings.PASSWORD_HASHERS))
        user.save(update_fields=["password"])
        summary.created += 1
    summary.users += 1
    return user


def _membership(user, organisation: Organisation, role: str, teams: list[Team]) -> None:
    existing = Membership.objects.filter(user=user, organisation=organisation).first()
    if existing is None:
        membership_create(user=user, organisation=organisation, role=role, actor=None, teams=teams)
    elif existing.role != role:
        membership_change_role(membership=existing, role=role, actor=None)


def _organisation(spec: dict, summary: DemoSummary) -> Organisation:
    organisation = Organisation.objects.filter(slug=spec["slug"]).first()
    if organisation is None:
        organisation = organisation_create(
            slug=spec["slug"], name=spec["name"], timezone=spec["timezone"], actor=None
        )
        summary.created += 1
    for activity in spec["activities"]:
        if not ProcessingActivity.objects.filter(
            organisation=organisation, reference=activity["reference"]
        ).exists():
            activity_create(organisation=organisation, actor=None, **activity)
            summary.created += 1
        summary.created += _short_labels(organisation, activity["purposes"])
    summary.organisations += 1
    return organisation


def _short_labels(organisation: Organisation, purposes: list[dict]) -> int:
    """A demo loaded before purposes had short names gets them, where none was given since."""
    updated = 0
    for purpose in purposes:
        if not purpose.get("short_label"):
            continue
        updated += Purpose.objects.filter(
            activity__organisation=organisation, code=purpose["code"], short_label=""
        ).update(short_label=purpose.get("short_label", ""))
    return updated


def _people(organisation: Organisation, people: dict, summary: DemoSummary) -> None:
    teams = []
    for team_name, employees in people["teams"].items():
        team = Team.objects.filter(organisation=organisation, name=team_name).first()
        if team is None:
            team = team_create(organisation=organisation, name=team_name)
            summary.created += 1
        teams.append(team)
        for name, agent_id in employees:
            if not Employee.objects.filter(
                organisation=organisation, pbx_agent_id=agent_id
            ).exists():
                employee_create(
                    organisation=organisation, name=name, team=team, pbx_agent_id=agent_id
                )
                summary.created += 1
    users = [(demo_username(people["prefix"], role), role) for role in Role]
    for username, role in users + EXTRA_USERS[organisation.slug]:
        user = _user(username, summary)
        coached = teams if role in (Role.COACH, Role.TEAM_LEADER) else []
        _membership(user, organisation, role, coached)
        if role == Role.EMPLOYEE:
            # The demo employee is the first agent of the first team.
            employee = (
                Employee.objects.filter(organisation=organisation, team=teams[0])
                .order_by("pbx_agent_id")
                .first()
            )
            if employee is not None and employee.user_id is None:
                employee.user = user
                employee.save(update_fields=["user"])


def demo_load(say: Callable[[str], None] | None = None, *, history: bool = True) -> DemoSummary:
    """Load the demo; `say` hears a line per stage. On a new installation the clock is moved
    back six months first, so the organisations exist before their history is played.
    Without `history` (or without time-machine): a dozen calls of the last days instead."""
    from earshot.demo_life import (
        HISTORY_DAYS,
        Clock,
        demo_calls_now,
        demo_life,
        demo_life_needed,
    )

    say = say or (lambda line: None)
    now = timezone.now()
    start = now - timedelta(days=HISTORY_DAYS + 1)
    life = history and _clock_available()
    clock = None
    try:
        if life and not Organisation.objects.filter(slug__in=PEOPLE).exists():
            clock = Clock(start)  # a new installation: the organisations come first
        with transaction.atomic():
            say("Organisations, their registers, policies, QM forms and people")
            summary, organisations = _foundations()
            if life and demo_life_needed(organisations):
                clock = clock or Clock(start)
                demo_life(organisations, clock, now, say)
                summary.created += 1
            elif not life:
                if history:
                    say(
                        "time-machine is not installed (make run installs it): loading without "
                        "the six months of history"
                    )
                say("Calls of the last days, without the six months of history")
                for organisation in organisations.values():
                    summary.created += demo_calls_now(organisation)
    finally:
        if clock is not None:
            clock.stop()
    _date_key_files_like_their_rows()
    say("Audit trail: signed checkpoints and verification")
    _verify()
    return summary


def _date_key_files_like_their_rows() -> None:
    """The history's key rows were created on the moved clock, their files now (the file
    system's clock is not moved). Date each live key file like its row, as if the demo had
    lived those months, so `sweep_keys` does not take the database for an older backup."""
    import os

    from recordings.audio_keys import key_name
    from recordings.keystore import key_store
    from recordings.models import AudioKey

    path = getattr(key_store(), "path", None)
    if path is None:  # a store without files
        return
    for audio_key in AudioKey.objects.filter(destroyed_at__isnull=True).only(
        "id", "organisation", "created_at"
    ):
        stamp = audio_key.created_at.timestamp()
        try:
            os.utime(path(key_name(audio_key)), (stamp, stamp))
        except FileNotFoundError:
            continue


def _clock_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("time_machine") is not None


def _foundations() -> tuple[DemoSummary, dict[str, Organisation]]:
    summary = DemoSummary()
    organisations = {}
    for spec in ORGANISATIONS:
        organisation = _organisation(spec, summary)
        organisations[organisation.slug] = organisation
        _people(organisation, PEOPLE[organisation.slug], summary)
    username, roles = MULTI_USER
    user = _user(username, summary)
    for slug, role in roles.items():
        _membership(user, organisations[slug], role, list(organisations[slug].teams.all()))
    for organisation in organisations.values():
        summary.created += demo_access(organisation)
        summary.created += _recording_policy(organisation)
        summary.created += demo_forms(organisation) + demo_sampling(organisation)
    return summary, organisations


def _verify() -> None:
    """Sign a checkpoint of every chain and verify the trail, as the hourly job and the
    privacy officer's button do: the register shows it verified."""
    from audit.checkpoints import Kind, checkpoints_write
    from audit.verification import chains_verify

    with transaction.atomic():
        checkpoints_write(kind=Kind.SCHEDULED)
        chains_verify()


def _recording_policy(organisation: Organisation) -> int:
    """Publish the organisation's recording policy once; every demo user acknowledges it at
    their first sign-in, as a real member would."""
    text = RECORDING_POLICIES.get(organisation.slug)
    if text is None or RecordingPolicy.objects.filter(organisation=organisation).exists():
        return 0
    policy_publish(organisation=organisation, actor=None, **text)
    return 1


# Standing rights as the seeds state them: RVO's coaches for the first four purposes (their
# coached teams), its employees for their own calls; TBI has none: every playback is asked for.
STANDING_RIGHTS = {
    "rvo-klantcontact": [
        (Role.COACH, "quality-improvement", "coached_teams"),
        (Role.COACH, "agent-training", "coached_teams"),
        (Role.COACH, "coach-training-calibration", "coached_teams"),
        (Role.EMPLOYEE, "quality-improvement", "own_calls"),
    ],
    "tbi-direct": [],
}
# The four-eyes rules as the seeds state them. RVO: a manager hears calls only for suspected
# serious misconduct or a threat, on a case, approved by another manager or the privacy
# officer; the police may receive a copy in case of a threat.
# TBI: "Het ophalen en beluisteren van geluidsopnames wordt altijd door middel van het vier
# ogen principe uitgevoerd en vastgelegd in het klachtenregistratiesysteem", and managers and
# team leaders have access. So every TBI purpose is a motivated request by a manager or team
# leader that another manager or team leader approves (approvals exclude the requester), and
# every request is kept with its decisions and listens in the audit trail. Where a retrieval
# answers a complaint or a question about a call (reactive, transcript, complaint) it is also
# recorded in the complaints register: a case of kind complaint, chosen or opened with the
# request. The quarterly training sample is not: it answers no complaint, and registering it as
# one would put a complaint nobody made on the employee's name; it is heard with the employee
# present ("De medewerker zelf is direct betrokken bij het terugluisteren") and each listen
# records that. TBI's authorised ICT back office (a processor in the register) holds no role
# that listens: the administrator configures and, like everyone, hears nothing without a rule.
PURPOSE_RULES = {
    "rvo-klantcontact": {
        "misconduct-verification": {
            "requester_roles": [Role.MANAGER],
            "approver_roles": [Role.MANAGER, Role.PRIVACY_OFFICER],
            "grant_hours": 48,
            "max_plays": 5,
            "case_required": True,
            "case_kind": "misconduct",
        },
        "threat-investigation": {
            "requester_roles": [Role.MANAGER],
            "approver_roles": [Role.MANAGER, Role.PRIVACY_OFFICER],
            "grant_hours": 72,
            "case_required": True,
            "case_kind": "threat",
            "recipients": ["Politie, in geval van bedreiging."],
        },
    },
    "tbi-direct": {
        # Proactive: a sampled call, asked for from the random sample, heard with the employee.
        "training-sample": {
            "requester_roles": [Role.MANAGER, Role.TEAM_LEADER],
            "approver_roles": [Role.MANAGER, Role.TEAM_LEADER],
            "grant_hours": 7 * 24,
            "employee_present": True,
        },
        # Reactive, on a customer's or an employee's request: recorded as a complaint; an
        # employee does not listen alone but with a team leader or manager they name.
        "reactive-request": {
            "requester_roles": [Role.MANAGER, Role.TEAM_LEADER, Role.EMPLOYEE],
            "approver_roles": [Role.MANAGER, Role.TEAM_LEADER],
            "grant_hours": 24,
            "max_plays": 3,
            "case_required": True,
            "case_kind": "complaint",
            "employee_request_listener": True,
        },
        # The anonymised, typed-out content for the customer: typed under this grant, on the
        # customer's complaint. The export to the customer is the transcript's own four-eyes
        # step; the rule names no recipient, so no audio copy can be asked for the customer.
        # The purpose is marked for transcripts below (TRANSCRIPT_PURPOSES).
        "customer-transcript": {
            "requester_roles": [Role.MANAGER, Role.TEAM_LEADER],
            "approver_roles": [Role.MANAGER, Role.TEAM_LEADER],
            "grant_hours": 72,
            "case_required": True,
            "case_kind": "complaint",
        },
        "complaint-investigation": {
            "requester_roles": [Role.MANAGER, Role.TEAM_LEADER],
            "approver_roles": [Role.MANAGER],
            "grant_hours": 72,
            "case_required": True,
            "case_kind": "complaint",
        },
    },
}


def demo_purpose_rules(organisation: Organisation) -> int:
    """The four-eyes rules of the seeds, and version 1 of the policy when they are new."""
    from access.models import PurposeRule
    from access.rules import policy_version_record
    from register.models import Purpose, Recipient

    created = 0
    for code, spec in PURPOSE_RULES[organisation.slug].items():
        spec = dict(spec)
        recipients = spec.pop("recipients", [])
        purpose = Purpose.objects.get(activity__organisation=organisation, code=code)
        rule, made = PurposeRule.objects.get_or_create(
            purpose=purpose, defaults={"organisation": organisation, **spec}
        )
        if made:
            rule.disclosure_recipients.set(
                Recipient.objects.filter(activity=purpose.activity, name__in=recipients)
            )
        created += made
    if created:
        policy_version_record(
            organisation=organisation, actor=None, summary="demo: policy of the seed"
        )
    return created + demo_transcript_purposes(organisation)


# The purposes whose grants let a team leader type an anonymised transcript for the customer.
TRANSCRIPT_PURPOSES = {"rvo-klantcontact": [], "tbi-direct": ["customer-transcript"]}


def demo_transcript_purposes(organisation: Organisation) -> int:
    from django.db import transaction

    from register.models import Purpose
    from transcripts.services import transcript_purpose_set

    changed = 0
    for code in TRANSCRIPT_PURPOSES.get(organisation.slug, []):
        purpose = Purpose.objects.get(activity__organisation=organisation, code=code)
        with transaction.atomic():
            changed += transcript_purpose_set(
                organisation=organisation, purpose=purpose, actor=None
            )
    return changed


def demo_access(organisation: Organisation) -> int:
    """The seeds' four-eyes rules and standing rights; idempotent."""
    from access.models import StandingRight
    from register.models import Purpose

    created = demo_purpose_rules(organisation)
    for role, code, scope in STANDING_RIGHTS[organisation.slug]:
        purpose = Purpose.objects.get(activity__organisation=organisation, code=code)
        _, made = StandingRight.objects.get_or_create(
            organisation=organisation, purpose=purpose, role=role, defaults={"scope": scope}
        )
        created += made
    return created
