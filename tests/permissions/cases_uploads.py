"""Rows for resumable uploads (the tus protocol, ``evidence.resumable_views``): only the
item's learner starts, reads, sends and drops an upload; the people who may read the item
get 403, everyone else 404. A request without the tus headers is refused after the access
check (412), so the learner's rows show that check passed."""

import datetime
import time

from evidence import uploads
from tests.evidence.helpers import make_item
from tests.permissions.matrix import Case

READ_ONLY = {"assessor": 403, "iqa": 403, "admin": 403, "eqa": 403}
NOT_THEIRS = {"other_learner": 404, "outsider_learner": 404, "outsider_admin": 404}
OTHER_CENTRE = {"outsider_learner": 412, "outsider_admin": 403}


def _item(p) -> dict:
    return {"pk": make_item(p.enrolment).pk}


def _outsider_item(p) -> dict:
    return {"pk": make_item(p.outsider_enrolment).pk}


def _staged(enrolment) -> dict:
    # The staging folder outlives each test's database: start from an empty one.
    uploads.cleanup_stale(older_than=datetime.timedelta(0), now=time.time() + 1)
    item = make_item(enrolment)
    staged = uploads.staged_upload_create(
        user_id=enrolment.learner_id,
        item_id=item.pk,
        length=100,
        filename="photo.png",
        is_witness_statement=False,
    )
    return {"upload_id": staged.upload_id}


def _upload(p) -> dict:
    return _staged(p.enrolment)


def _outsider_upload(p) -> dict:
    return _staged(p.outsider_enrolment)


def _all(status: int) -> dict[str, int]:
    return {"learner": status, **READ_ONLY, **NOT_THEIRS}


CASES = [
    Case("evidence:upload_start", {}, default=405, kwargs=_item),
    Case("evidence:upload_start", _all(204), method="options", kwargs=_item),
    Case("evidence:upload_start", _all(412), method="post", kwargs=_item),
    Case(
        "evidence:upload_start",
        OTHER_CENTRE,
        method="post",
        kwargs=_outsider_item,
        default=404,
        label="other centre",
    ),
    Case("evidence:upload", {}, default=405, kwargs=_upload),
    Case("evidence:upload", _all(200), method="head", kwargs=_upload),
    Case("evidence:upload", _all(412), method="patch", kwargs=_upload),
    Case("evidence:upload", _all(204), method="delete", kwargs=_upload),
    Case(
        "evidence:upload",
        {"outsider_learner": 200, "outsider_admin": 403},
        method="head",
        kwargs=_outsider_upload,
        default=404,
        label="other centre",
    ),
    Case(
        "evidence:upload",
        {"outsider_learner": 412, "outsider_admin": 403},
        method="patch",
        kwargs=_outsider_upload,
        default=404,
        label="other centre",
    ),
]
