from django.urls import path

from coaching import views

app_name = "coaching"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("evaluate/<uuid:recording_id>/", views.evaluation_new, name="evaluation_new"),
    path("evaluations/<uuid:evaluation_id>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<uuid:evaluation_id>/draft", views.evaluation_draft, name="draft"),
    path("evaluations/<uuid:evaluation_id>/comment", views.evaluation_comment, name="comment"),
    path(
        "evaluations/<uuid:evaluation_id>/acknowledge",
        views.evaluation_acknowledge_view,
        name="acknowledge",
    ),
]
