"""Import between two centres of one installation: read-only, verifiable, matched by CASE id."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError

from assessments.models import CriterionJudgement, Enrolment
from portal.transfer.models import ReadOnlyError, TransferredFile, TransferredPortfolio
from portal.transfer.selectors import transfer_match
from portal.transfer.services import transfer_import
from portal.transfer.verify import PackageError, record_problems
from standards import case
from standards.models import Standard
from tests.factories import EnrolmentFactory
from tests.transfer.helpers import build, members, rezip

pytestmark = pytest.mark.django_db


def _import(people, package: bytes) -> TransferredPortfolio:
    return transfer_import(
        centre=people.other_centre,
        learner=people.outsider_learner,
        imported_by=people.outsider_admin,
        upload=io.BytesIO(package),
        size=len(package),
    )


def _enrol_same_standard(people) -> Enrolment:
    return EnrolmentFactory(
        learner=people.outsider_learner,
        centre=people.other_centre,
        standard=Standard.objects.get(slug="scdcpc509-v2"),
    )


def test_move_between_centres_keeps_the_record_verifiable(people, portfolio) -> None:
    transfer = _import(people, build(portfolio.learner))
    assert transfer.trusted_key
    assert transfer.source_learner == portfolio.learner.display_name
    assert record_problems(transfer.manifest["record"]) == []
    listed = {f["sha256"] for item in transfer.manifest["evidence"] for f in item["files"]}
    stored = TransferredFile.objects.filter(transfer=transfer)
    assert {f.sha256 for f in stored} == listed
    for row in stored:
        with row.file.open("rb") as handle:
            assert len(handle.read()) == row.size
    assert transfer.pdf.open("rb").read(4) == b"%PDF"
    transfer.source_centre = "Somewhere else"
    with pytest.raises(ReadOnlyError):
        transfer.save()


def test_criteria_match_by_case_identifier(people, portfolio) -> None:
    new = _enrol_same_standard(people)
    _import(people, build(portfolio.learner))
    judged = CriterionJudgement.objects.filter(enrolment=portfolio, met=True).select_related(
        "criterion__standard", "decided_by"
    )
    match = transfer_match(people.outsider_learner, people.other_centre)
    achieved = {
        row.criterion.reference: row.achievements[0]
        for row in match.rows
        if row.enrolment == new and row.achievements
    }
    assert achieved and set(achieved) == {j.criterion.reference for j in judged}
    first = judged.first()
    assert achieved[first.criterion.reference].decided_by == first.decided_by.display_name
    assert achieved[first.criterion.reference].met
    # The factory standard of the outsider's own enrolment shares no identifier.
    assert not any(row.achievements for row in match.rows if row.enrolment != new)
    assert not match.unmatched
    assert not CriterionJudgement.objects.filter(enrolment=new).exists()  # nothing automatic


def test_unmatched_criteria_are_reported(people, portfolio) -> None:
    _import(people, build(portfolio.learner))
    match = transfer_match(people.outsider_learner, people.other_centre)
    assert match.unmatched
    assert {a.reference for a in match.unmatched} == set(
        CriterionJudgement.objects.filter(enrolment=portfolio).values_list(
            "criterion__reference", flat=True
        )
    )
    assert str(case.document_identifier(portfolio.standard))  # identifiers are stable


def test_a_tampered_package_imports_nothing(people, portfolio, tmp_path) -> None:
    files = members(build(portfolio.learner))
    name = next(n for n in files if n.startswith("files/"))
    files[name] += b"x"
    with pytest.raises(PackageError, match="SHA-256"):
        _import(people, rezip(files))
    assert not TransferredPortfolio.objects.exists()
    assert not TransferredFile.objects.exists()


def test_the_same_package_twice_is_refused(people, portfolio) -> None:
    package = build(portfolio.learner)
    _import(people, package)
    with pytest.raises(PackageError, match="already been imported"):
        _import(people, package)


def test_only_a_learner_of_the_centre(people, portfolio) -> None:
    package = build(portfolio.learner)
    with pytest.raises(ValidationError, match="learner of this centre"):
        transfer_import(
            centre=people.other_centre,
            learner=people.learner,
            imported_by=people.outsider_admin,
            upload=io.BytesIO(package),
            size=len(package),
        )


def test_match_reads_a_fixed_number_of_queries(
    people, portfolio, django_assert_max_num_queries
) -> None:
    _enrol_same_standard(people)
    package = build(portfolio.learner)
    _import(people, package)
    with django_assert_max_num_queries(3):
        transfer_match(people.outsider_learner, people.other_centre)
    EnrolmentFactory(learner=people.outsider_learner, centre=people.other_centre)
    _import(people, build(portfolio.learner))  # a second, later package
    with django_assert_max_num_queries(3):
        match = transfer_match(people.outsider_learner, people.other_centre)
    assert len({a.transfer.pk for row in match.rows for a in row.achievements}) == 2
