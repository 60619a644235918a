from django.urls import path

from access import views_policy as views

app_name = "policy"
urlpatterns = [
    path("", views.policy_overview, name="overview"),
    path("purposes/<int:purpose_id>/", views.policy_edit, name="edit"),
    path("versions/<int:number>/", views.policy_version, name="version"),
]
