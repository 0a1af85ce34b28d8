"""The assessment record of one enrolment: every decision, newest first, with its hash.

The workflow pages (sign-off, countersigning, reopening, IQA sampling) are in ``review``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from assessments.access import get_enrolment_for
from assessments.models import RecordEntry

PAGE_SIZE = 25


@login_required
@require_safe
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """Every recorded decision on one enrolment, newest first, with its hash."""
    enrolment = get_enrolment_for(request.user, pk)
    entries = RecordEntry.objects.filter(enrolment=enrolment).order_by("-sequence")
    return render(
        request,
        "assessments/record.html",
        {
            "enrolment": enrolment,
            "page": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
            "breadcrumbs": [
                (
                    f"{enrolment.learner.display_name}: {enrolment.standard.display_code}",
                    reverse("review:grid", args=[enrolment.pk]),
                ),
                ("Assessment record", None),
            ],
        },
    )
