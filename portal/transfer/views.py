from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from assessments.errors import form_error
from portal.transfer import signing
from portal.transfer.access import get_learner_history_for, require_importer
from portal.transfer.forms import ImportForm
from portal.transfer.selectors import transfer_match, transfers_of
from portal.transfer.services import transfer_import


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


@login_required
@require_safe
def history(request: HttpRequest, pk: int) -> HttpResponse:
    centre, learner = get_learner_history_for(request.user, pk)
    transfers = list(transfers_of(learner, centre))
    match = transfer_match(learner, centre)
    rows = [row for row in match.rows if row.achievements]
    return render(
        request,
        "transfer/history.html",
        {
            "learner": learner,
            "transfers": transfers,
            "rows": rows,
            "unmatched": match.unmatched,
            "breadcrumbs": [("Transferred history", None)],
            "import_url": reverse("transfer:import"),
        },
    )
