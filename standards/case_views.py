"""The CASE 1.0 endpoints: every CFPackage, CFDocument, CFItem and CFAssociation URI an export
names answers here, as JSON.

Official and published standards are public, as the NOS themselves are: a CASE consumer reads
them without an account. A centre's own standard answers only to those who may read it
(``standards.access.case_readable``); to anyone else it does not exist (404).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from standards import case
from standards.access import case_readable


def _json(data: dict[str, Any], *, filename: str = "") -> HttpResponse:
    response = HttpResponse(case.dumps(data), content_type="application/json; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def documents(request: HttpRequest) -> HttpResponse:
    readable = case_readable(request.user)
    return _json(
        {"CFDocuments": [case.package_document(standard) for standard in readable.order_by("slug")]}
    )


@require_safe
def document(request: HttpRequest, identifier: uuid.UUID) -> HttpResponse:
    standard = case.find_standard(case_readable(request.user), identifier)
    if standard is None:
        raise Http404("No such CFDocument.")
    return _json(case.package_document(standard))


@require_safe
def package(request: HttpRequest, identifier: uuid.UUID) -> HttpResponse:
    readable = case_readable(request.user)
    standard = case.find_standard(readable, identifier)
    if standard is None:
        raise Http404("No such CFPackage.")
    download = f"{standard.slug}-case-v1p0.json" if request.GET.get("download") else ""
    return _json(case.package(standard, readable=readable), filename=download)


@require_safe
def item(request: HttpRequest, identifier: uuid.UUID) -> HttpResponse:
    found = case.find_in_packages(case_readable(request.user), "CFItems", identifier)
    if found is None:
        raise Http404("No such CFItem.")
    return _json(found)


@require_safe
def association(request: HttpRequest, identifier: uuid.UUID) -> HttpResponse:
    found = case.find_in_packages(case_readable(request.user), "CFAssociations", identifier)
    if found is None:
        raise Http404("No such CFAssociation.")
    return _json(found)
