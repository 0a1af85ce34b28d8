"""Rows for assessor-made evidence and expert witness links: recording (the enrolment's
assessor only), acknowledging (the learner only), asking a witness (the learner or the
assessor), and the witness's public page, which answers every role alike: 200 for a valid
link, 410 for a used or expired one, 404 for an unknown one."""

import datetime

from django.utils import timezone

from evidence.models import WitnessRequest
from tests.evidence.assessor_helpers import record_observation, request_witness
from tests.permissions.matrix import Case

NOT_THEIRS = {"other_learner": 404, "outsider_learner": 404, "outsider_admin": 404}
ASSESSOR = {"assessor": 200, "learner": 403, "iqa": 403, "admin": 403, "eqa": 403, **NOT_THEIRS}
LEARNER = {"learner": 200, "assessor": 403, "iqa": 403, "admin": 403, "eqa": 403, **NOT_THEIRS}
LEARNER_OR_ASSESSOR = {**LEARNER, "assessor": 200}
EVERYONE = dict.fromkeys(
    (
        "learner",
        "other_learner",
        "assessor",
        "iqa",
        "admin",
        "eqa",
        "outsider_learner",
        "outsider_admin",
    ),
    200,
)


def _enrolment(p) -> dict:
    return {"pk": p.enrolment.pk}


def _awaiting(p) -> dict:
    return {"pk": record_observation(p.enrolment, photo=False).pk}


def _token(request: WitnessRequest) -> dict:
    from evidence.witness import witness_token

    return {"token": witness_token(request)}


def _fresh_link(p) -> dict:
    return _token(request_witness(p.enrolment))


def _used_link(p) -> dict:
    from evidence.witness import witness_statement_submit

    token = _fresh_link(p)
    witness_statement_submit(
        statement="Seen it.",
        occurred_on=datetime.date(2026, 11, 1),
        signed_name="Wendy Witness",
        **token,
    )
    return token


def _expired_link(p) -> dict:
    request = request_witness(p.enrolment)
    WitnessRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now())
    request.refresh_from_db()
    return _token(request)


def _unknown_link(p) -> dict:
    request = request_witness(p.enrolment)
    request.nonce = "not-the-nonce"
    return _token(request)


def _statement(p) -> dict:
    return {
        "occurred_on": "2026-11-02",
        "statement": "I saw the learner lead a service review meeting.",
        "confirm": "on",
        "signed_name": "Wendy Witness",
    }


def _witness_request_data(p) -> dict:
    return {
        "witness_name": "Wendy Witness",
        "witness_role": "Registered manager",
        "witness_relationship": "Line manager",
        "competence": "Twenty years in care management.",
        "email": "wendy@example.org",
        "activity": "Leading a service review",
    }


CASES = [
    *[
        case
        for name in ("record_observation", "record_discussion", "record_questioning")
        for case in (
            Case(f"review:{name}", ASSESSOR, kwargs=_enrolment),
            # An empty form comes back with its errors (200) for the assessor.
            Case(f"review:{name}", ASSESSOR, method="post", kwargs=_enrolment),
            Case(f"review:{name}", {}, method="put", kwargs=_enrolment, default=405),
        )
    ],
    Case("evidence:acknowledge", LEARNER, kwargs=_awaiting),
    Case(
        "evidence:acknowledge",
        {**LEARNER, "learner": 302},
        method="post",
        kwargs=_awaiting,
        data=lambda p: {"confirm": "on", "acknowledgement_name": p.learner.full_name},
    ),
    Case("evidence:witness_request", LEARNER_OR_ASSESSOR, kwargs=_enrolment),
    Case(
        "evidence:witness_request",
        {**LEARNER_OR_ASSESSOR, "learner": 302, "assessor": 302},
        method="post",
        kwargs=_enrolment,
        data=_witness_request_data,
    ),
    # The witness's public page: the link alone decides, whoever asks.
    Case("evidence:witness_statement", EVERYONE, kwargs=_fresh_link, anonymous=200),
    Case(
        "evidence:witness_statement",
        {},
        method="post",
        kwargs=_fresh_link,
        data=_statement,
        default=403,  # signed in: a witness has no account
        anonymous=302,
    ),
    Case(
        "evidence:witness_statement",
        {},
        kwargs=_used_link,
        default=410,
        anonymous=410,
        label="used",
    ),
    Case(
        "evidence:witness_statement",
        {},
        method="post",
        kwargs=_used_link,
        data=_statement,
        default=403,
        anonymous=410,
        label="used, replayed",
    ),
    Case(
        "evidence:witness_statement",
        {},
        kwargs=_expired_link,
        default=410,
        anonymous=410,
        label="expired",
    ),
    Case(
        "evidence:witness_statement",
        {},
        kwargs=_unknown_link,
        default=404,
        anonymous=404,
        label="unknown",
    ),
    Case("evidence:witness_statement_sent", EVERYONE, anonymous=200),
    Case("evidence:witness_statement_sent", {}, method="post", default=405, anonymous=405),
]
