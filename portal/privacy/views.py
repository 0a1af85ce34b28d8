"""Data protection: subject access exports, the retention report, erasure, and the public
privacy notice and accessibility statement."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from assessments.errors import form_error
from evidence.storage import download_response
from portal.privacy import erasure, subject_access
from portal.privacy.access import (
    get_person_for_admin,
    get_subject_export_for,
    require_centre_admin,
)
from portal.privacy.forms import EraseForm, SubjectAccessForm
from portal.privacy.models import SubjectAccessExport

PAGE_SIZE = 25
UPCOMING_SHOWN = 50


def _crumbs(*trail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        ("My centre", reverse("centre_dashboard")),
        ("Data protection", reverse("privacy:data_protection")),
        *trail,
    ]


@login_required
@require_http_methods(["GET", "POST"])
def data_protection(request: HttpRequest) -> HttpResponse:
    centre = require_centre_admin(request.user)
    form = SubjectAccessForm(request.POST if request.method == "POST" else None, centre=centre)
    if request.method == "POST" and form.is_valid():
        try:
            export = subject_access.subject_export_request(
                requested_by=request.user, centre=centre, subject=form.cleaned_data["person"]
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            return redirect("privacy:subject_export_detail", pk=export.pk)
    exports = SubjectAccessExport.objects.filter(centre=centre).select_related(
        "subject", "requested_by"
    )
    page = Paginator(exports, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/data_protection.html",
        {
            "centre": centre,
            "form": form,
            "page": page,
            "breadcrumbs": [
                ("My centre", reverse("centre_dashboard")),
                ("Data protection", None),
            ],
        },
    )


@login_required
@require_safe
def subject_export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_subject_export_for(request.user, pk)
    return render(
        request,
        "privacy/subject_export_detail.html",
        {
            "export": export,
            "breadcrumbs": _crumbs((f"Subject access: {export.subject.display_name}", None)),
        },
    )


@login_required
@require_safe
def subject_export_status(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_subject_export_for(request.user, pk)
    return render(request, "privacy/_subject_export_status.html", {"export": export})


@login_required
@require_safe
def subject_export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_subject_export_for(request.user, pk)
    if refusal := subject_access.download_refusal(export):
        raise Http404(refusal)
    return download_response(
        export.result.name,
        filename=export.result_name,
        content_type="application/zip",
        storage=export.result.storage,
    )


@login_required
@require_safe
def retention_report(request: HttpRequest) -> HttpResponse:
    centre = require_centre_admin(request.user)
    positions = erasure.retention_for(erasure.learners_of(centre), centre)
    ended = [p for p in positions if p.erasable_from is not None]
    ready = [p for p in ended if p.erasable and not p.flags]
    flagged = [p for p in ended if p.erasable and p.flags]
    running = sorted(
        (p for p in ended if not p.erasable and p.erasable_from is not None),
        key=lambda p: p.erasable_from,  # type: ignore[arg-type, return-value]
    )
    return render(
        request,
        "privacy/retention_report.html",
        {
            "centre": centre,
            "ready": ready,
            "flagged": flagged,
            "running": running[:UPCOMING_SHOWN],
            "running_count": len(running),
            "breadcrumbs": _crumbs(("Retention report", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def learner_erase(request: HttpRequest, pk: int) -> HttpResponse:
    centre, person = get_person_for_admin(request.user, pk)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            count = erasure.learner_erase(learner=person, centre=centre, acting=request.user)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"Learner #{person.pk}'s personal data was erased and {count} "
                f"file{'s' if count != 1 else ''} deleted. The erasure is in the record.",
            )
            return redirect("privacy:retention")
    [position] = erasure.retention_for([person], centre)
    return render(
        request,
        "privacy/learner_erase.html",
        {
            "person": person,
            "position": position,
            "centre": centre,
            "form": form,
            "breadcrumbs": _crumbs(
                ("Retention report", reverse("privacy:retention")),
                (f"Erase {person.display_name}", None),
            ),
        },
    )


def _statement_context() -> dict[str, str]:
    return {
        "controller_name": settings.PRIVACY_CONTROLLER_NAME,
        "controller_contact": settings.PRIVACY_CONTROLLER_CONTACT,
        "dpo_contact": settings.PRIVACY_DPO_CONTACT,
        "processor_name": settings.PRIVACY_PROCESSOR_NAME,
        "accessibility_contact": settings.ACCESSIBILITY_CONTACT,
    }


@require_safe
def privacy_notice(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "privacy/privacy_notice.html",
        {
            **_statement_context(),
            "export_ttl_hours": settings.SUBJECT_ACCESS_EXPORT_TTL_HOURS,
            "login_protection": "axes" in settings.INSTALLED_APPS,
            "centre": getattr(request.user, "centre", None),
        },
    )


@require_safe
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/accessibility_statement.html", _statement_context())
