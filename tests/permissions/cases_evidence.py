"""Rows for the evidence pages: capture (the learner only), reading and files (everyone who
may see the enrolment), and another centre's evidence (404 for all but that centre)."""

from evidence import previews
from tests.evidence.helpers import (
    add_file,
    make_item,
    one_page_pdf,
    pdf_bytes,
    submitted_item,
)
from tests.permissions.matrix import Case

ANYONE = dict.fromkeys(
    [
        "learner",
        "other_learner",
        "assessor",
        "iqa",
        "admin",
        "eqa",
        "outsider_learner",
        "outsider_admin",
    ],
    200,
)
LEARNERS = {"learner": 200, "other_learner": 200, "outsider_learner": 200}
# Visible to the learner, assessor, IQA, centre admin and EQA; not to anyone else.
READ = {"learner": 200, "assessor": 200, "iqa": 200, "admin": 200, "eqa": 200}
NOT_THEIRS = {"other_learner": 404, "outsider_learner": 404, "outsider_admin": 404}
READ_ONLY = {"assessor": 403, "iqa": 403, "admin": 403, "eqa": 403}
WRITE = {"learner": 200, **READ_ONLY, **NOT_THEIRS}
WRITE_POST = {"learner": 302, **READ_ONLY, **NOT_THEIRS}
OTHER_CENTRE_READ = {"outsider_learner": 200, "outsider_admin": 200}
OTHER_CENTRE_WRITE = {"outsider_learner": 200, "outsider_admin": 403}
NO_GET = dict.fromkeys(ANYONE, 405)


def _item(p) -> dict:
    item = make_item(p.enrolment)
    add_file(item)
    return {"pk": item.pk}


def _outsider_item(p) -> dict:
    item = make_item(p.outsider_enrolment)
    add_file(item)
    return {"pk": item.pk}


def _move(p) -> dict:
    """Another active enrolment of the learner to move the draft to."""
    from tests.factories import EnrolmentFactory

    other = EnrolmentFactory(learner=p.learner, centre=p.centre, assessor=p.assessor)
    return {"enrolment": other.pk}


def _submitted(p) -> dict:
    return {"pk": submitted_item(p.enrolment).pk}


def _image(p) -> dict:
    return {"pk": add_file(make_item(p.enrolment)).pk}


def _outsider_image(p) -> dict:
    return {"pk": add_file(make_item(p.outsider_enrolment)).pk}


def _document(p) -> dict:
    return {"pk": add_file(make_item(p.enrolment), "report.pdf", pdf_bytes()).pk}


def _previewed(enrolment, text: str) -> dict:
    """A PDF whose first-page preview the worker has made."""
    evidence_file = add_file(make_item(enrolment), "report.pdf", one_page_pdf(text))
    assert previews.evidence_preview_make(file_id=evidence_file.pk) in {"ready", "exists"}
    return {"pk": evidence_file.pk}


def _preview(p) -> dict:
    return _previewed(p.enrolment, "Permission matrix")


def _outsider_preview(p) -> dict:
    return _previewed(p.outsider_enrolment, "Permission matrix, other centre")


def _details(p) -> dict:
    return {
        "enrolment": p.enrolment.pk,
        "title": "Medication round",
        "occurred_on": "2026-10-02",
        "evidence_type": "observation",
        "description": "Observed by my assessor.",
    }


def _edit(p) -> dict:
    return {k: v for k, v in _details(p).items() if k != "enrolment"}


def _upload(p) -> dict:
    from tests.evidence.helpers import png_bytes, upload

    return {"file": upload("another.png", png_bytes())}


CASES = [
    Case("evidence:list", ANYONE),
    Case("evidence:list", {}, method="post", default=405),
    Case("evidence:create", LEARNERS),
    # Only Alice has an enrolment here; other learners see the form again with an error.
    Case(
        "evidence:create",
        {"learner": 302, "other_learner": 200, "outsider_learner": 200},
        method="post",
        data=_details,
    ),
    Case("evidence:detail", {**READ, **NOT_THEIRS}, kwargs=_item),
    Case(
        "evidence:detail",
        OTHER_CENTRE_READ,
        kwargs=_outsider_item,
        default=404,
        label="other centre",
    ),
    Case("evidence:detail", {}, method="post", kwargs=_item, default=405),
    Case("evidence:edit", WRITE, kwargs=_item),
    Case("evidence:edit", WRITE_POST, method="post", kwargs=_item, data=_edit),
    # Submitted: read-only to its learner too (sent back to the item with the reason).
    Case("evidence:edit", {**WRITE, "learner": 302}, kwargs=_submitted, label="submitted"),
    Case(
        "evidence:edit",
        OTHER_CENTRE_WRITE,
        kwargs=_outsider_item,
        default=404,
        label="other centre",
    ),
    Case("evidence:mapping", WRITE, kwargs=_item),
    Case(
        "evidence:mapping",
        WRITE_POST,
        method="post",
        kwargs=_item,
        data=lambda p: {"criteria": [p.enrolment.standard.criteria.first().pk]},
    ),
    Case("evidence:submit", WRITE, kwargs=_item),
    Case(
        "evidence:submit",
        WRITE_POST,
        method="post",
        kwargs=_item,
        data=lambda p: {"declaration": "on", "declaration_name": p.learner.full_name},
    ),
    Case("evidence:submit", {**WRITE, "learner": 302}, kwargs=_submitted, label="submitted"),
    Case("evidence:delete", WRITE, kwargs=_item),
    Case("evidence:delete", WRITE_POST, method="post", kwargs=_item),
    Case(
        "evidence:delete",
        OTHER_CENTRE_WRITE,
        kwargs=_outsider_item,
        default=404,
        label="other centre",
    ),
    Case("evidence:move", NO_GET, kwargs=_item, default=405),
    Case("evidence:move", WRITE_POST, method="post", kwargs=_item, data=_move),
    Case("evidence:file_upload", NO_GET, kwargs=_item, default=405),
    Case("evidence:file_upload", WRITE_POST, method="post", kwargs=_item, data=_upload),
    Case(
        "evidence:file_upload",
        {"outsider_learner": 302, "outsider_admin": 403},
        method="post",
        kwargs=_outsider_item,
        data=_upload,
        default=404,
        label="other centre",
    ),
    Case("evidence:file_delete", NO_GET, kwargs=_image, default=405),
    Case("evidence:file_delete", WRITE_POST, method="post", kwargs=_image),
    Case("evidence:file_download", {**READ, **NOT_THEIRS}, kwargs=_image),
    Case(
        "evidence:file_download",
        OTHER_CENTRE_READ,
        kwargs=_outsider_image,
        default=404,
        label="other centre",
    ),
    Case("evidence:file_download", {}, method="post", kwargs=_image, default=405),
    Case("evidence:file_inline", {**READ, **NOT_THEIRS}, kwargs=_image),
    Case("evidence:file_inline", {}, kwargs=_document, default=404, label="document"),
    Case(
        "evidence:file_inline",
        OTHER_CENTRE_READ,
        kwargs=_outsider_image,
        default=404,
        label="other centre",
    ),
    Case("evidence:file_thumbnail", {**READ, **NOT_THEIRS}, kwargs=_image),
    Case("evidence:file_preview", {**READ, **NOT_THEIRS}, kwargs=_preview),
    Case("evidence:file_preview", {}, kwargs=_image, default=404, label="image"),
    Case(
        "evidence:file_preview",
        OTHER_CENTRE_READ,
        kwargs=_outsider_preview,
        default=404,
        label="other centre",
    ),
    Case(
        "evidence:file_thumbnail",
        OTHER_CENTRE_READ,
        kwargs=_outsider_image,
        default=404,
        label="other centre",
    ),
]
