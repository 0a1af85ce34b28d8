"""Assessor-made evidence from the learner's side, and expert witness testimony.

- The learner acknowledges their assessor's record (``evidence.access.get_item_for`` with
  ``write``: their own item only).
- The learner or their assessor asks a named witness for a testimony
  (``evidence.access.enrolment_for_witness_request``).
- The witness writes and signs it on a public page reached only through their link
  (``evidence.access.witness_request_for_link``): a valid link shows the form, an unknown
  one is a 404, a used or expired one a 410; none reaches anything else.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from assessments.errors import form_error
from evidence import selectors, services, witness
from evidence.access import enrolment_for_witness_request, get_item_for, witness_request_for_link
from evidence.forms import AcknowledgeForm, WitnessRequestForm, WitnessStatementForm
from evidence.models import EvidenceItem, WitnessRequest
from evidence.witness import LinkRefused


@login_required
@require_http_methods(["GET", "POST"])
def evidence_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk, write=True)
    if item.status != EvidenceItem.Status.AWAITING_ACK:
        messages.info(request, f"{item.reference} is not awaiting your acknowledgement.")
        return redirect("evidence:detail", pk=item.pk)
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_acknowledge(
                item=item,
                learner=request.user,
                acknowledgement_name=form.cleaned_data["acknowledgement_name"],
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(
                request, f"You acknowledged {item.reference}. It now counts as your evidence."
            )
            return redirect("evidence:detail", pk=item.pk)
    return render(
        request,
        "evidence/evidence_acknowledge.html",
        {
            "item": item,
            "form": form,
            "files": selectors.item_files(item),
            "scan_refusal": services.scan_refusal(item),
            "mappings": selectors.item_mappings(item),
            "questions": selectors.item_questions(item),
            "breadcrumbs": [
                ("My evidence", reverse("evidence:list")),
                (f"{item.reference} {item.title}", reverse("evidence:detail", args=[item.pk])),
                ("Acknowledge", None),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def witness_request(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_for_witness_request(request.user, pk)
    form = WitnessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = witness.witness_request_create(
                enrolment=enrolment, requested_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"{sent.witness_name} will be emailed a link to write and sign their statement. "
                f"It works once, until {timezone.localtime(sent.expires_at):%d %B %Y}.",
            )
            return redirect("evidence:witness_request", pk=enrolment.pk)
    is_learner = request.user.pk == enrolment.learner_id
    return render(
        request,
        "evidence/witness_request.html",
        {
            "enrolment": enrolment,
            "form": form,
            "is_learner": is_learner,
            "requests": WitnessRequest.objects.filter(enrolment=enrolment)
            .select_related("item", "requested_by")
            .order_by("-created_at"),
            "now": timezone.now(),
            "link_days": settings.WITNESS_LINK_DAYS,
            "breadcrumbs": [
                (
                    "My progress" if is_learner else "My caseload",
                    reverse("learner_dashboard" if is_learner else "assessor_dashboard"),
                ),
                (
                    f"{enrolment.learner.display_name}: {enrolment.standard.display_code}",
                    reverse("review:grid", args=[enrolment.pk]),
                ),
                ("Ask a witness", None),
            ],
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def witness_statement(request: HttpRequest, token: str) -> HttpResponse:
    """The public page behind a witness's link: no account, one use.

    A witness has no account, so someone signed in to the portal (a learner on a shared
    computer, an assessor, an EQA) may read the page but never submit a statement: 403.
    """
    if request.method == "POST" and request.user.is_authenticated:
        return render(
            request,
            "evidence/witness_link_refused.html",
            {
                "reason": "You are signed in to the portal. A witness writes their statement "
                "without an account: sign out, or open the link in a private window."
            },
            status=403,
        )
    try:
        link = witness_request_for_link(token)
    except LinkRefused as refused:
        return render(
            request, "evidence/witness_link_refused.html", {"reason": str(refused)}, status=410
        )
    form = WitnessStatementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            witness.witness_statement_submit(
                token=token,
                statement=form.cleaned_data["statement"],
                occurred_on=form.cleaned_data["occurred_on"],
                signed_name=form.cleaned_data["signed_name"],
            )
        except LinkRefused as refused:
            status = 410 if refused.gone else 404
            return render(
                request,
                "evidence/witness_link_refused.html",
                {"reason": str(refused)},
                status=status,
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            return redirect("evidence:witness_statement_sent")
    response = render(request, "evidence/witness_statement.html", {"link": link, "form": form})
    # The token is in the path: never send it on as a Referer. Not "no-referrer", though:
    # browsers then send "Origin: null" with the form's POST and Django's CSRF check refuses
    # every witness (a 403). "strict-origin" sends the bare origin, which that check accepts.
    response["Referrer-Policy"] = "strict-origin"
    return response


@require_http_methods(["GET"])
def witness_statement_sent(request: HttpRequest) -> HttpResponse:
    """Where a witness lands after signing: the same thanks for everyone, naming no one."""
    return render(request, "evidence/witness_thanks.html")
