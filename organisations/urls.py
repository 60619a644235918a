from django.urls import path

from organisations import views, views_people

app_name = "organisations"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("members/", views.members, name="members"),
    path("members/<int:membership_id>/role/", views_people.member_role, name="member_role"),
    path(
        "members/<int:membership_id>/deactivate/",
        views_people.member_deactivate,
        name="member_deactivate",
    ),
    path("members/role-changes/", views_people.role_changes, name="role_changes"),
    path(
        "members/role-changes/<int:change_id>/",
        views_people.role_change_decision,
        name="role_change_decision",
    ),
    path("teams/", views_people.teams, name="teams"),
    path("teams/<int:team_id>/", views_people.team_edit, name="team_edit"),
    path("employees/", views_people.employees, name="employees"),
    path("employees/import/", views_people.employee_import, name="employee_import"),
    path("employees/<int:employee_id>/", views_people.employee_edit, name="employee_edit"),
    path(
        "employees/<int:employee_id>/deactivate/",
        views_people.employee_deactivate_view,
        name="employee_deactivate",
    ),
]
