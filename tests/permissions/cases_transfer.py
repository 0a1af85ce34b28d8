"""Rows for portable portfolios: the public signing key, importing a package (centre admins
only; an EQA changes nothing), and a learner's transferred history (whoever may read the
learner's work at the centre; anyone else 404); recognising prior learning on an enrolment
(its assessor only: the other readers 403, anyone else 404)."""

from tests.permissions.matrix import ROLES, Case

EVERYONE = {role: 200 for role in ROLES if role != "anonymous"}
READERS = {"learner": 200, "assessor": 200, "iqa": 200, "admin": 200, "eqa": 200}


def _learner(people) -> dict:
    return {"pk": people.learner.pk}


def _enrolment(people) -> dict:
    return {"pk": people.learner.pk, "enrolment_pk": people.enrolment.pk}


CASES = [
    Case("transfer:public_key", EVERYONE, anonymous=200),
    Case("transfer:public_key", {}, method="post", default=405, anonymous=405),
    Case("transfer:import", {"admin": 200, "outsider_admin": 200}),
    # No file: the form again with its errors (400), never a partial import.
    Case("transfer:import", {"admin": 400, "outsider_admin": 400}, method="post"),
    Case("transfer:history", READERS, default=404, kwargs=_learner),
    Case("transfer:history", {}, method="post", default=405, kwargs=_learner),
    # No transferred portfolio chosen: the history again with the reason (400), nothing made.
    Case(
        "transfer:recognise",
        {"assessor": 400, "learner": 403, "iqa": 403, "admin": 403, "eqa": 403},
        method="post",
        default=404,
        kwargs=_enrolment,
    ),
    Case("transfer:recognise", {}, default=405, kwargs=_enrolment),
]
