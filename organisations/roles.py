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

ORGANISATION_PERMISSIONS = [
    (VIEW_DASHBOARD, "Can open the organisation's dashboard"),
    (VIEW_AUDIT_TRAIL, "Can read the organisation's audit trail"),
    (VIEW_REGISTER, "Can read the organisation's processing register"),
    (CHANGE_REGISTER, "Can edit the organisation's processing register"),
    (MANAGE_MEMBERS, "Can manage members and their roles"),
    (VIEW_RECORDINGS, "Can open the recordings list (what it shows is decided by access/)"),
    (UPLOAD_RECORDINGS, "Can upload recordings in the browser"),
]

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.EMPLOYEE: frozenset({VIEW_DASHBOARD, VIEW_RECORDINGS}),
    Role.COACH: frozenset({VIEW_DASHBOARD, VIEW_RECORDINGS, UPLOAD_RECORDINGS}),
    Role.TEAM_LEADER: frozenset({VIEW_DASHBOARD, VIEW_RECORDINGS}),
    Role.MANAGER: frozenset({VIEW_DASHBOARD, VIEW_RECORDINGS}),
    Role.PRIVACY_OFFICER: frozenset(
        {VIEW_DASHBOARD, VIEW_AUDIT_TRAIL, VIEW_REGISTER, CHANGE_REGISTER, VIEW_RECORDINGS}
    ),
    # The administrator configures and uploads, but sees no call list and hears nothing.
    Role.ADMINISTRATOR: frozenset(
        {VIEW_DASHBOARD, VIEW_REGISTER, CHANGE_REGISTER, MANAGE_MEMBERS, UPLOAD_RECORDINGS}
    ),
    Role.AUDITOR: frozenset({VIEW_DASHBOARD, VIEW_AUDIT_TRAIL, VIEW_REGISTER}),
}

ALL_ROLE_PERMISSIONS = frozenset(code for code, _label in ORGANISATION_PERMISSIONS)
