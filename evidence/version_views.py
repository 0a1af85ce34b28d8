"""The learner's withdrawal of an assessed item (kept, no longer counting)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from assessments.errors import error_text
from evidence import services
from evidence.access import get_item_for


@login_required
@require_POST
def evidence_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk, write=True)
    try:
        services.evidence_withdraw(item=item, learner=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            f"{item.reference} was withdrawn: it no longer counts, and it is kept with its "
            "versions as part of your assessment record.",
        )
    return redirect("evidence:detail", pk=item.pk)
