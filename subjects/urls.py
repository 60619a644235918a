from django.urls import path

from subjects import views, views_answer

app_name = "subjects"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("public-form/", views.public_form_switch, name="public_form"),
    path("<uuid:subject_request_id>/", views.request_detail, name="detail"),
    path("<uuid:subject_request_id>/extend/", views.request_extend, name="extend"),
    # The answer (subjects-answer): prepare, approve or reject (four eyes), the letter.
    path(
        "<uuid:subject_request_id>/answer/",
        views_answer.answer_prepare_view,
        name="answer_prepare",
    ),
    path("<uuid:subject_request_id>/letter/", views_answer.answer_letter_view, name="letter"),
    path("answers/<uuid:answer_id>/", views_answer.answer_detail_view, name="answer"),
    path(
        "answers/<uuid:answer_id>/approve/",
        views_answer.answer_approve_view,
        name="answer_approve",
    ),
    path("answers/<uuid:answer_id>/reject/", views_answer.answer_reject_view, name="answer_reject"),
    path(
        "answers/<uuid:answer_id>/carry-out/",
        views_answer.answer_carry_out_view,
        name="answer_carry_out",
    ),
]
