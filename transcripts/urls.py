from django.urls import path

from transcripts import views, views_purposes

app_name = "transcripts"
urlpatterns = [
    path("", views.transcript_list, name="list"),
    path("purposes/", views_purposes.purpose_list, name="purposes"),
    path("kept/<uuid:record_id>/", views.case_record_view, name="case_record"),
    path("purposes/<int:purpose_id>/", views_purposes.purpose_switch_view, name="purpose_switch"),
    path("call/<uuid:recording_id>/", views.transcript_start, name="start"),
    path("<uuid:transcript_id>/", views.transcript_detail, name="detail"),
    path("<uuid:transcript_id>/utterances/", views.utterance_add, name="utterance_add"),
    path(
        "<uuid:transcript_id>/utterances/<int:utterance_id>/",
        views.utterance_edit,
        name="utterance_edit",
    ),
    path(
        "<uuid:transcript_id>/utterances/<int:utterance_id>/delete/",
        views.utterance_delete,
        name="utterance_delete",
    ),
    path("<uuid:transcript_id>/import/", views.transcript_import, name="import"),
    path("<uuid:transcript_id>/propose/", views.redactions_propose, name="propose"),
    path(
        "<uuid:transcript_id>/redactions/<int:redaction_id>/",
        views.redaction_decide,
        name="redaction_decide",
    ),
    path("<uuid:transcript_id>/redactions/", views.redaction_add, name="redaction_add"),
    path("<uuid:transcript_id>/submit/", views.transcript_submit, name="submit"),
    path("<uuid:transcript_id>/decide/", views.transcript_decide, name="decide"),
    path("<uuid:transcript_id>/export/", views.transcript_export_view, name="export"),
]
