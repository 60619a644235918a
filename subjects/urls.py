from django.urls import path

from subjects import views

app_name = "subjects"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("public-form/", views.public_form_switch, name="public_form"),
    path("<uuid:subject_request_id>/", views.request_detail, name="detail"),
    path("<uuid:subject_request_id>/extend/", views.request_extend, name="extend"),
]
