from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from organisations import roles
from organisations.decorators import organisation_view
from organisations.forms import RoleChangeForm
from organisations.installation import is_installation_admin
from organisations.selectors import memberships_for_user
from organisations.services import membership_change_role
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
    memberships = request.organisation.memberships.select_related("user").order_by("user__username")
    return render(
        request,
        "organisations/members.html",
        {"memberships": memberships, "role_form": RoleChangeForm()},
    )


@organisation_view(roles.MANAGE_MEMBERS)
@require_POST
def member_change_role(request: HttpRequest, membership_id: int) -> HttpResponse:
    # Looked up inside the current organisation only: another tenant's id answers 404.
    membership = get_object_or_404(request.organisation.memberships, pk=membership_id)
    form = RoleChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed roles."))
    elif membership.user_id == request.user.pk:
        messages.error(request, _("You cannot change your own role; ask another administrator."))
    else:
        membership_change_role(
            membership=membership, role=form.cleaned_data["role"], actor=request.user
        )
        messages.success(
            request,
            _("%(user)s is now %(role)s.")
            % {"user": membership.user.get_username(), "role": membership.get_role_display()},
        )
    return redirect("organisations:members", org_slug=request.organisation.slug)
