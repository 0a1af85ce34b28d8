"""The assessor records an observation, a professional discussion or questioning on the
learner's portfolio (``review.assessor_evidence``), from the unit's grid.

Only the enrolment's assessor may (``review.access.enrolment_for_assessor``: 403 for others
who may see the enrolment, 404 for everyone else). Photos and recordings go through the
evidence upload guard, installed before the body is read, then CSRF is checked as usual.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import TooManyFilesSent, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from assessments.errors import form_error
from assessments.models import Enrolment
from assessments.services import enrolment_is_locked
from evidence.filetypes import Refused
from evidence.forms import MultipleFileField
from evidence.models import EvidenceItem
from evidence.selectors import criteria_by_group
from evidence.uploads import EvidenceSizeLimitHandler
from review import access
from review.assessor_evidence import Question, Upload, assessor_evidence_create
from standards.formfields import ModelIdsField
from standards.models import Criterion

Type = EvidenceItem.Type
QUESTION_ROWS = 10
TEXT_MAX = 20_000
MEDIA_ACCEPT = (
    "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif,"
    "audio/mpeg,audio/mp4,audio/aac,audio/wav,audio/ogg,.mp3,.m4a,.aac,.wav,.ogg,.oga,"
    "video/mp4,video/quicktime,video/webm,.mp4,.m4v,.mov,.webm,.pdf"
)
HEADINGS = {
    Type.OBSERVATION: "Record an observation",
    Type.DISCUSSION: "Record a professional discussion",
    Type.QA: "Record questioning",
}


class RecordForm(forms.Form):
    title = forms.CharField(
        max_length=200, help_text="A short name, e.g. 'Morning medication round'."
    )
    occurred_on = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    occurred_at_time = forms.TimeField(
        label="Time", required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(
        max_length=200, required=False, help_text="Where, e.g. 'Rose Ward, Elm House care home'."
    )
    work_setting = forms.ChoiceField(
        label="Work setting",
        required=False,
        choices=EvidenceItem.Setting.choices,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    criteria = ModelIdsField(
        queryset=Criterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Criteria covered",
    )
    witness_name = forms.CharField(label="Witness present: name", max_length=200, required=False)
    witness_role = forms.CharField(label="Witness present: role", max_length=200, required=False)
    files = MultipleFileField(
        label="Photos, audio or video (optional)",
        required=False,
        help_text="Checked and stored like the learner's own evidence files.",
    )

    def __init__(self, *args: Any, enrolment: Enrolment, evidence_type: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = Criterion.objects.filter(
            standard_id=enrolment.standard_id
        )
        if evidence_type == Type.OBSERVATION:
            self.fields["description"].label = "What you observed"
            self.fields[
                "description"
            ].help_text = "In your own words: what the learner did and how it meets the criteria."
            for name in ("occurred_at_time", "place", "work_setting", "description"):
                self.fields[name].required = True
            if not enrolment.standard.simulation_allowed:
                self.fields["work_setting"].help_text = (
                    f"The assessment rules of {enrolment.standard.display_code} require real "
                    "work: a simulation is refused."
                )
        else:
            for name in (
                "occurred_at_time",
                "place",
                "work_setting",
                "witness_name",
                "witness_role",
            ):
                del self.fields[name]
        if evidence_type == Type.DISCUSSION:
            self.fields["description"].label = "Summary of the discussion"
            self.fields["description"].required = True
            self.fields["files"].label = "Audio recording (optional)"
        if evidence_type == Type.QA:
            self.fields["description"].label = "Context (optional)"
            self.fields["description"].help_text = "When and why the questions were asked."
            del self.fields["criteria"]
            del self.fields["files"]


class QuestionForm(forms.Form):
    question = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    answer = forms.CharField(
        label="Answer given",
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    criteria = ModelIdsField(
        queryset=Criterion.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Criteria this answer covers",
    )

    def __init__(self, *args: Any, enrolment: Enrolment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = Criterion.objects.filter(
            standard_id=enrolment.standard_id
        )


def _questions(forms_: list[QuestionForm]) -> list[Question]:
    return [
        Question(
            question=f.cleaned_data["question"],
            answer=f.cleaned_data["answer"],
            criteria=list(f.cleaned_data["criteria"]),
        )
        for f in forms_
        if f.cleaned_data.get("question", "").strip()
        or f.cleaned_data.get("answer", "").strip()
        or f.cleaned_data.get("criteria")
    ]


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def record_observation(request: HttpRequest, pk: int) -> HttpResponse:
    return _guarded(request, pk, Type.OBSERVATION)


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def record_discussion(request: HttpRequest, pk: int) -> HttpResponse:
    return _guarded(request, pk, Type.DISCUSSION)


@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def record_questioning(request: HttpRequest, pk: int) -> HttpResponse:
    return _guarded(request, pk, Type.QA)


def _guarded(request: HttpRequest, pk: int, evidence_type: str) -> HttpResponse:
    """Check access, install the upload size guard before the body is read, then CSRF."""
    enrolment = access.enrolment_for_assessor(request.user, pk)
    if enrolment.status != Enrolment.Status.ACTIVE or enrolment_is_locked(enrolment):
        messages.error(
            request, "This unit is signed off or not active, so no evidence can be recorded for it."
        )
        return redirect("review:grid", pk=enrolment.pk)
    if request.method == "POST":
        request.upload_handlers.insert(0, EvidenceSizeLimitHandler(request))
        try:
            request.FILES  # noqa: B018 -- parse the body now, with the size guard installed
        except (MultiPartParserError, TooManyFilesSent):
            messages.error(request, "The upload could not be read; nothing was saved. Try again.")
            return redirect(request.path)
    return _record(request, enrolment, evidence_type)


@csrf_protect
def _record(request: HttpRequest, enrolment: Enrolment, evidence_type: str) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = RecordForm(
        data,
        files,
        enrolment=enrolment,
        evidence_type=evidence_type,
        initial={
            "occurred_on": timezone.localdate(),
            "work_setting": EvidenceItem.Setting.REAL_WORK,
        },
    )
    question_forms = (
        [
            QuestionForm(data, prefix=f"q{n}", enrolment=enrolment)
            for n in range(1, QUESTION_ROWS + 1)
        ]
        if evidence_type == Type.QA
        else []
    )
    refused = getattr(request, "evidence_upload_refused", None)
    if refused:
        form.add_error("files" if "files" in form.fields else None, refused)
    if (
        request.method == "POST"
        and not refused
        and form.is_valid()
        and all(f.is_valid() for f in question_forms)
    ):
        cleaned = form.cleaned_data
        try:
            item = assessor_evidence_create(
                enrolment=enrolment,
                assessor=request.user,
                evidence_type=evidence_type,
                title=cleaned["title"],
                occurred_on=cleaned["occurred_on"],
                description=cleaned.get("description", ""),
                criteria=list(cleaned.get("criteria") or []),
                questions=_questions(question_forms),
                occurred_at_time=cleaned.get("occurred_at_time"),
                place=cleaned.get("place", ""),
                work_setting=cleaned.get("work_setting", ""),
                witness_name=cleaned.get("witness_name", ""),
                witness_role=cleaned.get("witness_role", ""),
                uploads=[Upload(f, f.name, f.size) for f in cleaned.get("files") or [] if f],
            )
        except Refused as error:
            form.add_error("files", f"{error} Nothing was saved.")
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"{item.reference} was recorded and mapped to {item.mappings.count()} "
                f"criteri{'on' if item.mappings.count() == 1 else 'a'}. It counts as evidence "
                "once the learner acknowledges it.",
            )
            return redirect("evidence:detail", pk=item.pk)
    groups = criteria_by_group(enrolment.standard)
    chosen = {str(v) for v in form.data.getlist("criteria")} if form.is_bound else set()
    return render(
        request,
        "review/assessor_evidence_form.html",
        {
            "enrolment": enrolment,
            "form": form,
            "evidence_type": evidence_type,
            "heading": HEADINGS[evidence_type],
            "groups": groups,
            "chosen": chosen,
            "question_rows": [
                (
                    n,
                    qf,
                    {str(v) for v in qf.data.getlist(f"q{n}-criteria")} if qf.is_bound else set(),
                )
                for n, qf in enumerate(question_forms, start=1)
            ],
            "accept": MEDIA_ACCEPT,
            "breadcrumbs": [
                ("My caseload", reverse("assessor_dashboard")),
                (
                    f"{enrolment.learner.display_name}: {enrolment.standard.display_code}",
                    reverse("review:grid", args=[enrolment.pk]),
                ),
                (HEADINGS[evidence_type], None),
            ],
        },
    )
