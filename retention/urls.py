from django.urls import path

from retention import views

app_name = "retention"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("holds/new/", views.hold_new, name="hold_new"),
    path("holds/<uuid:hold_id>/", views.hold_detail, name="hold"),
    path("holds/<uuid:hold_id>/action", views.hold_action, name="hold_action"),
    path("apply-retention", views.change_action, name="change"),
    path("erase-early", views.erase_early_view, name="erase_early"),
]
