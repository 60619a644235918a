from django.urls import path

from organisations import views_installation as views

app_name = "installation"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("organisations/new/", views.organisation_new, name="organisation_new"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke_view,
        name="invitation_revoke",
    ),
]
