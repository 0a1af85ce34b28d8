"""Evidence pages: learners capture and submit evidence; everyone who may see it reads it.

Every view starts with an access helper from ``evidence.access``. Files are served only here,
as attachments (or inline for verified images, audio and video), never from a public URL.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import TooManyFilesSent, ValidationError
from django.core.paginator import Paginator
from django.db.models.fields.files import FieldFile
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.access import enrolments_visible_to
from assessments.errors import form_error
from evidence import filetypes, previews, selectors, services, storage
from evidence.access import (
    enrolments_for_new_evidence,
    get_file_for,
    get_item_for,
    require_learner,
)
from evidence.filetypes import Refused
from evidence.forms import (
    EvidenceFilterForm,
    EvidenceItemForm,
    FileUploadForm,
    MappingForm,
    MoveForm,
    SubmitForm,
)
from evidence.models import EvidenceFile, EvidenceItem
from evidence.services import EvidenceLocked
from evidence.uploads import EvidenceSizeLimitHandler
from evidence.versions import item_versions
from standards.models import Criterion

PAGE_SIZE = 20
INLINE_TYPES = filetypes.IMAGE_TYPES | filetypes.AUDIO_TYPES | filetypes.VIDEO_TYPES
ACCEPT = (
    ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp,.txt,text/plain,"
    "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif,"
    "audio/mpeg,audio/mp4,audio/aac,audio/wav,audio/ogg,.mp3,.m4a,.aac,.wav,.ogg,.oga,"
    "video/mp4,video/quicktime,video/webm,.mp4,.m4v,.mov,.webm"
)
ITEM_FIELDS = services.ITEM_FIELDS


def _crumbs(request: HttpRequest, *trail: tuple[str, str | None]) -> list:
    label = "My evidence" if request.user.is_learner else "Evidence"
    return [(label, reverse("evidence:list")), *trail]


def _item_crumb(item: EvidenceItem) -> tuple[str, str]:
    return (f"{item.reference} {item.title}", reverse("evidence:detail", args=[item.pk]))


def _refuse_locked(request: HttpRequest, item: EvidenceItem, refusal: str) -> HttpResponse:
    messages.error(request, refusal)
    return redirect("evidence:detail", pk=item.pk)


@login_required
@require_safe
def evidence_list(request: HttpRequest) -> HttpResponse:
    enrolments = enrolments_visible_to(request.user)
    form = EvidenceFilterForm(request.GET, enrolments=enrolments, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    items = selectors.evidence_list(
        request.user,
        enrolment_id=filters.get("enrolment"),
        evidence_type=filters.get("evidence_type", ""),
        status=filters.get("status", ""),
        query=(filters.get("q") or "").strip(),
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "evidence/evidence_list.html",
        {
            "page": page,
            "form": form,
            "filtered": any(filters.get(k) for k in ("enrolment", "evidence_type", "status", "q")),
            "query_string": params.urlencode(),
            "can_add": request.user.is_learner and enrolments_for_new_evidence(request.user),
            "show_learner": not request.user.is_learner,
            "breadcrumbs": [(_crumbs(request)[0][0], None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_create(request: HttpRequest) -> HttpResponse:
    require_learner(request.user)
    enrolments = enrolments_for_new_evidence(request.user)
    initial = {"enrolment": request.GET.get("enrolment")}
    form = EvidenceItemForm(request.POST or None, enrolments=enrolments, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.evidence_create(
                enrolment=data["enrolment"], **{f: data[f] for f in ITEM_FIELDS}
            )
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{item.reference} was saved as a draft. Now add its files.")
            return redirect("evidence:detail", pk=item.pk)
    return render(
        request,
        "evidence/evidence_form.html",
        {
            "form": form,
            "creating": True,
            "has_enrolments": enrolments.exists(),
            "breadcrumbs": _crumbs(request, ("Add evidence", None)),
        },
    )


@login_required
@require_safe
def evidence_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk)
    is_owner = item.enrolment.learner_id == request.user.pk
    edit_refusal = services.edit_refusal(item) if is_owner else ""
    mappings = selectors.item_mappings(item)
    files = selectors.item_files(item)
    quarantined = item.is_assessor_record and any(f.is_quarantined for f in files)
    return render(
        request,
        "evidence/evidence_detail.html",
        {
            "item": item,
            "files": files,
            "scan_refusal": services.scan_refusal(item) if item.awaits_acknowledgement else "",
            "quarantine_remedy": (
                services.quarantine_remedy(item) if quarantined and not is_owner else ""
            ),
            "mappings": mappings,
            "questions": selectors.item_questions(item),
            "counts_towards": list(
                {m.criterion.standard_id: m.criterion.standard for m in mappings}.values()
            ),
            "is_owner": is_owner,
            "can_edit": is_owner and not edit_refusal,
            "edit_refusal": edit_refusal,
            "can_delete": is_owner and not services.delete_refusal(item),
            "can_withdraw": is_owner and not services.withdraw_refusal(item),
            "versions": item_versions(item) if item.was_assessed else [],
            "move_form": MoveForm(targets=services.move_targets(item)) if is_owner else None,
            "max_bytes": settings.EVIDENCE_MAX_UPLOAD_BYTES,
            "accept": ACCEPT,
            "breadcrumbs": _crumbs(request, (f"{item.reference} {item.title}", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk, write=True)
    refusal = services.edit_refusal(item)
    if refusal:
        return _refuse_locked(request, item, refusal)
    form = EvidenceItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_update(item=item, **{f: form.cleaned_data[f] for f in ITEM_FIELDS})
        except EvidenceLocked as error:
            messages.error(request, str(error))
            return redirect("evidence:detail", pk=item.pk)
        except ValidationError as error:
            form_error(form, error)
        else:
            messages.success(request, f"{item.reference} was saved.")
            return redirect("evidence:detail", pk=item.pk)
    return render(
        request,
        "evidence/evidence_form.html",
        {
            "form": form,
            "item": item,
            "creating": False,
            "breadcrumbs": _crumbs(request, _item_crumb(item), ("Edit", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk, write=True)
    refusal = services.edit_refusal(item)
    if refusal:
        return _refuse_locked(request, item, refusal)
    units = services.mappable_units(item)
    criteria = Criterion.objects.filter(
        standard_id__in=[unit.standard_id for unit in units if not unit.is_locked]
    )
    mappings = {m.criterion_id: m for m in item.mappings.all()}
    initial = [pk for pk, m in mappings.items() if m.proposed_by_learner and not m.confirmed]
    form = MappingForm(request.POST or None, criteria=criteria, initial={"criteria": initial})
    if request.method == "POST" and form.is_valid():
        try:
            services.mapping_set_by_learner(item=item, criteria=form.cleaned_data["criteria"])
        except EvidenceLocked as error:
            messages.error(request, str(error))
            return redirect("evidence:detail", pk=item.pk)
        except ValidationError as error:
            form_error(form, error)
        else:
            count = item.mappings.count()
            messages.success(
                request,
                f"{item.reference} is mapped to {count} criteri{'on' if count == 1 else 'a'}.",
            )
            return redirect("evidence:detail", pk=item.pk)
    if form.is_bound:
        selected = {str(v) for v in form.data.getlist("criteria")}
    else:
        selected = {str(v) for v in initial}
    return render(
        request,
        "evidence/evidence_mapping.html",
        {
            "item": item,
            "form": form,
            "units": [(unit, selectors.criteria_by_group(unit.standard)) for unit in units],
            "selected": selected,
            "confirmed": {pk for pk, m in mappings.items() if m.confirmed},
            "proposed": {pk for pk, m in mappings.items() if not m.confirmed},
            "assessor_added": {
                pk for pk, m in mappings.items() if not m.proposed_by_learner and not m.confirmed
            },
            "breadcrumbs": _crumbs(request, _item_crumb(item), ("Map to criteria", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_submit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk, write=True)
    refusal = services.edit_refusal(item)
    if refusal:
        return _refuse_locked(request, item, refusal)
    form = SubmitForm(request.POST or None, learner=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.evidence_submit(
                item=item,
                learner=request.user,
                declaration_name=form.cleaned_data["declaration_name"],
            )
        except EvidenceLocked as error:
            messages.error(request, str(error))
            return redirect("evidence:detail", pk=item.pk)
        except ValidationError as error:
            form_error(form, error)
        else:
            # The page's own box says it is read-only until referred back; say it once.
            messages.success(request, f"{item.reference} was submitted for assessment.")
            return redirect("evidence:detail", pk=item.pk)
    return render(
        request,
        "evidence/evidence_submit.html",
        {
            "item": item,
            "form": form,
            "files": selectors.item_files(item),
            "mappings": selectors.item_mappings(item),
            "breadcrumbs": _crumbs(request, _item_crumb(item), ("Submit", None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_item_for(request.user, pk, write=True)
    refusal = services.delete_refusal(item)
    if refusal:
        return _refuse_locked(request, item, refusal)
    if request.method == "POST":
        try:
            services.evidence_delete(item=item)
        except (EvidenceLocked, ValidationError) as error:
            text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
            return redirect("evidence:detail", pk=item.pk)
        messages.success(request, f"{item.reference} {item.title} was deleted.")
        return redirect("evidence:list")
    return render(
        request,
        "evidence/evidence_delete.html",
        {
            "item": item,
            "files": selectors.item_files(item),
            "breadcrumbs": _crumbs(request, _item_crumb(item), ("Delete", None)),
        },
    )


@login_required
@require_POST
def evidence_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a draft to another of the learner's open enrolments."""
    item = get_item_for(request.user, pk, write=True)
    form = MoveForm(request.POST, targets=services.move_targets(item))
    if not form.is_valid():
        messages.error(request, "Choose one of your other active enrolments to move it to.")
        return redirect("evidence:detail", pk=item.pk)
    old = item.reference
    try:
        moved = services.evidence_move(item=item, enrolment=form.cleaned_data["enrolment"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("evidence:detail", pk=item.pk)
    messages.success(
        request,
        f"{old} moved to {moved.enrolment.standard.display_code} as {moved.reference}. "
        "Choose the criteria it covers there.",
    )
    return redirect("evidence:detail", pk=moved.pk)


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@csrf_exempt
@login_required
@require_POST
def file_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Install the size guard before the body is read, then check CSRF as usual."""
    item = get_item_for(request.user, pk, write=True)
    request.upload_handlers.insert(0, EvidenceSizeLimitHandler(request))
    try:
        request.FILES  # noqa: B018 -- parse the body now, with the size guard installed
    except (MultiPartParserError, TooManyFilesSent) as error:
        return _unreadable_upload(request, item, error)
    return _file_upload(request, item)


def _unreadable_upload(request: HttpRequest, item: EvidenceItem, error: Exception) -> HttpResponse:
    """A body Django's parser refuses: most often a file name so long that the part's
    headers pass Django's 1 KB limit. Nothing was read into storage; say what to do."""
    if "header size" in str(error):
        text = (
            "The file's name is too long to upload (the browser sent more than 1,000 "
            "characters of name and headers). Rename the file to something shorter and "
            "try again; nothing was saved."
        )
    elif isinstance(error, TooManyFilesSent):
        text = (
            f"Too many files at once: upload at most {settings.DATA_UPLOAD_MAX_NUMBER_FILES} "
            "in one go; nothing was saved."
        )
    else:
        text = "The upload could not be read (it may have been cut off); nothing was saved."
    if _wants_json(request):
        return JsonResponse({"saved": [], "errors": [text]}, status=400)
    messages.error(request, text)
    return redirect("evidence:detail", pk=item.pk)


@csrf_protect
def _file_upload(request: HttpRequest, item: EvidenceItem) -> HttpResponse:
    saved: list[EvidenceFile] = []
    errors: list[str] = []
    status = 201
    form = FileUploadForm(request.POST, request.FILES)
    refused = getattr(request, "evidence_upload_refused", None)
    if refused:
        errors.append(refused)
        status = 413
    elif services.edit_refusal(item):
        errors.append(services.edit_refusal(item))
        status = 409
    elif not form.is_valid():
        errors += [e for field_errors in form.errors.values() for e in field_errors]
        status = 400
    else:
        for upload in form.cleaned_data["file"]:
            shown = filetypes.clean_filename(upload.name)
            try:
                saved.append(
                    services.evidence_file_add(
                        item=item,
                        upload=upload,
                        original_name=upload.name,
                        size=upload.size,
                        is_witness_statement=form.cleaned_data["is_witness_statement"],
                    )
                )
            except (Refused, EvidenceLocked) as error:
                errors.append(f"{shown}: {error}")
                status = 400
            except ValidationError as error:
                errors.append(f"{shown}: {' '.join(error.messages)}")
                status = 400
    if _wants_json(request):
        return JsonResponse(
            {
                "saved": [
                    {
                        "name": row.original_name,
                        "html": render_to_string(
                            "evidence/_file_row.html",
                            {"file": _with_preview(row), "item": item, "can_edit": True},
                            request=request,
                        ),
                    }
                    for row in saved
                ],
                "errors": errors,
            },
            status=status,
        )
    for row in saved:
        messages.success(request, f"{row.original_name} was uploaded.")
    for error in errors:
        messages.error(request, f"{error} Nothing of that file was saved.")
    return redirect("evidence:detail", pk=item.pk)


def _with_preview(evidence_file: EvidenceFile) -> EvidenceFile:
    evidence_file.preview = previews.preview_for(evidence_file)
    return evidence_file


@login_required
@require_POST
def file_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence_file = get_file_for(request.user, pk, write=True)
    item = evidence_file.item
    try:
        services.evidence_file_delete(evidence_file=evidence_file)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{evidence_file.original_name} was removed.")
    return redirect("evidence:detail", pk=item.pk)


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) byte of a single ``Range: bytes=`` request, or None to send it all.

    Raises ValueError for a range that cannot be satisfied. Multiple ranges are answered
    with the whole file, which RFC 9110 allows.
    """
    match = _RANGE.match(header.strip())
    if not match or (not match[1] and not match[2]):
        return None
    if not match[1]:  # the last N bytes
        length = int(match[2])
        if length == 0:
            raise ValueError("empty suffix range")
        return max(size - length, 0), size - 1
    first = int(match[1])
    last = min(int(match[2]), size - 1) if match[2] else size - 1
    if first >= size or last < first:
        raise ValueError("range outside the file")
    return first, last


def _serve(
    stored: FieldFile,
    *,
    media_type: str,
    filename: str,
    inline: bool,
    range_header: str = "",
    size: int | None = None,
) -> HttpResponse:
    """Stream a stored file with the safety headers; a single byte range for inline media.

    Ranges let the browser seek in audio and video without downloading the whole file.
    A download (not inline) goes through ``evidence.storage.download_response``: a signed
    URL of the object store, or the file streamed from the local folder.
    """
    content_type = f"{media_type}; charset=utf-8" if media_type == "text/plain" else media_type
    if not inline:
        return storage.download_response(
            stored.name, filename=filename, content_type=content_type, storage=stored.storage
        )
    response: HttpResponse
    requested = None
    if range_header and size:
        try:
            requested = byte_range(range_header, size)
        except ValueError:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            response["X-Content-Type-Options"] = "nosniff"
            return response
    if requested is not None and size is not None:
        first, last = requested
        response = StreamingHttpResponse(
            storage.open_range(stored.name, first, last, stored.storage),
            status=206,
            content_type=content_type,
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(last - first + 1)
    else:
        response = FileResponse(stored.storage.open(stored.name, "rb"), content_type=content_type)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = storage.content_disposition("inline", filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response


def _refuse_quarantined(evidence_file: EvidenceFile) -> None:
    """A file in which the scanner found malware is kept for the centre but never served;
    nor is one whose stored copy was disposed of after the retention period."""
    if evidence_file.is_quarantined:
        raise Http404("This file is quarantined: malware was found in it.")
    if evidence_file.item.is_disposed:
        raise Http404("This file was disposed of after the centre's retention period.")


@login_required
@require_safe
def file_download(request: HttpRequest, pk: int) -> HttpResponse:
    evidence_file = get_file_for(request.user, pk)
    _refuse_quarantined(evidence_file)
    return _serve(
        evidence_file.file,
        media_type=evidence_file.media_type,
        filename=evidence_file.original_name,
        inline=False,
    )


@login_required
@require_safe
def file_inline(request: HttpRequest, pk: int) -> HttpResponse:
    """Images, audio and video under their verified media type, for in-page previews."""
    evidence_file = get_file_for(request.user, pk)
    _refuse_quarantined(evidence_file)
    if not (evidence_file.plays_inline and evidence_file.media_type in INLINE_TYPES):
        raise Http404("This file can only be downloaded.")
    return _serve(
        evidence_file.file,
        media_type=evidence_file.media_type,
        filename=evidence_file.original_name,
        inline=True,
        range_header=request.headers.get("Range", ""),
        size=evidence_file.size,
    )


@login_required
@require_safe
def file_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    evidence_file = get_file_for(request.user, pk)
    _refuse_quarantined(evidence_file)
    if not evidence_file.thumbnail:
        raise Http404("This file has no thumbnail.")
    stem = evidence_file.original_name.rsplit(".", 1)[0]
    return _serve(
        evidence_file.thumbnail,
        media_type="image/jpeg",
        filename=f"{stem}-thumbnail.jpg",
        inline=True,
    )


@login_required
@require_safe
def file_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The first page of a PDF or Word file as our own PNG (``evidence.previews``), under
    the file's own access check; never anything of the document itself."""
    evidence_file = get_file_for(request.user, pk)
    _refuse_quarantined(evidence_file)
    preview = previews.preview_for(evidence_file)
    if preview is None or preview.state != "ready":
        raise Http404("This file has no preview.")
    stem = evidence_file.original_name.rsplit(".", 1)[0]
    stored = FieldFile(
        evidence_file,
        EvidenceFile._meta.get_field("thumbnail"),
        previews.png_name(evidence_file.sha256),
    )
    return _serve(stored, media_type="image/png", filename=f"{stem}-page-1.png", inline=True)
