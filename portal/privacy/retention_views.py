"""The centre admin's retention review of evidence flagged by ``manage.py flag_retention``:
keep an item some more years, or dispose of its files with a reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from assessments.errors import error_text
from evidence import services
from portal.privacy.access import get_flagged_item_for, require_centre_admin
from portal.privacy.evidence_retention import (
    evidence_dispose_unless_held,
    flagged_items,
    retention_holds,
)

PAGE_SIZE = 25


class RetainForm(forms.Form):
    years = forms.IntegerField(label="Keep for more years", min_value=1, max_value=50, initial=1)


class DisposeForm(forms.Form):
    reason = forms.CharField(label="Reason for disposing of the files", max_length=2000)


@login_required
@require_safe
def evidence_retention(request: HttpRequest) -> HttpResponse:
    centre = require_centre_admin(request.user)
    page = Paginator(flagged_items(centre), PAGE_SIZE).get_page(request.GET.get("page"))
    holds = retention_holds(flagged_items(centre).filter(pk__in=[i.pk for i in page]))
    for item in page:
        item.eqa_hold = holds.get(item.pk, "")
    return render(
        request,
        "privacy/evidence_retention.html",
        {
            "centre": centre,
            "page": page,
            "breadcrumbs": [
                ("Data protection", reverse("privacy:data_protection")),
                ("Retention review", None),
            ],
        },
    )


def _back(request: HttpRequest) -> HttpResponse:
    page = request.POST.get("page", "")
    url = reverse("privacy:evidence_retention")
    return redirect(f"{url}?page={page}" if page.isdigit() else url)


@login_required
@require_POST
def evidence_retain(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_flagged_item_for(request.user, pk)
    form = RetainForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{item.reference}: keep it for 1 to 50 more years.")
        return _back(request)
    try:
        kept = services.evidence_retain(
            item=item, admin=request.user, years=form.cleaned_data["years"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            f"{item.reference} of {item.learner.display_name} is kept until "
            f"{kept.retain_until:%d %B %Y}.",
        )
    return _back(request)


@login_required
@require_POST
def evidence_dispose(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_flagged_item_for(request.user, pk)
    form = DisposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{item.reference}: say why its files are disposed of.")
        return _back(request)
    try:
        evidence_dispose_unless_held(
            item=item, admin=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            f"The files of {item.reference} of {item.learner.display_name} were disposed of; "
            "its details, fingerprints and record are kept.",
        )
    return _back(request)
