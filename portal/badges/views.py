"""Badges: the learner's own page and claim; the public issuer profile, keys, revocation
lists and verification page."""

from __future__ import annotations

import json

import jwt
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.errors import DecisionError, error_text
from portal.badges import access, credential, selectors, services, signing, verify
from portal.badges.forms import VerifyForm

JSON_TYPES = ("application/json", "application/ld+json")


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    access.require_learner(request.user)
    units = list(selectors.learner_units(request.user))
    rows = []
    for enrolment in units:
        sign_off = enrolment.open_sign_offs[0] if enrolment.open_sign_offs else None
        badge = getattr(sign_off, "badge", None) if sign_off else None
        refusal = None if badge else services.claim_refusal(enrolment, request.user)
        rows.append({"enrolment": enrolment, "badge": badge, "refusal": refusal})
    revoked = [b for b in selectors.learner_badges(request.user) if b.revoked]
    return render(request, "badges/mine.html", {"rows": rows, "revoked": revoked})


@login_required
@require_POST
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = access.enrolment_for_learner(request.user, pk)
    try:
        services.badge_claim(learner=request.user, enrolment=enrolment)
    except DecisionError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Your badge for {enrolment.standard.display_name} is ready.")
    return redirect("badges:mine")


@login_required
@require_GET
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The badge as issued: the VC-JWT, or the credential as JSON with that VC-JWT as its
    proof (what wallets that take JSON import)."""
    badge = access.badge_for_learner(request.user, pk)
    response = HttpResponse(badge.token, content_type="application/jwt")
    if fmt == "json":
        signed = jwt.decode(badge.token, options={"verify_signature": False})
        document = {k: v for k, v in signed.items() if k not in credential.JWT_CLAIMS}
        document["proof"] = {"type": verify.PROOF_TYPE, "jwt": badge.token}
        response = HttpResponse(
            json.dumps(document, indent=2, ensure_ascii=False),
            content_type="application/json",
        )
    response["Content-Disposition"] = f'attachment; filename="badge-{badge.identifier}.{fmt}"'
    return response


@require_GET
def issuer(request: HttpRequest, pk: int) -> HttpResponse:
    centre = access.public_centre(pk)
    profile = credential.profile(centre)
    wants_json = request.GET.get("format") == "json" or any(
        kind in request.headers.get("Accept", "") for kind in JSON_TYPES
    )
    if wants_json:
        document = {"@context": credential.CONTEXT, **profile}
        return JsonResponse(document, json_dumps_params={"indent": 2})
    return render(request, "badges/issuer.html", {"centre": centre, "profile": profile})


@require_GET
def jwks(request: HttpRequest) -> HttpResponse:
    return JsonResponse(signing.jwks(), json_dumps_params={"indent": 2})


@require_GET
def revocations(request: HttpRequest, pk: int) -> HttpResponse:
    centre = access.public_centre(pk)
    revoked = selectors.revoked_badges(centre.pk)
    document = {
        "id": credential.revocation_url(centre.pk),
        "type": credential.REVOCATION_TYPE,
        "issuer": credential.issuer_url(centre.pk),
        "revokedCredentials": [
            {
                "id": badge.credential_id,
                "revocationDate": credential.stamp(badge.sign_off.reopened_at),
                "revocationReason": "The centre reopened the unit's sign-off.",
            }
            for badge in revoked
        ],
    }
    return JsonResponse(document, json_dumps_params={"indent": 2})


@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    report = None
    status = 200
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            report = verify.verify(form.cleaned_data["text"])
            if report.failed and report.failed.name == "Format":
                status = 400
        else:
            status = 400
    else:
        form = VerifyForm()
    return render(request, "badges/verify.html", {"form": form, "report": report}, status=status)
