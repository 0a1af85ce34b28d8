from django.urls import path

from review import assessor_evidence_views, plan_views, views

app_name = "review"

# The assessor's review of an item, the mapping grid (everyone's progress view), judgements,
# sign-off, countersigning, reopening and IQA sampling. The paths stay where they were first
# published (under /evidence/ and /assessments/), so bookmarks keep working.
urlpatterns = [
    path("evidence/<int:pk>/review/", views.review, name="review"),
    path("evidence/<int:pk>/review/decide/", views.review_decide, name="review_decide"),
    path("evidence/<int:pk>/review/mappings/", views.review_mapping, name="review_mapping"),
    path(
        "evidence/<int:pk>/review/confirm-all/",
        views.review_confirm_all,
        name="review_confirm_all",
    ),
    path("evidence/enrolments/<int:pk>/grid/", views.grid, name="grid"),
    path(
        "evidence/enrolments/<int:pk>/grid/<int:item_pk>/<int:criterion_pk>/",
        views.grid_toggle,
        name="grid_toggle",
    ),
    path(
        "evidence/enrolments/<int:pk>/grid/<int:item_pk>/<int:criterion_pk>/equivalents/",
        views.map_equivalents,
        name="map_equivalents",
    ),
    path(
        "evidence/enrolments/<int:pk>/criteria/<int:criterion_pk>/judge/",
        views.judge,
        name="judge",
    ),
    path(
        "evidence/enrolments/<int:pk>/criteria/<int:criterion_pk>/judge-met/",
        views.judge_met,
        name="judge_met",
    ),
    path("evidence/enrolments/<int:pk>/judge-backed/", views.judge_backed, name="judge_backed"),
    path("evidence/enrolments/<int:pk>/sign-off/", views.sign_off, name="sign_off"),
    path(
        "evidence/enrolments/<int:pk>/record/observation/",
        assessor_evidence_views.record_observation,
        name="record_observation",
    ),
    path(
        "evidence/enrolments/<int:pk>/record/discussion/",
        assessor_evidence_views.record_discussion,
        name="record_discussion",
    ),
    path(
        "evidence/enrolments/<int:pk>/record/questioning/",
        assessor_evidence_views.record_questioning,
        name="record_questioning",
    ),
    path("assessments/enrolments/<int:pk>/countersign/", views.countersign, name="countersign"),
    path("assessments/enrolments/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("assessments/enrolments/<int:pk>/plan/", plan_views.plan, name="plan"),
    path("assessments/enrolments/<int:pk>/plan/edit/", plan_views.plan_edit, name="plan_edit"),
    path("assessments/enrolments/<int:pk>/plan/sign/", plan_views.plan_sign, name="plan_sign"),
    path(
        "assessments/enrolments/<int:pk>/plan/versions/<int:version>/",
        plan_views.plan_version,
        name="plan_version",
    ),
    path("assessments/iqa/assessors/", views.iqa_assessors, name="iqa_assessors"),
    path("assessments/iqa/assessors/<int:pk>/", views.iqa_decisions, name="iqa_decisions"),
    path("assessments/iqa/decisions/<int:pk>/", views.iqa_sample, name="iqa_sample"),
]
