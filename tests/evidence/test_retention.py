"""Retention of assessed evidence per centre (issue 12 item 7): the daily check flags items
past their period and never deletes; the centre admin keeps them longer or disposes of their
files with a reason, which keeps the item, its fingerprints, versions and record."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.errors import WrongStateError
from assessments.models import RecordEntry, UnitSignOff
from evidence import services
from evidence.models import EvidenceFile, EvidenceItem, EvidenceVersion, private_storage
from portal.privacy.evidence_retention import (
    evidence_dispose_unless_held,
    retention_flag_due,
    retention_holds,
)
from review import services as review
from tests.evidence.helpers import submitted_item
from tests.factories import EnrolmentFactory

TODAY = datetime.date(2030, 6, 1)


def _certify(enrolment, on: datetime.date) -> UnitSignOff:
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    return UnitSignOff.objects.create(
        enrolment=enrolment,
        assessor=enrolment.assessor,
        assessor_declaration="Signed off.",
        signed_at=moment,
        learner_declaration="Countersigned.",
        countersigned_at=moment,
        iqa_verified_by=enrolment.iqa,
        iqa_verified_at=moment,
    )


def _accepted(people) -> EvidenceItem:
    item = submitted_item(people.enrolment)
    return review.evidence_accept(item=item, assessor=people.assessor)


def test_flags_items_past_retention_once_and_never_deletes(people) -> None:
    item = _accepted(people)
    _certify(people.enrolment, TODAY.replace(year=2026))  # 3 years ended on 1 June 2029
    assert retention_flag_due(today=TODAY) == 1
    item.refresh_from_db()
    assert item.retention_flagged_on == TODAY
    assert retention_flag_due(today=TODAY + datetime.timedelta(days=1)) == 0
    item.refresh_from_db()
    assert item.retention_flagged_on == TODAY  # the first date stays
    assert item.files.exists()
    assert private_storage().exists(item.files.get().file.name)


def test_not_flagged_before_the_centres_period_ends(people) -> None:
    _accepted(people)
    _certify(people.enrolment, TODAY.replace(year=2027))
    people.centre.retention_years = 5
    people.centre.save()
    assert retention_flag_due(today=TODAY) == 0
    people.centre.retention_years = 3
    people.centre.save()
    assert retention_flag_due(today=TODAY) == 1


def test_not_flagged_while_the_unit_is_not_certified(people) -> None:
    _accepted(people)
    assert retention_flag_due(today=TODAY) == 0
    sign_off = _certify(people.enrolment, TODAY.replace(year=2020))
    UnitSignOff.objects.filter(pk=sign_off.pk).update(iqa_verified_at=None, iqa_verified_by=None)
    assert retention_flag_due(today=TODAY) == 0


def test_not_flagged_while_another_unit_it_counts_towards_is_not_certified(people) -> None:
    from tests.factories import CriterionFactory, GroupFactory, StandardFactory

    item = _accepted(people)
    other_criterion = CriterionFactory(
        group=GroupFactory(standard=StandardFactory(slug="second", code="TEST002")),
        order=1,
        reference="P1",
    )
    EnrolmentFactory(
        learner=people.learner,
        centre=people.centre,
        standard=other_criterion.standard,
        assessor=people.assessor,
        iqa=people.iqa,
    )
    review.mapping_add(item=item, criterion=other_criterion, assessor=people.assessor)
    _certify(people.enrolment, TODAY.replace(year=2020))
    assert retention_flag_due(today=TODAY) == 0


def test_kept_until_the_admins_date(people) -> None:
    item = _accepted(people)
    _certify(people.enrolment, TODAY.replace(year=2020))
    retention_flag_due(today=TODAY)
    item.refresh_from_db()
    services.evidence_retain(item=item, admin=people.admin, years=2, today=TODAY)
    item.refresh_from_db()
    assert (item.retain_until, item.retention_flagged_on) == (TODAY.replace(year=2032), None)
    assert retention_flag_due(today=TODAY.replace(year=2031)) == 0
    assert retention_flag_due(today=TODAY.replace(year=2032)) == 1


def test_the_daily_command_reports_what_it_flagged(people, capsys) -> None:
    _accepted(people)
    _certify(people.enrolment, timezone.localdate().replace(year=timezone.localdate().year - 4))
    call_command("flag_retention")
    call_command("flag_retention")
    out = capsys.readouterr().out
    assert "1 item newly flagged" in out
    assert "0 items newly flagged" in out


def _flagged(people) -> EvidenceItem:
    item = _accepted(people)
    _certify(people.enrolment, TODAY.replace(year=2020))
    retention_flag_due(today=TODAY)
    item.refresh_from_db()
    return item


def test_the_admin_keeps_an_item_for_more_years(people) -> None:
    item = _flagged(people)
    client = people.client_for(people.admin)
    page = client.get(reverse("privacy:evidence_retention")).content.decode()
    assert item.title in page
    response = client.post(reverse("privacy:evidence_retain", args=[item.pk]), {"years": "2"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.retain_until == timezone.localdate().replace(year=timezone.localdate().year + 2)
    assert item.retention_flagged_on is None
    assert item.title not in client.get(reverse("privacy:evidence_retention")).content.decode()


def test_disposal_removes_stored_files_and_keeps_the_rest(
    people, django_capture_on_commit_callbacks
) -> None:
    item = _flagged(people)
    [row] = item.files.all()
    entries = RecordEntry.objects.count()
    client = people.client_for(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("privacy:evidence_dispose", args=[item.pk]),
            {"reason": "Past retention; external review done in 2029."},
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.is_disposed
    assert item.disposed_by == people.admin
    assert item.disposal_reason.startswith("Past retention")
    kept = EvidenceFile.all_versions.get(pk=row.pk)
    assert (kept.sha256, kept.original_name) == (row.sha256, row.original_name)
    assert not private_storage().exists(row.file.name)
    assert EvidenceVersion.objects.filter(item=item).exists()
    assert RecordEntry.objects.count() == entries
    assert client.get(reverse("evidence:file_download", args=[row.pk])).status_code == 404
    page = client.get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert "disposed of" in page


def test_disposal_needs_a_reason_and_a_flag(people) -> None:
    item = _flagged(people)
    client = people.client_for(people.admin)
    response = client.post(
        reverse("privacy:evidence_dispose", args=[item.pk]), {"reason": " "}, follow=True
    )
    item.refresh_from_db()
    assert not item.is_disposed
    assert "say why" in response.content.decode()
    unflagged = services.evidence_retain(item=item, admin=people.admin, years=1)
    response = client.post(
        reverse("privacy:evidence_dispose", args=[unflagged.pk]), {"reason": "x"}, follow=True
    )
    unflagged.refresh_from_db()
    assert not unflagged.is_disposed
    assert "not flagged for retention review" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [("outsider_admin", 404), ("learner", 403), ("assessor", 403), ("eqa", 403)],
)
def test_only_the_centres_admin_decides(people, role, status) -> None:
    item = _flagged(people)
    client = people.client_for(getattr(people, role))
    for name, data in (("evidence_retain", {"years": 1}), ("evidence_dispose", {"reason": "x"})):
        response = client.post(reverse(f"privacy:{name}", args=[item.pk]), data)
        assert response.status_code == status
    item.refresh_from_db()
    assert item.retention_flagged_on == TODAY and not item.is_disposed


def test_the_review_list_paginates_in_a_fixed_number_of_queries(
    people, django_assert_max_num_queries
) -> None:
    def flag(count: int) -> None:
        ids = [submitted_item(people.enrolment).pk for _ in range(count)]
        EvidenceItem.objects.filter(pk__in=ids).update(retention_flagged_on=TODAY)

    client = people.client_for(people.admin)
    url = reverse("privacy:evidence_retention")
    flag(2)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    flag(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Page 1 of 2" in page
    assert "Page 2 of 2" in client.get(url, {"page": 2}).content.decode()


# --- External quality assurance holds (portal.visits.holds) -----------------------------------


def _close_visit(people, visit, on: datetime.date) -> None:
    """Close the visit's one action through the services, then date its closing (and the
    report's issue) ``on``."""
    from portal.visits import services as visits
    from portal.visits.models import VisitAction, VisitReport

    action = visit.actions.get()
    visits.visit_action_respond(action=action, admin=people.admin, text="Done.")
    visits.visit_action_decide(action=action, eqa=people.eqa, accept=True, text="Accepted.")
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    VisitReport.objects.filter(visit=visit).update(issued_at=moment)
    VisitAction.objects.filter(visit=visit).update(closed_at=moment)


def test_held_while_an_eqa_visit_is_open_then_flagged_after_its_period(people) -> None:
    from portal.privacy.evidence_retention import retention_check
    from tests.visits.helpers import drafted_visit

    item = _accepted(people)
    _certify(people.enrolment, TODAY.replace(year=2020))  # period ended in 2023
    visit = drafted_visit(people)  # report in draft: the visit is open
    run = retention_check(today=TODAY)
    assert run.flagged == 0
    assert run.held == [
        (
            item,
            "In the sample of the EQA visit of 3 December 2026, which is still open: "
            "its report is not issued yet.",
        )
    ]
    from portal.visits import services as visits

    visits.visit_report_issue(visit=visit, eqa=people.eqa)
    [(_item, reason)] = retention_check(today=TODAY).held
    assert reason.endswith("still open: an action it raised is not closed yet.")

    _close_visit(people, visit, on=datetime.date(2028, 6, 1))  # kept 3 years from then
    [(_item, reason)] = retention_check(today=TODAY).held
    assert reason == (
        "Sampled in the EQA visit of 3 December 2026, which closed on 1 June 2028: kept "
        "3 years from then, until 1 June 2031."
    )
    assert retention_flag_due(today=datetime.date(2031, 5, 31)) == 0
    run = retention_check(today=datetime.date(2031, 6, 1))
    assert (run.flagged, run.held) == (1, [])
    item.refresh_from_db()
    assert item.retention_flagged_on == datetime.date(2031, 6, 1)
    services.evidence_dispose(item=item, admin=people.admin, reason="Period over.")
    item.refresh_from_db()
    assert item.is_disposed


def test_a_revision_in_draft_reopens_the_visit(people) -> None:
    from portal.privacy.evidence_retention import retention_check
    from portal.visits import services as visits
    from tests.visits.helpers import issued_visit

    _accepted(people)
    _certify(people.enrolment, TODAY.replace(year=2020))
    visit = issued_visit(people)
    _close_visit(people, visit, on=datetime.date(2020, 6, 1))  # its period over by TODAY
    assert retention_check(today=TODAY).held == []
    visits.visit_report_revise(visit=visit, eqa=people.eqa, reason="Correct the date.")
    [reason] = retention_holds(EvidenceItem.objects.all(), today=TODAY).values()
    assert reason.endswith("still open: a revision of its report is in draft.")


def test_held_when_a_unit_it_is_mapped_into_is_sampled(people) -> None:
    from portal.privacy.evidence_retention import retention_check
    from portal.visits import services as visits
    from tests.factories import CriterionFactory, GroupFactory, StandardFactory
    from tests.visits.helpers import planned_visit

    item = _accepted(people)
    criterion = CriterionFactory(
        group=GroupFactory(standard=StandardFactory(slug="second", code="TEST002")),
        order=1,
        reference="P1",
    )
    other = EnrolmentFactory(
        learner=people.learner,
        centre=people.centre,
        standard=criterion.standard,
        assessor=people.assessor,
        iqa=people.iqa,
    )
    review.mapping_add(item=item, criterion=criterion, assessor=people.assessor)
    _certify(people.enrolment, TODAY.replace(year=2020))
    _certify(other, TODAY.replace(year=2020))
    visit = planned_visit(people)
    visits.visit_sample_add(visit=visit, eqa=people.eqa, enrolment=other)
    assert [held for held, _reason in retention_check(today=TODAY).held] == [item]


def test_a_flagged_item_sampled_since_is_not_disposed_of(people, capsys) -> None:
    from tests.visits.helpers import sampled_visit

    item = _flagged(people)
    sampled_visit(people)
    client = people.client_for(people.admin)
    page = client.get(reverse("privacy:evidence_retention")).content.decode()
    assert "Held for the external quality assurer:" in page
    assert reverse("privacy:evidence_dispose", args=[item.pk]) not in page
    response = client.post(
        reverse("privacy:evidence_dispose", args=[item.pk]), {"reason": "Old."}, follow=True
    )
    text = response.content.decode()
    assert "E1 is held for the external quality assurer. In the sample of the EQA visit" in text
    item.refresh_from_db()
    assert not item.is_disposed and private_storage().exists(item.files.get().file.name)
    with pytest.raises(WrongStateError):
        evidence_dispose_unless_held(item=item, admin=people.admin, reason="Old.")


def test_the_daily_command_lists_what_is_held(people, capsys) -> None:
    from tests.visits.helpers import sampled_visit

    item = _accepted(people)
    _certify(people.enrolment, timezone.localdate().replace(year=timezone.localdate().year - 4))
    sampled_visit(people)
    call_command("flag_retention")
    out = capsys.readouterr().out
    assert "0 items newly flagged" in out
    assert "1 item past the period held for the EQA:" in out
    assert f"{item.reference} of learner #{people.learner.pk}: In the sample of" in out
