from django.urls import path

from access import views_requests as views

app_name = "requests"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<uuid:request_id>/", views.request_detail, name="detail"),
    path("<uuid:request_id>/decide", views.request_decide_view, name="decide"),
    path("<uuid:request_id>/withdraw", views.request_withdraw_view, name="withdraw"),
    path("<uuid:request_id>/revoke", views.grant_revoke_view, name="revoke"),
    path("<uuid:request_id>/cancel-link", views.disclosure_cancel_view, name="cancel_link"),
]
