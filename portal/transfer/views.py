from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.errors import form_error
from assessments.models import Enrolment
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.transfer import signing
from portal.transfer.access import (
    enrolment_to_recognise,
    get_learner_history_for,
    require_importer,
)
from portal.transfer.forms import ImportForm, RecognitionForm
from portal.transfer.recognition import prior_learning_recognise
from portal.transfer.selectors import (
    met_here,
    recognisable,
    recognised_here,
    transfer_match,
    transfers_of,
)
from portal.transfer.services import transfer_import
from review.status import state_facts, with_state


@require_safe
def public_key(request: HttpRequest) -> JsonResponse:
    """The key that signs this installation's portfolio packages, for receivers to compare."""
    return JsonResponse(signing.public_key_document())


@login_required
@require_http_methods(["GET", "POST"])
def import_package(request: HttpRequest) -> HttpResponse:
    centre = require_importer(request.user)
    bound = request.method == "POST"
    form = ImportForm(
        request.POST if bound else None, request.FILES if bound else None, centre=centre
    )
    if bound and form.is_valid():
        upload = form.cleaned_data["package"]
        try:
            transfer = transfer_import(
                centre=centre,
                learner=form.cleaned_data["learner"],
                imported_by=request.user,
                upload=upload,
                size=upload.size,
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                f"Imported the portfolio of {transfer.source_learner} from "
                f"{transfer.source_centre}: {len(transfer.manifest['record'])} record entries "
                "verified.",
            )
            return redirect("transfer:history", pk=transfer.learner_id)
    return render(
        request,
        "transfer/import.html",
        {"form": form, "key": signing.public_key_document(), "centre": centre},
        status=400 if form.errors else 200,
    )


def _history_page(
    request: HttpRequest,
    centre: Centre,
    learner: User,
    *,
    bound: RecognitionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The history page; ``bound`` is a refused recognition form, shown with its errors."""
    transfers = list(transfers_of(learner, centre))
    match = transfer_match(learner, centre)
    rows = [row for row in match.rows if row.achievements]
    enrolments = list({row.enrolment.pk: row.enrolment for row in rows}.values())
    met = met_here(enrolments)
    recognised = recognised_here(learner, centre)
    for row in rows:
        row.recognised = recognised.get(row.criterion.pk)
        row.met_here = (row.enrolment.pk, row.criterion.pk) in met
    # Forms only where the service would accept one: the user's own units, active, open.
    mine = [e.pk for e in enrolments if e.assessor_id == request.user.pk]
    open_units = (
        {
            e.pk
            for e in with_state(
                Enrolment.objects.filter(pk__in=mine, status=Enrolment.Status.ACTIVE)
            )
            if not state_facts(e).locked
        }
        if mine
        else set()
    )
    groups = [
        group
        for group in recognisable(rows, met=met, recognised=recognised)
        if group.enrolment.pk in open_units
    ]
    for group in groups:
        same = (
            bound is not None
            and bound.enrolment.pk == group.enrolment.pk
            and bound.data.get("transfer") == str(group.transfer.pk)
        )
        group.form = (
            bound
            if same
            else RecognitionForm(enrolment=group.enrolment, initial={"transfer": group.transfer})
        )
        group.chosen = set(bound.data.getlist("criteria")) if same else set()
        group.prefix = f"rec-{group.enrolment.pk}-{group.transfer.pk}"
        group.url = reverse(
            "transfer:recognise", kwargs={"pk": learner.pk, "enrolment_pk": group.enrolment.pk}
        )
    placed = any(group.form is bound for group in groups)
    return render(
        request,
        "transfer/history.html",
        {
            "learner": learner,
            "transfers": transfers,
            "rows": rows,
            "unmatched": match.unmatched,
            "groups": groups,
            "refused": bound if bound is not None and not placed else None,
            "breadcrumbs": [("Transferred history", None)],
            "import_url": reverse("transfer:import"),
        },
        status=status,
    )


@login_required
@require_safe
def history(request: HttpRequest, pk: int) -> HttpResponse:
    centre, learner = get_learner_history_for(request.user, pk)
    return _history_page(request, centre, learner)


@login_required
@require_POST
def recognise(request: HttpRequest, pk: int, enrolment_pk: int) -> HttpResponse:
    """The assessor recognises criteria judged met in a transferred portfolio as prior
    learning on one unit; a refusal shows the history page again with the reasons."""
    enrolment = enrolment_to_recognise(request.user, pk, enrolment_pk)
    form = RecognitionForm(request.POST, enrolment=enrolment)
    if form.is_valid():
        try:
            recognition = prior_learning_recognise(
                transfer=form.cleaned_data["transfer"],
                enrolment=enrolment,
                criteria=form.cleaned_data["criteria"],
                assessor=request.user,
                rationale=form.cleaned_data["rationale"],
                key_confirmed=form.cleaned_data["key_confirmed"],
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            item = recognition.item
            count = item.mappings.count()
            criteria = f"{count} criteri{'on' if count == 1 else 'a'}"
            if item.status == item.Status.ACCEPTED:
                messages.success(
                    request,
                    f"Recognised {criteria} as prior learning ({item.reference}), judged met "
                    f"on {enrolment.standard.display_code}.",
                )
            else:
                messages.info(
                    request,
                    f"Recorded {criteria} as prior learning ({item.reference}). Its PDF is "
                    "being checked for malware: accept it on its review page and judge the "
                    "criteria from the grid once the check is done.",
                )
            return redirect("transfer:history", pk=enrolment.learner_id)
    return _history_page(request, enrolment.centre, enrolment.learner, bound=form, status=400)
