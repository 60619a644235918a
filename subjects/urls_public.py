"""The organisation's public request form: no account, rate-limited, e-mail confirmed."""

from django.urls import path

from subjects import views_public

app_name = "subjects_public"
urlpatterns = [
    path("", views_public.public_form, name="form"),
    path("sent/", views_public.public_sent, name="sent"),
    path("confirm/<str:token>/", views_public.public_confirm, name="confirm"),
]
