from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from assessments.models import Enrolment, RecordEntry
from assessments.record import verify_centre
from evidence.models import EvidenceFile, EvidenceItem, private_storage
from portal.accounts.models import User
from portal.centres import services as centre_services
from portal.portfolio.render import IMAGE_CACHE
from portal.privacy.erasure import ERASED_TITLE, add_years
from portal.privacy.models import SubjectAccessExport
from tests.evidence.helpers import add_file, make_item, png_bytes
from tests.factories import EnrolmentFactory

TODAY = timezone.localdate()


def _withdraw(enrolment: Enrolment, years_ago: int) -> None:
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.WITHDRAWN,
        ended_on=TODAY - datetime.timedelta(days=365 * years_ago + 2),
    )


def _erase_url(people) -> str:
    return reverse("privacy:erase", args=[people.learner.pk])


def test_enrolment_end_is_recorded_when_it_stops_being_active(people) -> None:
    centre_services.enrolment_update(enrolment=people.enrolment, status="withdrawn")
    # Today at the call, not the module's TODAY: a run that crosses midnight differs.
    assert people.enrolment.ended_on == timezone.localdate()
    centre_services.enrolment_update(enrolment=people.enrolment, status="active")
    assert people.enrolment.ended_on is None


def test_add_years_keeps_the_day_or_falls_back_on_29_february() -> None:
    assert add_years(datetime.date(2026, 3, 1), 3) == datetime.date(2029, 3, 1)
    assert add_years(datetime.date(2028, 2, 29), 3) == datetime.date(2031, 2, 28)


def test_erasure_anonymises_deletes_files_and_keeps_the_record(
    people, evidence, django_capture_on_commit_callbacks
) -> None:
    _withdraw(people.enrolment, years_ago=4)
    storage = private_storage()
    files: list[EvidenceFile] = evidence["files"]
    stored = [f.file.name for f in files] + [f.thumbnail.name for f in files if f.thumbnail]
    assert any(f.thumbnail for f in files)
    cached = storage.save(f"{IMAGE_CACHE}/{files[0].sha256}.jpg", ContentFile(b"jpeg"))
    export = SubjectAccessExport.objects.create(
        centre=people.centre, subject=people.learner, requested_by=people.admin
    )
    export.result.save("subject-access/old.zip", ContentFile(b"zip"))
    before = list(RecordEntry.objects.filter(centre=people.centre).order_by("sequence"))

    client = people.client_for(people.admin)
    page = client.get(_erase_url(people))
    assert "Erase Alice Learner" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_erase_url(people), {"confirm": "on"})
    assert response.status_code == 302

    learner = User.objects.get(pk=people.learner.pk)
    assert learner.full_name == f"Erased learner #{learner.pk}"
    assert learner.username.startswith("erased-") and learner.username != "alice"
    assert learner.email == ""
    assert not learner.is_active
    assert not learner.has_usable_password()
    for item in EvidenceItem.objects.filter(enrolment__learner=learner):
        assert item.title == ERASED_TITLE
        assert (item.description, item.witness_name, item.witness_contact) == ("", "", "")
        assert (item.witness_statement, item.declaration_name) == ("", "")
        assert item.mappings.exists() or item.status == EvidenceItem.Status.DRAFT
    assert not EvidenceFile.objects.filter(item__enrolment__learner=learner).exists()
    for name in [*stored, cached, "subject-access/old.zip"]:
        assert not storage.exists(name), name
    export.refresh_from_db()
    assert export.status == SubjectAccessExport.Status.EXPIRED

    # The record is untouched and still verifies; the erasure is added, without the name.
    after = list(RecordEntry.objects.filter(centre=people.centre).order_by("sequence"))
    assert [e.entry_hash for e in after[: len(before)]] == [e.entry_hash for e in before]
    [erased] = after[len(before) :]
    assert erased.action == RecordEntry.Action.LEARNER_ERASED
    assert erased.enrolment_id == people.enrolment.pk
    assert erased.actor == people.admin
    assert erased.payload["learner"] == learner.pk
    assert erased.payload["files_deleted"] == 3
    assert b"Alice" not in erased.canonical()
    assert verify_centre(people.centre.pk).first_break is None

    # Erased once is enough.
    again = client.post(_erase_url(people), {"confirm": "on"})
    assert "already been erased" in again.content.decode()


def test_a_cached_image_another_learner_shares_is_kept(
    people, django_capture_on_commit_callbacks
) -> None:
    _withdraw(people.enrolment, years_ago=4)
    mine = add_file(make_item(people.enrolment), "same.png", png_bytes(colour="red"))
    other = EnrolmentFactory(
        learner=people.other_learner, centre=people.centre, standard=people.enrolment.standard
    )
    theirs = add_file(make_item(other), "same.png", png_bytes(colour="red"))
    assert mine.sha256 == theirs.sha256
    cached = private_storage().save(f"{IMAGE_CACHE}/{mine.sha256}.jpg", ContentFile(b"jpeg"))
    with django_capture_on_commit_callbacks(execute=True):
        people.client_for(people.admin).post(_erase_url(people), {"confirm": "on"})
    assert private_storage().exists(cached)
    assert private_storage().exists(theirs.file.name)


def test_refused_before_the_retention_period_ends_with_the_date(people, evidence) -> None:
    _withdraw(people.enrolment, years_ago=1)
    ended = Enrolment.objects.get(pk=people.enrolment.pk).ended_on
    response = people.client_for(people.admin).post(_erase_url(people), {"confirm": "on"})
    text = response.content.decode()
    assert response.status_code == 200
    until = add_years(ended, 3)
    assert f"The retention period ends on {until.day} {until:%B %Y}" in text
    assert User.objects.get(pk=people.learner.pk).full_name == "Alice Learner"
    assert EvidenceFile.objects.count() == 3


def test_centre_retention_years_moves_the_date(people) -> None:
    _withdraw(people.enrolment, years_ago=4)
    people.centre.retention_years = 6
    people.centre.save()
    response = people.client_for(people.admin).post(_erase_url(people), {"confirm": "on"})
    assert "keeps portfolios for 6 years" in response.content.decode()
    assert User.objects.get(pk=people.learner.pk).full_name == "Alice Learner"


def test_refused_while_an_enrolment_is_active(people) -> None:
    response = people.client_for(people.admin).post(_erase_url(people), {"confirm": "on"})
    assert "is still active" in response.content.decode()


def test_confirmation_is_required(people) -> None:
    _withdraw(people.enrolment, years_ago=4)
    response = people.client_for(people.admin).post(_erase_url(people), {})
    assert "Tick the box" in response.content.decode()
    assert User.objects.get(pk=people.learner.pk).full_name == "Alice Learner"


def test_another_centres_admin_404_learner_403(people) -> None:
    _withdraw(people.enrolment, years_ago=4)
    url = _erase_url(people)
    assert people.client_for(people.outsider_admin).post(url, {"confirm": "on"}).status_code == 404
    assert people.client_for(people.learner).post(url, {"confirm": "on"}).status_code == 403
    assert people.client_for(people.eqa).post(url, {"confirm": "on"}).status_code == 403
    assert User.objects.get(pk=people.learner.pk).full_name == "Alice Learner"


def test_retention_report_sorts_learners(people, evidence) -> None:
    _withdraw(people.enrolment, years_ago=4)  # Alice: ended, but evidence awaits review
    ready = EnrolmentFactory(
        learner=people.other_learner, centre=people.centre, standard=people.enrolment.standard
    )
    Enrolment.objects.filter(pk=ready.pk).update(
        status=Enrolment.Status.COMPLETED, ended_on=TODAY - datetime.timedelta(days=5 * 366)
    )
    recent = User.objects.create(
        username="rhea", full_name="Rhea Recent", centre=people.centre, is_learner=True
    )
    Enrolment.objects.filter(
        pk=EnrolmentFactory(
            learner=recent, centre=people.centre, standard=people.enrolment.standard
        ).pk
    ).update(status=Enrolment.Status.WITHDRAWN, ended_on=TODAY - datetime.timedelta(days=30))
    from evidence import services as evidence_services

    evidence_services.evidence_submit(
        item=evidence["draft"], learner=people.learner, declaration_name="Alice Learner"
    )

    response = people.client_for(people.admin).get(reverse("privacy:retention"))
    assert response.status_code == 200
    ctx = response.context
    assert [p.learner for p in ctx["ready"]] == [people.other_learner]
    assert [p.learner for p in ctx["flagged"]] == [people.learner]
    assert "Evidence is still waiting for the assessor's review." in ctx["flagged"][0].flags
    assert [p.learner for p in ctx["running"]] == [recent]
    text = response.content.decode()
    assert reverse("privacy:erase", args=[people.other_learner.pk]) in text
    assert "Rhea Recent" in text
    assert people.outsider_learner.full_name not in text


def test_refused_while_an_eqa_visit_holds_a_unit_then_erased(people) -> None:
    from portal.visits import services as visits
    from portal.visits.models import VisitAction, VisitReport
    from tests.visits.helpers import issued_visit

    _withdraw(people.enrolment, years_ago=4)
    visit = issued_visit(people)  # an action still open: the visit is open
    client = people.client_for(people.admin)
    text = client.post(_erase_url(people), {"confirm": "on"}).content.decode()
    assert "Held for the external quality assurer. In the sample of the EQA visit" in text
    assert "an action it raised is not closed yet" in text
    assert User.objects.get(pk=people.learner.pk).full_name == "Alice Learner"

    action = visit.actions.get()
    visits.visit_action_respond(action=action, admin=people.admin, text="Done.")
    visits.visit_action_decide(action=action, eqa=people.eqa, accept=True, text="Accepted.")
    text = client.post(_erase_url(people), {"confirm": "on"}).content.decode()
    assert "which closed on" in text  # kept 3 years from the closing, today
    closed = timezone.now() - datetime.timedelta(days=365 * 3 + 2)
    VisitReport.objects.filter(visit=visit).update(issued_at=closed)
    VisitAction.objects.filter(visit=visit).update(closed_at=closed)
    client.post(_erase_url(people), {"confirm": "on"})
    assert User.objects.get(pk=people.learner.pk).full_name != "Alice Learner"
