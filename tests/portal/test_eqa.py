"""External quality assurance: a read-only role over the centres granted to it, until expiry."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import IqaSample, RecordEntry
from assessments.services import record_append
from portal.accounts.models import User
from portal.centres.models import EqaGrant
from portal.portfolio.models import PortfolioExport
from tests.evidence.helpers import add_file, make_item
from tests.factories import EnrolmentFactory, UserFactory


def _sample(people, enrolment=None, outcome: str = IqaSample.Outcome.AGREED) -> IqaSample:
    enrolment = enrolment or people.enrolment
    entry = record_append(
        enrolment=enrolment,
        actor=people.assessor,
        action=RecordEntry.Action.EVIDENCE_ACCEPTED,
        payload={"item": 0, "reference": "E1"},
    )
    return IqaSample.objects.create(
        entry=entry,
        enrolment=enrolment,
        assessor=people.assessor,
        outcome=outcome,
        feedback="" if outcome == IqaSample.Outcome.AGREED else "Say which page shows P1.",
        sampled_by=people.iqa,
        sampled_at=timezone.now(),
    )


def _export(people, centre=None) -> PortfolioExport:
    export = PortfolioExport.objects.create(
        requested_by=people.admin,
        centre=centre or people.centre,
        scope=PortfolioExport.Scope.LEARNER,
        scope_label="Portfolio of Alice",
        progress_total=1,
        status=PortfolioExport.Status.FAILED,
        error="test",
    )
    export.learners.set([people.learner])
    return export


def _reading_urls(people) -> dict[str, str]:
    item = make_item(people.enrolment)
    image = add_file(item)
    record_append(
        enrolment=people.enrolment,
        actor=people.assessor,
        action=RecordEntry.Action.EVIDENCE_ACCEPTED,
        payload={"item": item.pk, "reference": item.reference},
    )
    _sample(people)
    export = _export(people)
    pk = people.enrolment.pk
    return {
        "dashboard": reverse("eqa_dashboard"),
        "centre": reverse("eqa_centre", args=[people.centre.pk]),
        "samples": reverse("eqa_samples", args=[people.centre.pk]),
        "grid": reverse("review:grid", args=[pk]),
        "record": reverse("assessments:record", args=[pk]),
        "evidence": reverse("evidence:detail", args=[item.pk]),
        "download": reverse("evidence:file_download", args=[image.pk]),
        "exports": reverse("portfolio:exports"),
        "export": reverse("portfolio:export_detail", args=[export.pk]),
    }


def test_eqa_is_a_role_not_a_superuser(people) -> None:
    assert people.eqa.is_eqa
    assert not people.eqa.is_superuser
    assert not people.eqa.is_staff
    assert people.eqa.centre is None


def test_eqa_reads_everything_of_a_granted_centre(people) -> None:
    client = people.client_for(people.eqa)
    urls = _reading_urls(people)
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
    assert client.get(urls["download"])["Content-Disposition"].startswith("attachment")


def test_eqa_centre_links_to_grids_records_and_samples(people) -> None:
    sample = _sample(people, outcome=IqaSample.Outcome.REFERRED)
    response = people.client_for(people.eqa).get(reverse("eqa_centre", args=[people.centre.pk]))
    page = response.content.decode()
    assert reverse("review:grid", args=[people.enrolment.pk]) in page
    assert reverse("assessments:record", args=[people.enrolment.pk]) in page
    assert list(response.context["samples"]) == [sample]
    assert "Say which page shows P1." in page
    assert reverse("eqa_samples", args=[people.centre.pk]) in page


def test_eqa_samples_list_only_the_granted_centre(people) -> None:
    mine = _sample(people)
    _sample(people, enrolment=people.outsider_enrolment)
    response = people.client_for(people.eqa).get(reverse("eqa_samples", args=[people.centre.pk]))
    assert list(response.context["page"]) == [mine]


def test_eqa_exports_of_other_centres_are_hidden(people) -> None:
    visible = _export(people)
    hidden = _export(people, centre=people.other_centre)
    client = people.client_for(people.eqa)
    response = client.get(reverse("portfolio:exports"))
    assert list(response.context["page"]) == [visible]
    assert client.get(reverse("portfolio:export_detail", args=[hidden.pk])).status_code == 404


def test_another_centre_is_out_of_reach(people) -> None:
    client = people.client_for(people.eqa)
    item = make_item(people.outsider_enrolment)
    urls = [
        reverse("eqa_centre", args=[people.other_centre.pk]),
        reverse("eqa_samples", args=[people.other_centre.pk]),
        reverse("review:grid", args=[people.outsider_enrolment.pk]),
        reverse("assessments:record", args=[people.outsider_enrolment.pk]),
        reverse("evidence:detail", args=[item.pk]),
        reverse("evidence:file_download", args=[add_file(item).pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_expired_grant_gives_no_access(people) -> None:
    urls = _reading_urls(people)
    EqaGrant.objects.filter(user=people.eqa).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client = people.client_for(people.eqa)
    assert list(client.get(urls.pop("dashboard")).context["centres"]) == []
    assert list(client.get(urls.pop("exports")).context["page"]) == []
    for name, url in urls.items():
        assert client.get(url).status_code == 404, name


def test_grant_runs_to_the_end_of_its_last_day(people) -> None:
    EqaGrant.objects.filter(user=people.eqa).update(expires_on=timezone.localdate())
    client = people.client_for(people.eqa)
    assert client.get(reverse("review:grid", args=[people.enrolment.pk])).status_code == 200


def test_a_superuser_is_not_an_eqa(people) -> None:
    operator = UserFactory(centre=None, is_superuser=True, is_staff=True)
    EqaGrant.objects.create(user=operator, centre=people.centre, expires_on=timezone.localdate())
    client = people.client_for(operator)
    assert client.get(reverse("eqa_dashboard")).status_code == 403
    assert client.get(reverse("review:grid", args=[people.enrolment.pk])).status_code == 404


def test_eqa_may_not_export_or_retry(people) -> None:
    client = people.client_for(people.eqa)
    export = _export(people)
    before = PortfolioExport.objects.count()
    assert (
        client.post(reverse("portfolio:export_learner", args=[people.learner.pk])).status_code
        == 403
    )
    assert client.post(reverse("portfolio:export_retry", args=[export.pk])).status_code == 403
    outsider = reverse("portfolio:export_learner", args=[people.outsider_learner.pk])
    assert client.post(outsider).status_code == 404
    assert PortfolioExport.objects.count() == before
    export.refresh_from_db()
    assert export.status == PortfolioExport.Status.FAILED


@pytest.mark.parametrize("name", ["eqa_centre", "eqa_samples"])
def test_eqa_pages_query_count_flat(people, name, django_assert_max_num_queries) -> None:
    for _ in range(30):
        enrolment = EnrolmentFactory(
            learner=UserFactory(centre=people.centre, is_learner=True),
            centre=people.centre,
            standard=people.enrolment.standard,
            assessor=people.assessor,
            iqa=people.iqa,
        )
        _sample(people, enrolment=enrolment)
    client = people.client_for(people.eqa)
    with django_assert_max_num_queries(12):
        response = client.get(reverse(name, args=[people.centre.pk]))
    assert response.status_code == 200


def test_demo_eqa1_is_a_read_only_eqa_granted_for_a_year(db, settings) -> None:
    settings.DEBUG = True
    call_command("demo", verbosity=0)
    eqa1 = User.objects.get(username="eqa1")
    assert eqa1.is_eqa and not eqa1.is_superuser and not eqa1.is_staff
    assert eqa1.centre is None
    grant = EqaGrant.objects.get(user=eqa1)
    assert grant.centre.name == "Demo Training Centre"
    assert grant.expires_on == timezone.localdate() + datetime.timedelta(days=365)
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_staff=True).exists()
