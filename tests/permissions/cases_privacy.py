"""Rows for data protection: the public notice and statement, subject access exports, the
retention report and erasure (a centre's own admins only; another centre's person or export
is a 404)."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from portal.privacy.models import SubjectAccessExport
from tests.permissions.matrix import Case

EVERYONE = {
    "learner": 200,
    "other_learner": 200,
    "assessor": 200,
    "iqa": 200,
    "admin": 200,
    "eqa": 200,
    "outsider_learner": 200,
    "outsider_admin": 200,
}
ADMIN_ONLY = {"admin": 200, "outsider_admin": 200}
OWN_CENTRE_ADMIN = {"admin": 200, "outsider_admin": 404}


def _export(people, *, done: bool = False) -> dict:
    """A subject access export about Amir, asked for by Dave (his centre's admin)."""
    export = SubjectAccessExport.objects.create(
        centre=people.centre, subject=people.other_learner, requested_by=people.admin
    )
    if done:
        export.result.save("subject-access/test.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
        export.result_name = "subject-access.zip"
        export.status = SubjectAccessExport.Status.DONE
        export.sha256 = "0" * 64
        export.expires_at = timezone.now() + datetime.timedelta(hours=1)
        export.save()
    return {"pk": export.pk}


def _person(people) -> dict:
    return {"pk": people.other_learner.pk}


CASES = [
    Case("privacy:notice", EVERYONE, anonymous=200),
    Case("privacy:notice", {}, method="post", default=405, anonymous=405),
    Case("privacy:accessibility", EVERYONE, anonymous=200),
    Case("privacy:accessibility", {}, method="post", default=405, anonymous=405),
    Case("privacy:data_protection", ADMIN_ONLY),
    Case(
        "privacy:data_protection",
        # Amir is Dave's centre's learner: an export is queued. Olga may not choose him.
        {"admin": 302, "outsider_admin": 200},
        method="post",
        data=lambda p: {"person": p.other_learner.pk},
    ),
    Case("privacy:subject_export_detail", OWN_CENTRE_ADMIN, kwargs=_export),
    Case(
        "privacy:subject_export_detail",
        {**dict.fromkeys(EVERYONE, 405)},
        method="post",
        kwargs=_export,
    ),
    Case("privacy:subject_export_status", OWN_CENTRE_ADMIN, kwargs=_export),
    Case(
        "privacy:subject_export_download",
        OWN_CENTRE_ADMIN,
        kwargs=lambda p: _export(p, done=True),
    ),
    Case(
        "privacy:subject_export_download",
        {"admin": 404, "outsider_admin": 404},  # not finished: no file yet
        kwargs=_export,
        label="queued",
    ),
    Case("privacy:retention", ADMIN_ONLY),
    Case("privacy:erase", OWN_CENTRE_ADMIN, kwargs=_person),
    Case(
        "privacy:erase",
        # Amir's retention period has not started: the refusal is shown on the page.
        OWN_CENTRE_ADMIN,
        method="post",
        kwargs=_person,
        data=lambda p: {"confirm": "on"},
    ),
]
