"""The organisation's public request form: no account, rate-limited, e-mail confirmed."""

from django.urls import path  # noqa: F401

app_name = "subjects_public"
urlpatterns: list = []
