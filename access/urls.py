from django.urls import path

from access import views

app_name = "access"
urlpatterns = [
    path("", views.recording_list, name="recording_list"),
    path("<uuid:recording_id>/", views.recording_detail, name="recording_detail"),
    path("<uuid:recording_id>/audio", views.recording_audio, name="recording_audio"),
    path(
        "<uuid:recording_id>/employee-present",
        views.recording_employee_present,
        name="recording_employee_present",
    ),
]
