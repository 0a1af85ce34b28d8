"""Rows for the centre reports: the centre's IQAs and admins and its EQA read them; an
assessor or learner gets a 403; another centre's people get a 404 (their own centre's reports
are theirs, not this one's)."""

from tests.permissions.matrix import Case

READERS = {"iqa": 200, "admin": 200, "eqa": 200}
NOT_THEIRS = {"outsider_learner": 403, "outsider_admin": 404}


def _centre(people) -> dict:
    return {"centre": people.centre.pk}


CASES = [
    Case(name, {**READERS, **NOT_THEIRS}, kwargs=_centre)
    for name in (
        "reports:index",
        "reports:learners",
        "reports:learners_csv",
        "reports:caseloads",
        "reports:caseloads_csv",
        "reports:record",
    )
] + [
    Case(name, {}, default=405, method="post", kwargs=_centre)
    for name in ("reports:index", "reports:record")
]
