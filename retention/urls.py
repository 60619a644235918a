from django.urls import path

from retention import views, views_archive

app_name = "retention"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("holds/new/", views.hold_new, name="hold_new"),
    path("holds/<uuid:hold_id>/", views.hold_detail, name="hold"),
    path("holds/<uuid:hold_id>/action", views.hold_action, name="hold_action"),
    path("apply-retention", views.change_action, name="change"),
    path("erase-early", views.erase_early_view, name="erase_early"),
    path("purge-now", views.purge_now_view, name="purge_now"),
    path(
        "destruction/propose",
        views_archive.destruction_propose_view,
        name="destruction_propose",
    ),
    path("destruction/<uuid:list_id>/", views_archive.destruction_detail, name="destruction"),
    path(
        "destruction/<uuid:list_id>/decide",
        views_archive.destruction_decide_view,
        name="destruction_decide",
    ),
    path(
        "destruction/<uuid:list_id>/statement.pdf",
        views_archive.destruction_statement,
        name="destruction_statement",
    ),
]
