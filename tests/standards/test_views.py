"""Browsing: the list and a standard's page, with lost texts, equivalents and supplied text."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from standards.models import Criterion, Standard
from standards.services import correction_create
from tests.factories import StandardFactory, UserFactory
from tests.standards_fixture import load_standards


@pytest.fixture
def loaded(people):
    load_standards()
    return people


def test_list_shows_codes_versions_and_counts(loaded) -> None:
    response = loaded.client_for(loaded.learner).get(reverse("standards:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "SCDCPC509" in html
    assert '<span class="missing-text">Not stated</span>' in html  # no code / no version
    row = html[html.index('href="/standards/scdcpc509-v2/"') :]
    row = " ".join(row[: row.index("</tr>")].split())
    assert "<td>2</td><td>19</td><td>68</td> <td>3 texts</td>" in row


def test_list_query_count_does_not_grow(people, django_assert_num_queries) -> None:
    client = people.client_for(people.learner)
    client.get(reverse("standards:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("standards:list"))
    StandardFactory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("standards:list"))
    assert len(many) == len(few)
    assert "Page 1 of 2" in response.content.decode()


def test_list_wrong_method_and_logged_out(people) -> None:
    assert people.client_for(people.learner).post(reverse("standards:list")).status_code == 405
    response = people.client_for(None).get(reverse("standards:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_import_link_only_for_admins(people) -> None:
    url = reverse("standards:list")
    assert reverse("standards:import") in people.client_for(people.admin).get(url).text
    assert reverse("standards:import") not in people.client_for(people.assessor).get(url).text


def test_detail_shows_everything_in_order(loaded) -> None:
    response = loaded.client_for(loaded.learner).get(
        reverse("standards:detail", args=["scdcpc509-v2"])
    )
    html = response.content.decode()
    for heading in (
        "Overview",
        "Performance criteria",
        "Knowledge and understanding",
        "Scope and range",
        "Values",
        "Glossary",
        "Source and conversion notes",
    ):
        assert f">{heading}</h2>" in html
    assert html.index('id="performance"') < html.index('id="knowledge"') < html.index('id="scope"')
    assert "001_921304ed4a281d8b.txt" in html
    assert "P16: text not available in the source document." in html  # conversion notes


def test_detail_missing_and_partial_texts(loaded) -> None:
    html = (
        loaded.client_for(loaded.learner)
        .get(reverse("standards:detail", args=["scdcpc509-v2"]))
        .content.decode()
    )
    p16 = Criterion.objects.get(standard__slug="scdcpc509-v2", reference="P16")
    block = html[html.index(f'id="criterion-{p16.pk}"') :][:600]
    assert "[Text not available in the source document]" in block
    k45 = Criterion.objects.get(standard__slug="scdcpc509-v2", reference="K45")
    block = html[html.index(f'id="criterion-{k45.pk}"') :][:600]
    assert "based provision" in block
    assert "[part of the text not available in the source document]" in block


def test_detail_no_code_is_stated_as_such(loaded) -> None:
    html = (
        loaded.client_for(loaded.learner)
        .get(reverse("standards:detail", args=["manage-finance"]))
        .content.decode()
    )
    assert "Not stated (code not stated in the source document)" in html


def test_detail_equivalents_and_correspondence(loaded) -> None:
    client = loaded.client_for(loaded.learner)
    html = client.get(reverse("standards:detail", args=["scdcpc509-v2"])).content.decode()
    k8 = Criterion.objects.get(standard__slug="scdcpc509-v2", reference="K8")
    block = html[html.index(f'id="criterion-{k8.pk}"') :][:1500]
    k5 = Criterion.objects.get(standard__slug="scdcpc306", reference="K5")
    assert f'/standards/scdcpc306/#criterion-{k5.pk}">K5 in SCDCPC306</a> (identical)' in block
    assert "K14 in Manage finance for your area…</a> (identical)" in block
    p10 = Criterion.objects.get(standard__slug="scdcpc509-v2", reference="P10")
    block = html[html.index(f'id="criterion-{p10.pk}"') :][:800]
    assert "Corresponding criteria:" in block
    assert "B3 in CPC 509</a> (near-identical)" in block


def test_detail_shows_newest_correction_marked(loaded) -> None:
    k45 = Criterion.objects.get(standard__slug="scdcpc509-v2", reference="K45")
    correction_create(criterion=k45, text="old words", source="PDF A", supplied_by=loaded.admin)
    correction_create(
        criterion=k45, text="<b>new</b> words", source="PDF B", supplied_by=loaded.admin
    )
    html = (
        loaded.client_for(loaded.learner)
        .get(reverse("standards:detail", args=["scdcpc509-v2"]))
        .content.decode()
    )
    block = html[html.index(f'id="criterion-{k45.pk}"') :][:1500]
    assert "&lt;b&gt;new&lt;/b&gt; words" in block
    assert "old words" not in block
    assert "Supplied by Dave Admin (Alpha Centre) on" in block
    assert "from PDF B — not part of the official source text." in block
    k45.refresh_from_db()
    assert k45.text == "based provision"


def test_detail_query_count_is_fixed(loaded) -> None:
    client = loaded.client_for(loaded.learner)
    url = reverse("standards:detail", args=["scdcpc509-v2"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= 10, [q["sql"][:120] for q in queries]


def test_detail_unknown_slug_is_404(people) -> None:
    response = people.client_for(people.learner).get(reverse("standards:detail", args=["nope"]))
    assert response.status_code == 404


def test_criterion_page(loaded) -> None:
    k8 = Criterion.objects.get(standard__slug="scdcpc509-v2", reference="K8")
    response = loaded.client_for(loaded.iqa).get(
        reverse("standards:criterion", args=["scdcpc509-v2", k8.pk])
    )
    assert response.status_code == 200
    assert "Equivalent items in other standards" in response.text
    assert "K5 in SCDCPC306" in response.text
    assert "Supply the text" not in response.text


def test_criterion_of_another_standard_is_404(loaded) -> None:
    k8 = Criterion.objects.get(standard__slug="scdcpc509-v2", reference="K8")
    response = loaded.client_for(loaded.admin).get(
        reverse("standards:criterion", args=["scdcpc306", k8.pk])
    )
    assert response.status_code == 404


def test_no_standards(client, db) -> None:
    client.force_login(UserFactory(is_centre_admin=True))
    assert not Standard.objects.exists()
    response = client.get(reverse("standards:list"))
    assert "No standards are loaded yet." in response.text


def test_standard_without_code_is_named_by_its_title(loaded) -> None:
    """No "(no code)" or "No code" stands in for a code the source doesn't print; the source
    document is named by its title, not by the seed's file name."""
    client = loaded.client_for(loaded.learner)
    html = client.get(reverse("standards:detail", args=["manage-finance"])).content.decode()
    assert "<title>Manage finance for your area of responsibility · " in html
    assert "(no code)" not in html and "No code:" not in html
    assert "<dt>Source document</dt><dd>Manage finance for your area of responsibility</dd>" in (
        html
    )
    html = client.get(reverse("standards:detail", args=["scdcpc509-v2"])).content.decode()
    assert (
        "<dt>Source document</dt><dd>SCDCPC509 Enable your organisation to align or pool "
        "budgets with commissioning partners</dd>"
    ) in html
    assert "Source document 001_" not in " ".join(html.replace("<", " <").split())
    criterion = Criterion.objects.filter(standard__slug="manage-finance").first()
    html = client.get(
        reverse("standards:criterion", args=["manage-finance", criterion.pk])
    ).content.decode()
    assert "Code not stated</a>" not in html
    assert "Manage finance for your area of responsibility</a>" in html
    standard = Standard.objects.get(slug="manage-finance")
    assert standard.display_code == str(standard) == standard.title
