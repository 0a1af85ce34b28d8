import base64
import datetime
import json

from django.utils import timezone

from assessments.models import UnitSignOff
from evidence.models import Mapping
from tests.evidence.helpers import make_item


def verify_unit(enrolment, *, verified: bool = True, countersigned: bool = True) -> UnitSignOff:
    """A sign-off of the enrolment's unit, countersigned and verified by its IQA."""
    moment = timezone.now().replace(microsecond=0) - datetime.timedelta(days=2)
    return UnitSignOff.objects.create(
        enrolment=enrolment,
        assessor=enrolment.assessor,
        assessor_declaration="Signed off.",
        signed_at=moment,
        learner_declaration="Countersigned." if countersigned else "",
        countersigned_at=moment if countersigned else None,
        iqa_verified_by=enrolment.iqa if verified else None,
        iqa_verified_at=moment + datetime.timedelta(hours=3) if verified else None,
    )


def map_evidence(enrolment, criterion, **fields):
    item = make_item(enrolment, **fields)
    Mapping.objects.create(
        item=item, criterion=criterion, confirmed=True, method=Mapping.Method.OBSERVATION
    )
    return item


def reopen(sign_off: UnitSignOff, by) -> None:
    UnitSignOff.objects.filter(pk=sign_off.pk).update(
        reopened_at=timezone.now(), reopened_by=by, reopen_reason="Evidence queried."
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def payload_of(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def with_payload(token: str, payload: dict) -> str:
    """The token with its payload replaced and its signature kept."""
    header, _, signature = token.split(".")
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    return f"{header}.{body}.{signature}"
