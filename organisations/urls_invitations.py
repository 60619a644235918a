from django.urls import path

from organisations import views_invitations as views

app_name = "invitations"
urlpatterns = [
    path("", views.invitation_list, name="list"),
    path("<int:invitation_id>/approve/", views.invitation_approve_view, name="approve"),
    path("<int:invitation_id>/deny/", views.invitation_deny_view, name="deny"),
    path("<int:invitation_id>/revoke/", views.invitation_revoke_view, name="revoke"),
    path("<int:invitation_id>/resend/", views.invitation_resend_view, name="resend"),
]
