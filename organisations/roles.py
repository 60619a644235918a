"""Which object permissions on the Organisation each role holds.

Rights are django-guardian object permissions on the Organisation row, assigned per role by
`organisations.services.membership_*`. Later capabilities add their permissions here and to
Organisation.Meta.permissions; `manage.py sync_role_permissions` re-applies the table.
"""

from organisations.constants import Role

VIEW_DASHBOARD = "view_dashboard"
VIEW_AUDIT_TRAIL = "view_audit_trail"
VIEW_REGISTER = "view_register"
CHANGE_REGISTER = "change_register"
MANAGE_MEMBERS = "manage_members"
VIEW_RECORDINGS = "view_recordings"
UPLOAD_RECORDINGS = "upload_recordings"
VIEW_REQUESTS = "view_requests"
APPROVE_REQUESTS = "approve_requests"
VIEW_CASES = "view_cases"
VIEW_ACCESS_POLICY = "view_access_policy"
CHANGE_ACCESS_POLICY = "change_access_policy"
VIEW_RETENTION = "view_retention"
PLACE_LEGAL_HOLD = "place_legal_hold"
APPROVE_LEGAL_HOLD = "approve_legal_hold"
CHANGE_RETENTION = "change_retention"
ERASE_EARLY = "erase_early"
EVALUATE_CALLS = "evaluate_calls"
MANAGE_QM_FORMS = "manage_qm_forms"
VIEW_COACHING_REPORTS = "view_coaching_reports"
MANAGE_INGEST_TOKENS = "manage_ingest_tokens"
APPROVE_TWO_FACTOR_RESET = "approve_two_factor_reset"
HANDLE_SUBJECT_REQUESTS = "handle_subject_requests"

ORGANISATION_PERMISSIONS = [
    (VIEW_DASHBOARD, "Can open the organisation's dashboard"),
    (VIEW_AUDIT_TRAIL, "Can read the organisation's audit trail"),
    (VIEW_REGISTER, "Can read the organisation's processing register"),
    (CHANGE_REGISTER, "Can edit the organisation's processing register"),
    (MANAGE_MEMBERS, "Can manage members and their roles"),
    (VIEW_RECORDINGS, "Can open the recordings list (what it shows is decided by access/)"),
    (UPLOAD_RECORDINGS, "Can upload recordings in the browser"),
    (VIEW_REQUESTS, "Can open the requests page (what one may ask is decided by the policy)"),
    (APPROVE_REQUESTS, "Can approve requests where the policy names the role as approver"),
    (VIEW_CASES, "Can open the case register (which kinds is decided by the policy)"),
    (VIEW_ACCESS_POLICY, "Can read the access policy"),
    (CHANGE_ACCESS_POLICY, "Can change the access policy"),
    (VIEW_RETENTION, "Can read purge reports, overdue calls and legal holds"),
    (PLACE_LEGAL_HOLD, "Can ask for a legal hold or its release"),
    (APPROVE_LEGAL_HOLD, "Can approve another person's legal hold or release"),
    (
        CHANGE_RETENTION,
        "Can propose or approve applying the register's retention to existing calls",
    ),
    (ERASE_EARLY, "Can erase calls before their deadline on a data subject's request"),
    (EVALUATE_CALLS, "Can evaluate calls they may hear with a QM form"),
    (MANAGE_QM_FORMS, "Can build and publish QM forms"),
    (VIEW_COACHING_REPORTS, "Can read coaching reports (management information)"),
    (MANAGE_INGEST_TOKENS, "Can create, expire and revoke the ingest API tokens of recorders"),
    (
        APPROVE_TWO_FACTOR_RESET,
        "Can see resets of members' lost two-factor devices and approve another's",
    ),
    (
        HANDLE_SUBJECT_REQUESTS,
        "Can register, search, answer and close data subject requests (GDPR art. 15-21)",
    ),
]

_DECIDERS = frozenset(
    {VIEW_DASHBOARD, VIEW_RECORDINGS, VIEW_REQUESTS, APPROVE_REQUESTS, VIEW_CASES}
)
# Management information on coaching: the coaches themselves and those who lead them.
_READS_REPORTS = frozenset({VIEW_COACHING_REPORTS})

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.EMPLOYEE: frozenset({VIEW_DASHBOARD, VIEW_RECORDINGS, VIEW_REQUESTS}),
    Role.COACH: frozenset(
        {
            VIEW_DASHBOARD,
            VIEW_RECORDINGS,
            UPLOAD_RECORDINGS,
            VIEW_REQUESTS,
            EVALUATE_CALLS,
            MANAGE_QM_FORMS,
            VIEW_COACHING_REPORTS,
        }
    ),
    Role.TEAM_LEADER: _DECIDERS | _READS_REPORTS,
    Role.MANAGER: _DECIDERS
    | _READS_REPORTS
    | {VIEW_ACCESS_POLICY, VIEW_RETENTION, PLACE_LEGAL_HOLD, APPROVE_LEGAL_HOLD},
    Role.PRIVACY_OFFICER: _DECIDERS
    | {
        VIEW_AUDIT_TRAIL,
        VIEW_REGISTER,
        CHANGE_REGISTER,
        VIEW_ACCESS_POLICY,
        VIEW_RETENTION,
        APPROVE_LEGAL_HOLD,
        CHANGE_RETENTION,
        ERASE_EARLY,
        APPROVE_TWO_FACTOR_RESET,
        HANDLE_SUBJECT_REQUESTS,
    },
    # The administrator configures and uploads, but sees no call list and hears nothing
    # unless the policy lets the role ask and a second person approves.
    Role.ADMINISTRATOR: frozenset(
        {
            VIEW_DASHBOARD,
            VIEW_REGISTER,
            CHANGE_REGISTER,
            MANAGE_MEMBERS,
            UPLOAD_RECORDINGS,
            VIEW_REQUESTS,
            VIEW_ACCESS_POLICY,
            CHANGE_ACCESS_POLICY,
            VIEW_RETENTION,
            CHANGE_RETENTION,
            MANAGE_INGEST_TOKENS,
            APPROVE_TWO_FACTOR_RESET,
        }
    ),
    Role.AUDITOR: frozenset(
        {VIEW_DASHBOARD, VIEW_AUDIT_TRAIL, VIEW_REGISTER, VIEW_ACCESS_POLICY, VIEW_RETENTION}
    ),
}

ALL_ROLE_PERMISSIONS = frozenset(code for code, _label in ORGANISATION_PERMISSIONS)
