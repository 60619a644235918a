from django.urls import path

from organisations import views_twofactor_resets as views

app_name = "twofactor_resets"
urlpatterns = [
    path("", views.reset_list, name="list"),
    path("new/", views.reset_new, name="new"),
    path("<int:reset_id>/approve/", views.reset_approve, name="approve"),
    path("<int:reset_id>/deny/", views.reset_deny, name="deny"),
]
