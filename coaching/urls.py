from django.urls import path

from coaching import (
    views,
    views_calibration,
    views_disputes,
    views_forms,
    views_reports,
    views_samples,
    views_settings,
)

app_name = "coaching"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("reports/", views_reports.report, name="reports"),
    path("samples/", views_samples.sample_queue, name="samples"),
    path("settings/", views_settings.coaching_settings, name="settings"),
    path("samples/<int:item_id>/done", views_samples.sample_done_view, name="sample_done"),
    path("samples/draws/<uuid:draw_id>/", views_samples.draw_detail, name="sample_draw"),
    path("forms/", views_forms.form_list, name="forms"),
    path("forms/new/", views_forms.form_edit, name="form_new"),
    path("forms/<int:form_id>/edit/", views_forms.form_edit, name="form_edit"),
    path("forms/<int:form_id>/v<int:number>/", views_forms.version_detail, name="form_version"),
    path(
        "forms/<int:form_id>/v<int:number>/publish",
        views_forms.form_publish,
        name="form_publish",
    ),
    path("evaluate/<uuid:recording_id>/", views.evaluation_new, name="evaluation_new"),
    path("evaluations/<uuid:evaluation_id>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<uuid:evaluation_id>/draft", views.evaluation_draft, name="draft"),
    path("evaluations/<uuid:evaluation_id>/comment", views.evaluation_comment, name="comment"),
    path(
        "evaluations/<uuid:evaluation_id>/dispute",
        views_disputes.dispute_raise_view,
        name="dispute",
    ),
    path("evaluations/<uuid:evaluation_id>/retract", views_disputes.retract_view, name="retract"),
    path(
        "disputes/<int:dispute_id>/answer",
        views_disputes.dispute_answer_view,
        name="dispute_answer",
    ),
    path(
        "evaluations/<uuid:evaluation_id>/acknowledge",
        views.evaluation_acknowledge_view,
        name="acknowledge",
    ),
    path(
        "consent/ask/<uuid:recording_id>/", views_calibration.consent_ask_view, name="consent_ask"
    ),
    path(
        "consent/<uuid:consent_id>/answer",
        views_calibration.consent_answer_view,
        name="consent_answer",
    ),
    path(
        "calibration/new/<uuid:recording_id>/",
        views_calibration.calibration_new,
        name="calibration_new",
    ),
    path(
        "calibration/<uuid:session_id>/",
        views_calibration.calibration_detail,
        name="calibration",
    ),
    path(
        "calibration/<uuid:session_id>/score",
        views_calibration.calibration_score_view,
        name="calibration_score",
    ),
    path(
        "calibration/<uuid:session_id>/close",
        views_calibration.calibration_close_view,
        name="calibration_close",
    ),
]
