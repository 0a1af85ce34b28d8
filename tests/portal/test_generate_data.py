"""manage.py generate_data at a tiny size: a verifiable record and pages that load."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from assessments.models import Enrolment, RecordEntry, UnitSignOff
from assessments.record import verify_centre
from evidence.models import EvidenceFile, EvidenceItem, Mapping, private_storage
from portal.accounts.models import User
from portal.centres.models import Centre
from portal.generate import Generator, Size
from review.status import EnrolmentState, state_of, with_state

TINY = Size(centres=2, learners=6, enrolments=12, items=60, mappings=180, files=2)


def test_generated_data_verifies_and_pages_load(db: None, settings) -> None:
    """One run (the tiny size still takes seconds), then everything asked of it."""
    report = Generator(TINY, demo=False).run()

    # Every row is written, and each centre's record verifies as verify_record checks it.
    assert Centre.objects.count() == 2
    assert User.objects.filter(is_learner=True).count() == 6
    assert Enrolment.objects.count() == 12
    assert EvidenceItem.objects.count() == 60
    assert Mapping.objects.count() >= 180
    assert report.rows["assessments.RecordEntry"] == RecordEntry.objects.count()
    for centre_id in report.centres:
        chain = verify_centre(centre_id)
        assert chain.first_break is None, chain.first_break
        assert chain.unsigned == 0
        assert chain.entries > 0
    for stored in EvidenceFile.objects.all():
        assert private_storage().exists(stored.file.name)

    # Every state is present; a signed-off unit has every criterion judged met.
    states = {state_of(e) for e in with_state(Enrolment.objects.all())}
    assert states == set(EnrolmentState)
    for sign_off in UnitSignOff.objects.select_related("enrolment__standard"):
        enrolment = sign_off.enrolment
        criteria = set(enrolment.standard.criteria.values_list("pk", flat=True))
        met = set(enrolment.judgements.filter(met=True).values_list("criterion_id", flat=True))
        assert met == criteria

    # Sequences were reset past the generated ids.
    centre = Centre.objects.create(name="Made after", time_zone="Europe/London")
    assert centre.pk > max(report.centres)

    # A generated assessor's caseload and grid load.
    assessor = User.objects.filter(is_assessor=True).first()
    enrolment = Enrolment.objects.filter(assessor=assessor).first()
    client = Client()
    client.force_login(assessor)
    caseload = client.get(reverse("assessor_dashboard"))
    assert caseload.status_code == 200
    assert enrolment.learner.full_name in caseload.text
    grid = client.get(reverse("review:grid", args=[enrolment.pk]))
    assert grid.status_code == 200
    assert enrolment.evidence_items.first().reference in grid.text

    # A second run into the same database is refused.
    settings.DEBUG = True
    with pytest.raises(CommandError, match="already holds generated"):
        call_command("generate_data", "--scale", "0.0001", "--no-demo", verbosity=0)


def test_the_command_refuses_without_debug(db: None, settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("generate_data", "--scale", "0.0001")
    assert not Centre.objects.exists()
