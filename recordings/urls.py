from django.urls import path

from recordings import views

app_name = "recordings"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("file", views.upload_file, name="upload_file"),
]
