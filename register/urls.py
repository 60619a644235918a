from django.urls import path

from register import views, views_import

app_name = "register"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.<str:fmt>", views.export, name="export"),
    path("new/", views.activity_new, name="activity_new"),
    path("import/", views_import.import_upload, name="import"),
    path("import/confirm/", views_import.import_confirm, name="import_confirm"),
    path("<int:activity_id>/edit/", views.activity_edit, name="activity_edit"),
    path("<int:activity_id>/versions/", views.versions, name="versions"),
    path("<int:activity_id>/versions/<int:number>/", views.version_detail, name="version"),
    path("recording-policy/", views.policy, name="policy"),
    path("recording-policy/publish/", views.policy_publish_view, name="policy_publish"),
    path(
        "recording-policy/acknowledge/",
        views.policy_acknowledge_view,
        name="policy_acknowledge",
    ),
]
