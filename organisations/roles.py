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

ORGANISATION_PERMISSIONS = [
    (VIEW_DASHBOARD, "Can open the organisation's dashboard"),
    (VIEW_AUDIT_TRAIL, "Can read the organisation's audit trail"),
    (VIEW_REGISTER, "Can read the organisation's processing register"),
    (CHANGE_REGISTER, "Can edit the organisation's processing register"),
    (MANAGE_MEMBERS, "Can manage members and their roles"),
]

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.EMPLOYEE: frozenset({VIEW_DASHBOARD}),
    Role.COACH: frozenset({VIEW_DASHBOARD}),
    Role.TEAM_LEADER: frozenset({VIEW_DASHBOARD}),
    Role.MANAGER: frozenset({VIEW_DASHBOARD}),
    Role.PRIVACY_OFFICER: frozenset(
        {VIEW_DASHBOARD, VIEW_AUDIT_TRAIL, VIEW_REGISTER, CHANGE_REGISTER}
    ),
    Role.ADMINISTRATOR: frozenset({VIEW_DASHBOARD, VIEW_REGISTER, CHANGE_REGISTER, MANAGE_MEMBERS}),
    Role.AUDITOR: frozenset({VIEW_DASHBOARD, VIEW_AUDIT_TRAIL, VIEW_REGISTER}),
}

ALL_ROLE_PERMISSIONS = frozenset(code for code, _label in ORGANISATION_PERMISSIONS)
