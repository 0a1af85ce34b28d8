"""Rows for kept versions and retention (issue 12 item 7): the learner's withdrawal of an
assessed item, an earlier version's file (read by everyone who may see the item), and the
centre admin's retention review (their own centre's items only; 404 for another's)."""

import datetime

from evidence import services
from evidence.models import EvidenceItem
from review import services as review
from tests.evidence.helpers import submitted_item
from tests.permissions.cases_evidence import NO_GET, NOT_THEIRS, READ, WRITE_POST
from tests.permissions.matrix import Case

ADMINS = {"admin": 200, "outsider_admin": 200}  # each sees their own centre's list
OWN_ADMIN_POST = {"admin": 302, "outsider_admin": 404}


def _referred(p) -> EvidenceItem:
    item = submitted_item(p.enrolment)
    return review.evidence_refer(item=item, assessor=p.assessor, feedback="Add the signed plan.")


def _referred_item(p) -> dict:
    return {"pk": _referred(p).pk}


def _earlier_file(p) -> dict:
    """A file of version 1 the learner removed after the referral."""
    item = _referred(p)
    evidence_file = item.files.get()
    services.evidence_file_delete(evidence_file=evidence_file)
    return {"pk": evidence_file.pk}


def _flagged(p) -> dict:
    item = submitted_item(p.enrolment)
    EvidenceItem.objects.filter(pk=item.pk).update(retention_flagged_on=datetime.date(2030, 6, 1))
    return {"pk": item.pk}


CASES = [
    Case("evidence:withdraw", NO_GET, kwargs=_referred_item, default=405),
    Case("evidence:withdraw", WRITE_POST, method="post", kwargs=_referred_item),
    Case("evidence:file_download", {**READ, **NOT_THEIRS}, kwargs=_earlier_file, label="v1"),
    Case("privacy:evidence_retention", ADMINS),
    Case("privacy:evidence_retention", {}, method="post", default=405),
    Case("privacy:evidence_retain", {}, kwargs=_flagged, default=405),
    Case(
        "privacy:evidence_retain",
        OWN_ADMIN_POST,
        method="post",
        kwargs=_flagged,
        data=lambda p: {"years": "2"},
    ),
    Case("privacy:evidence_dispose", {}, kwargs=_flagged, default=405),
    Case(
        "privacy:evidence_dispose",
        OWN_ADMIN_POST,
        method="post",
        kwargs=_flagged,
        data=lambda p: {"reason": "Past the retention period."},
    ),
]
