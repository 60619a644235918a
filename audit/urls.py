from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.trail, name="trail"),
    path("export", views.trail_export_view, name="export"),
    path("verify", views.trail_verify, name="verify"),
    path("checkpoints.jsonl", views.checkpoints_download, name="checkpoints"),
    path("verify-key.pem", views.verify_key_download, name="verify_key"),
]
