from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from organisations import roles
from organisations.decorators import organisation_view
from register.selectors import activities_for_organisation


@organisation_view(roles.VIEW_REGISTER)
def overview(request: HttpRequest) -> HttpResponse:
    activities = activities_for_organisation(organisation=request.organisation)
    return render(request, "register/overview.html", {"activities": activities})
