from django.urls import path

from recordings import views_tokens

app_name = "recordings_tokens"
urlpatterns = [
    path("", views_tokens.token_list, name="list"),
    path("<int:token_id>/expiry/", views_tokens.token_expiry, name="expiry"),
    path("<int:token_id>/revoke/", views_tokens.token_revoke, name="revoke"),
]
