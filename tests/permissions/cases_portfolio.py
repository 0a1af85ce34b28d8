"""Rows for portfolio exports: who may export whom, see, retry and download an export."""

from portal.portfolio.models import PortfolioExport
from tests.permissions.matrix import Case

SIGNED_IN = {
    "learner": 200,
    "other_learner": 200,
    "assessor": 200,
    "iqa": 200,
    "admin": 200,
    "eqa": 200,
    "outsider_learner": 200,
    "outsider_admin": 200,
}


def _export(people, status: str = PortfolioExport.Status.FAILED) -> dict:
    """An export of Alice, asked for by her admin: visible to him and to her centre's admins."""
    export = PortfolioExport.objects.create(
        requested_by=people.admin,
        centre=people.centre,
        scope=PortfolioExport.Scope.LEARNER,
        scope_label="Alice",
        progress_total=1,
        status=status,
        error="test",
    )
    export.learners.set([people.learner])
    return {"pk": export.pk}


# Alice may export herself, Bob (her assessor) and Dave (her admin) may export her; her IQA
# and the EQA may read her work but not export it (403); everyone else gets a 404.
EXPORT_ALICE = {
    "learner": 302,
    "assessor": 302,
    "admin": 302,
    "other_learner": 404,
    "iqa": 403,
    "eqa": 403,
    "outsider_learner": 404,
    "outsider_admin": 404,
}
# Only the requester (Dave), admins of the export's centre and an EQA granted it see an export.
SEE_EXPORT = {
    "admin": 200,
    "eqa": 200,
    "learner": 404,
    "other_learner": 404,
    "assessor": 404,
    "iqa": 404,
    "outsider_learner": 404,
    "outsider_admin": 404,
}

CASES = [
    Case("portfolio:exports", SIGNED_IN),
    Case("portfolio:exports", {}, method="post", default=405),
    Case(
        "portfolio:export_learner",
        {},
        default=405,
        kwargs=lambda p: {"pk": p.learner.pk},
    ),
    Case(
        "portfolio:export_learner",
        EXPORT_ALICE,
        method="post",
        kwargs=lambda p: {"pk": p.learner.pk},
    ),
    Case(
        "portfolio:export_learner",
        EXPORT_ALICE,
        method="post",
        kwargs=lambda p: {"pk": p.learner.pk},
        data=lambda p: {"kind": "package"},
        label="package",
    ),
    Case(
        "portfolio:export_learner",
        # Access is checked first: only those who may export Alice learn the kind is wrong.
        {**EXPORT_ALICE, "learner": 400, "assessor": 400, "admin": 400},
        method="post",
        kwargs=lambda p: {"pk": p.learner.pk},
        data=lambda p: {"kind": "spreadsheet"},
        label="unknown kind",
    ),
    Case("portfolio:export_cohort", {"admin": 200, "outsider_admin": 200}),
    Case(
        "portfolio:export_cohort",
        {"admin": 200, "outsider_admin": 200},  # invalid form: shown again
        method="post",
        data=lambda p: {"scope": "selection"},
    ),
    Case("portfolio:export_detail", SEE_EXPORT, kwargs=_export),
    Case("portfolio:export_status", SEE_EXPORT, kwargs=_export),
    Case(
        "portfolio:export_retry",
        {},
        default=405,
        kwargs=_export,
    ),
    Case(
        "portfolio:export_retry",
        {**SEE_EXPORT, "admin": 302, "eqa": 403},  # the EQA reads, never runs an export
        method="post",
        kwargs=_export,
    ),
    Case(
        "portfolio:export_download",
        {**SEE_EXPORT, "admin": 404, "eqa": 404},  # a failed export has no file
        kwargs=_export,
        label="no file",
    ),
    Case("portfolio:verify", SIGNED_IN),
    Case("portfolio:verify", SIGNED_IN, method="post"),  # no file: the form again
]
