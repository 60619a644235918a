"""Teams, employees, deactivating members and four-eyes role changes, for the administrator.

Every lookup goes through the current organisation's own rows: another tenant's id is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from organisations import roles
from organisations.constants import Role
from organisations.decorators import organisation_view
from organisations.employees_import import ImportFileError, employees_import, preview
from organisations.forms import RoleChangeForm
from organisations.forms_people import EmployeeForm, EmployeeImportForm, TeamForm
from organisations.invitations import invitations_awaiting_approval
from organisations.models import RoleChangeStatus
from organisations.people import (
    PeopleError,
    employee_add,
    employee_deactivate,
    employee_update,
    is_decider,
    member_role_change,
    membership_deactivate,
    role_change_decide,
    team_create_by,
    team_update,
)


def _form_errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# Teams -------------------------------------------------------------------------------------


@organisation_view(roles.MANAGE_MEMBERS)
def teams(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    form = TeamForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            team = team_create_by(
                organisation=organisation,
                name=form.cleaned_data["name"],
                coaches=form.cleaned_data["coaches"],
                actor=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Team %(team)s is created.") % {"team": team.name})
            return redirect("organisations:teams", org_slug=organisation.slug)
    rows = organisation.teams.prefetch_related("memberships__user")
    return render(request, "organisations/teams.html", {"teams": rows, "form": form})


@organisation_view(roles.MANAGE_MEMBERS)
def team_edit(request: HttpRequest, team_id: int) -> HttpResponse:
    organisation = request.organisation
    team = get_object_or_404(organisation.teams, pk=team_id)
    coaches = team.memberships.filter(role=Role.COACH, active=True)
    form = TeamForm(
        request.POST or None,
        organisation=organisation,
        initial={"name": team.name, "coaches": list(coaches)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            team_update(
                team=team,
                name=form.cleaned_data["name"],
                coaches=form.cleaned_data["coaches"],
                actor=request.user,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Team %(team)s is saved.") % {"team": team.name})
            return redirect("organisations:teams", org_slug=organisation.slug)
    return render(request, "organisations/team_edit.html", {"team": team, "form": form})


# Employees ---------------------------------------------------------------------------------


@organisation_view(roles.MANAGE_MEMBERS)
def employees(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    form = EmployeeForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            employee = employee_add(
                organisation=organisation, actor=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Employee %(name)s is added.") % {"name": employee.name})
            return redirect("organisations:employees", org_slug=organisation.slug)
    show = request.GET.get("show", "active")
    rows = organisation.employees.select_related("team", "user").order_by("name", "pk")
    if show != "all":
        rows = rows.filter(active=True)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/employees.html",
        {"page": page, "form": form, "show": show},
    )


@organisation_view(roles.MANAGE_MEMBERS)
def employee_edit(request: HttpRequest, employee_id: int) -> HttpResponse:
    organisation = request.organisation
    employee = get_object_or_404(organisation.employees, pk=employee_id)
    form = EmployeeForm(
        request.POST or None,
        organisation=organisation,
        initial={
            "name": employee.name,
            "team": employee.team_id,
            "pbx_agent_id": employee.pbx_agent_id,
            "user": employee.user_id,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            employee_update(employee=employee, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Employee %(name)s is saved.") % {"name": employee.name})
            return redirect("organisations:employees", org_slug=organisation.slug)
    return render(request, "organisations/employee_edit.html", {"employee": employee, "form": form})


@organisation_view(roles.MANAGE_MEMBERS)
@require_POST
def employee_deactivate_view(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee = get_object_or_404(request.organisation.employees, pk=employee_id)
    employee_deactivate(employee=employee, actor=request.user)
    messages.success(
        request,
        _("%(name)s is deactivated: they stay on their old calls, no new call is matched to them.")
        % {"name": employee.name},
    )
    return redirect("organisations:employees", org_slug=request.organisation.slug)


@organisation_view(roles.MANAGE_MEMBERS)
def employee_import(request: HttpRequest) -> HttpResponse:
    organisation = request.organisation
    context: dict = {"form": EmployeeImportForm()}
    if request.method == "POST" and "confirm" in request.POST:
        try:
            result = employees_import(
                organisation=organisation, text=request.POST.get("text", ""), actor=request.user
            )
        except ImportFileError as exc:
            context["file_error"] = str(exc)
        else:
            if result.valid:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d employee is imported.",
                        "%(count)d employees are imported.",
                        len(result.rows),
                    )
                    % {"count": len(result.rows)},
                )
                return redirect("organisations:employees", org_slug=organisation.slug)
            context["preview"] = result
    elif request.method == "POST":
        form = EmployeeImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            try:
                context["preview"] = preview(
                    organisation=organisation, data=form.cleaned_data["file"].read()
                )
            except ImportFileError as exc:
                context["file_error"] = str(exc)
    status = 400 if context.get("file_error") else 200
    return render(request, "organisations/employee_import.html", context, status=status)


# Members -----------------------------------------------------------------------------------


@organisation_view(roles.MANAGE_MEMBERS)
@require_POST
def member_deactivate(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_object_or_404(request.organisation.memberships, pk=membership_id)
    try:
        membership_deactivate(membership=membership, actor=request.user)
    except PeopleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(user)s is deactivated and holds no rights in this organisation any more.")
            % {"user": membership.user.get_username()},
        )
    return redirect("organisations:members", org_slug=request.organisation.slug)


@organisation_view(roles.MANAGE_MEMBERS)
@require_POST
def member_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    """Change a role at once, or ask a second person where the new role may hear calls."""
    membership = get_object_or_404(request.organisation.memberships, pk=membership_id)
    form = RoleChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed roles."))
        return redirect("organisations:members", org_slug=request.organisation.slug)
    try:
        change = member_role_change(
            membership=membership, role=form.cleaned_data["role"], actor=request.user
        )
    except PeopleError as exc:
        messages.error(request, str(exc))
    else:
        if change is not None:
            messages.info(
                request,
                _(
                    "This role may hear calls, so the change waits until another administrator "
                    "or the privacy officer approves it."
                ),
            )
        else:
            messages.success(
                request,
                _("%(user)s is now %(role)s.")
                % {"user": membership.user.get_username(), "role": membership.get_role_display()},
            )
    return redirect("organisations:members", org_slug=request.organisation.slug)


def _decider(request: HttpRequest):
    if not is_decider(request.membership):
        raise PermissionDenied
    return request.membership


@organisation_view(roles.VIEW_DASHBOARD)
def role_changes(request: HttpRequest) -> HttpResponse:
    _decider(request)
    rows = request.organisation.role_change_requests.select_related(
        "membership__user", "requested_by", "decided_by"
    )
    return render(
        request,
        "organisations/role_changes.html",
        {
            "pending": rows.filter(status=RoleChangeStatus.PENDING),
            "decided": rows.exclude(status=RoleChangeStatus.PENDING)[:50],
            # Invitations to a role that may hear calls are decided here too (four eyes).
            "invitations": invitations_awaiting_approval(organisation=request.organisation),
        },
    )


@organisation_view(roles.VIEW_DASHBOARD)
@require_POST
def role_change_decision(request: HttpRequest, change_id: int) -> HttpResponse:
    decider = _decider(request)
    change = get_object_or_404(request.organisation.role_change_requests, pk=change_id)
    approve = request.POST.get("decision") == "approve"
    try:
        role_change_decide(decider=decider, change_id=change.pk, approve=approve)
    except PeopleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The role change is approved.") if approve else _("The role change is denied."),
        )
    return redirect("organisations:role_changes", org_slug=request.organisation.slug)
