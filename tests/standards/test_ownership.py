"""Who owns a standard and who sees it: official standards are the platform's and read-only
to centres; a centre's import is its own, seen by that centre only until a platform operator
publishes it; supplied texts are seen by the supplier's centre only."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from assessments.models import Enrolment
from portal.centres import services as centre_services
from portal.centres.forms import EnrolmentForm
from standards.models import Criterion, Standard, TextCorrection
from standards.selectors import equivalents_of
from standards.services import correction_create
from tests.factories import CriterionFactory, GroupFactory, UserFactory
from tests.standards.test_importer import EXAMPLE, example

IMPORT = reverse("standards:import")
SLUG = "example-ex001-v1"


def _upload(client: Client, data: bytes | None = None, *, replace: bool = False):
    file = SimpleUploadedFile("s.json", data or EXAMPLE.read_bytes(), "application/json")
    return client.post(IMPORT, {"file": file, **({"replace": "on"} if replace else {})})


@pytest.fixture
def owned(people) -> Standard:
    """The example standard, imported by the first centre's admin on the import page."""
    assert _upload(people.client_for(people.admin)).status_code == 302
    return Standard.objects.get(slug=SLUG)


def test_the_import_page_makes_a_centres_own_standard(people, owned) -> None:
    assert owned.owner_centre == people.centre
    assert not owned.published and not owned.is_official


def test_the_command_loads_official_standards(people, tmp_path) -> None:
    path = tmp_path / "s.json"
    path.write_bytes(EXAMPLE.read_bytes())
    call_command("import_standard", str(path), stdout=StringIO())
    standard = Standard.objects.get(slug=SLUG)
    assert standard.is_official
    assert people.client_for(people.outsider_learner).get(_detail(standard)).status_code == 200


def _detail(standard: Standard) -> str:
    return reverse("standards:detail", args=[standard.slug])


@pytest.mark.parametrize("role", ["learner", "assessor", "iqa", "admin", "eqa"])
def test_its_centre_reads_it(people, owned, role) -> None:
    client = people.client_for(getattr(people, role))
    assert client.get(_detail(owned)).status_code == 200
    assert owned.title in client.get(reverse("standards:list")).text
    search = client.get(reverse("standards:search"), {"q": "P1"})
    assert f'value="{SLUG}"' in search.text  # offered as a place to search


@pytest.mark.parametrize("role", ["outsider_learner", "outsider_admin"])
def test_another_centre_never_sees_it(people, owned, role) -> None:
    client = people.client_for(getattr(people, role))
    assert client.get(_detail(owned)).status_code == 404
    criterion = owned.criteria.first()
    url = reverse("standards:criterion", args=[SLUG, criterion.pk])
    assert client.get(url).status_code == 404
    assert owned.title not in client.get(reverse("standards:list")).text
    search = client.get(reverse("standards:search"), {"q": criterion.reference})
    assert SLUG not in search.text
    assert owned.title not in search.text
    within = client.get(reverse("standards:search"), {"q": "P1", "standard": SLUG})
    assert "Select a valid choice" in within.text


def test_an_eqa_of_another_centre_does_not_see_it(people, owned) -> None:
    stranger = UserFactory(username="eve", centre=None, is_eqa=True)
    assert people.client_for(stranger).get(_detail(owned)).status_code == 404


def test_enrolment_choices_and_the_service(people, owned) -> None:
    assert owned in EnrolmentForm(centre=people.centre, creating=True).fields["standard"].queryset
    outsider_choices = EnrolmentForm(centre=people.other_centre, creating=True)
    assert owned not in outsider_choices.fields["standard"].queryset
    with pytest.raises(ValueError, match="belongs to another centre"):
        centre_services.enrolment_create(
            centre=people.other_centre,
            learner=people.outsider_learner,
            standard=owned,
            assessor=None,
            iqa=None,
            start_date=people.enrolment.start_date,
            target_end_date=people.enrolment.target_end_date,
        )
    assert not Enrolment.objects.filter(standard=owned).exists()


def test_only_the_owner_replaces_it(people, owned) -> None:
    doc = example()
    doc[0]["fields"]["title"] = "Replaced title"
    data = json.dumps(doc).encode()
    outsider = _upload(people.client_for(people.outsider_admin), data, replace=True)
    assert outsider.status_code == 400
    assert f"the slug &quot;{SLUG}&quot; is already in use: choose another" in outsider.text
    assert "Alpha" not in outsider.text  # nothing says whose it is
    owned.refresh_from_db()
    assert owned.title != "Replaced title"
    assert _upload(people.client_for(people.admin), data, replace=True).status_code == 302
    replaced = Standard.objects.get(slug=SLUG)
    assert replaced.title == "Replaced title"
    assert replaced.owner_centre == people.centre


def test_another_centre_may_import_its_own_copy_under_another_slug(people, owned) -> None:
    doc = example()
    doc[0]["fields"]["slug"] = "beta-copy"
    for entry in doc[1:]:
        for key in ("standard", "group"):
            if key in entry["fields"] and entry["fields"][key][0] == SLUG:
                entry["fields"][key][0] = "beta-copy"
    response = _upload(people.client_for(people.outsider_admin), json.dumps(doc).encode())
    assert response.status_code == 302
    assert Standard.objects.get(slug="beta-copy").owner_centre == people.other_centre


def test_official_standards_are_read_only_to_centres(people) -> None:
    official = people.enrolment.standard
    assert official.is_official
    doc = example()
    doc[0]["fields"]["slug"] = official.slug
    for entry in doc[1:]:
        for key in ("standard", "group"):
            if key in entry["fields"] and entry["fields"][key][0] == SLUG:
                entry["fields"][key][0] = official.slug
    response = _upload(people.client_for(people.admin), json.dumps(doc).encode(), replace=True)
    assert response.status_code == 400
    assert "is an official standard: centres may not replace it" in response.text
    assert Standard.objects.get(slug=official.slug).title == official.title


def test_a_platform_operator_publishes_it(people, owned) -> None:
    operator = UserFactory(username="root", is_superuser=True, is_staff=True)
    admin = people.client_for(operator)
    changelist = reverse("admin:standards_standard_changelist")
    response = admin.post(changelist, {"action": "publish", "_selected_action": [owned.pk]})
    assert response.status_code == 302
    owned.refresh_from_db()
    assert owned.published
    outsider = people.client_for(people.outsider_learner)
    page = outsider.get(_detail(owned))
    assert page.status_code == 200
    assert "A centre's own standard, published to every centre" in page.text
    admin.post(changelist, {"action": "withdraw", "_selected_action": [owned.pk]})
    assert outsider.get(_detail(owned)).status_code == 404


@pytest.fixture
def lost(people) -> Criterion:
    first = Criterion.objects.get(standard=people.enrolment.standard, reference="P1")
    return CriterionFactory(
        group=first.group, order=2, reference="P2", text="", text_status="missing"
    )


def test_supplied_texts_are_the_suppliers_centres(people, lost) -> None:
    correction_create(
        criterion=lost,
        text="do the second thing",
        source="Awarding body PDF",
        supplied_by=people.admin,
    )
    assert TextCorrection.objects.get().centre == people.centre
    criterion_url = reverse("standards:criterion", args=[lost.standard.slug, lost.pk])
    pages = [criterion_url, _detail(lost.standard), reverse("standards:corrections")]
    for role in ("learner", "assessor", "admin", "eqa"):
        client = people.client_for(getattr(people, role))
        for url in pages:
            assert "do the second thing" in client.get(url).text, (role, url)
    for role in ("outsider_learner", "outsider_admin"):
        client = people.client_for(getattr(people, role))
        for url in pages:
            text = client.get(url).text
            assert "do the second thing" not in text, (role, url)
            assert "Dave Admin" not in text and "Alpha Centre" not in text, (role, url)


def test_the_portfolio_shows_only_its_centres_texts(people, lost) -> None:
    from django.conf import settings

    from portal.portfolio.selectors import portfolio_data

    correction_create(
        criterion=lost,
        text="outsider wording",
        source="their PDF",
        supplied_by=people.outsider_admin,
    )
    data = portfolio_data(
        people.learner,
        people.centre,
        requested_by=None,
        embed_max_bytes=settings.PORTFOLIO_EMBED_MAX_BYTES,
    )
    assert "Correction to P2" not in repr(data)  # the other centre's text is not shown
    correction_create(
        criterion=lost, text="alpha wording", source="our PDF", supplied_by=people.admin
    )
    data = portfolio_data(
        people.learner,
        people.centre,
        requested_by=None,
        embed_max_bytes=settings.PORTFOLIO_EMBED_MAX_BYTES,
    )
    assert "Correction to P2" in repr(data)


def test_a_centres_standard_is_nobody_elses_equivalent(people, owned) -> None:
    from standards.access import standards_for
    from standards.services import equivalence_groups_recompute

    theirs_k = owned.criteria.filter(kind="knowledge").first()
    group = GroupFactory(standard=people.enrolment.standard, kind="knowledge", order=1)
    official = CriterionFactory(group=group, order=1, reference="K1", text=theirs_k.text)
    equivalence_groups_recompute()
    own_centre = equivalents_of([official.pk], readable=standards_for(people.learner))
    assert theirs_k in own_centre[official.pk]
    other_centre = equivalents_of([official.pk], readable=standards_for(people.outsider_learner))
    assert other_centre[official.pk] == []
    page = people.client_for(people.outsider_learner).get(_detail(people.enrolment.standard))
    assert owned.title not in page.text and SLUG not in page.text
