from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from organisations import roles
from organisations.decorators import organisation_view
from organisations.forms import RoleChangeForm
from organisations.installation import is_installation_admin
from organisations.selectors import memberships_for_user
from organisations.todo import todos_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to the organisation they used last, or their first one."""
    memberships = list(memberships_for_user(user=request.user))
    if not memberships:
        if is_installation_admin(user=request.user):
            return redirect("installation:overview")
        return render(request, "organisations/no_membership.html", status=403)
    last = request.session.get("last_organisation")
    chosen = next((m for m in memberships if m.organisation.slug == last), memberships[0])
    return redirect("organisations:dashboard", org_slug=chosen.organisation.slug)


@organisation_view(roles.VIEW_DASHBOARD)
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "organisations/dashboard.html", {"todos": todos_for(request.membership)})


@organisation_view(roles.MANAGE_MEMBERS)
def members(request: HttpRequest) -> HttpResponse:
    memberships = request.organisation.memberships.select_related("user").order_by(
        "-active", "user__username"
    )
    return render(
        request,
        "organisations/members.html",
        {
            "memberships": memberships,
            "role_form": RoleChangeForm(),
            "pending_roles": {
                change.membership_id: change.get_new_role_display()
                for change in request.organisation.role_change_requests.filter(status="pending")
            },
        },
    )
