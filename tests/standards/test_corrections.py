"""Supplied text for criteria the source lost: centre admins only, never over the official text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from standards.models import Criterion, TextCorrection
from standards.services import correction_create
from tests.factories import CriterionFactory


@pytest.fixture
def lost(people) -> Criterion:
    first = Criterion.objects.get(reference="P1")
    return CriterionFactory(
        group=first.group, order=2, reference="P2", text="", text_status="missing"
    )


def url(criterion: Criterion) -> str:
    return reverse("standards:correction_create", args=[criterion.standard.slug, criterion.pk])


def test_admin_supplies_text(people, lost) -> None:
    client = people.client_for(people.admin)
    assert "Supply the text of P2" in client.get(url(lost)).text
    response = client.post(
        url(lost), {"text": "  do the second thing  ", "source": "Awarding body PDF, p. 3"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "standards:criterion", args=[lost.standard.slug, lost.pk]
    )
    correction = TextCorrection.objects.get()
    assert (correction.text, correction.supplied_by, correction.supplier_centre) == (
        "do the second thing",
        people.admin,
        "Alpha Centre",
    )
    lost.refresh_from_db()
    assert (lost.text, lost.text_status) == ("", "missing")
    page = client.get(response["Location"])
    assert "Your text for P2 was saved" in page.text
    assert "Supplied by Dave Admin (Alpha Centre) on" in page.text
    assert "from Awarding body PDF, p. 3 — not part of the official source text." in page.text
    assert "[Text not available in the source document]" in page.text


def test_history_keeps_every_correction_newest_first(people, lost) -> None:
    for text in ("alpha-text", "beta-text", "gamma-text"):
        correction_create(criterion=lost, text=text, source="PDF", supplied_by=people.admin)
    html = (
        people.client_for(people.learner)
        .get(reverse("standards:criterion", args=[lost.standard.slug, lost.pk]))
        .text
    )
    assert html.index("gamma-text") < html.index(">Earlier<") < html.index("beta-text")
    assert html.index("beta-text") < html.index("alpha-text")
    assert "Supply the text" not in html  # not an admin
    listing = people.client_for(people.learner).get(reverse("standards:corrections")).text
    assert listing.count("not part of the official source text") == 3
    assert "Supplied texts: 3" in listing


def test_bad_input_lists_errors_linked_to_fields(people, lost) -> None:
    response = people.client_for(people.admin).post(url(lost), {"text": "   ", "source": ""})
    assert response.status_code == 200
    html = response.text
    assert 'href="#id_text"' in html
    assert 'href="#id_source"' in html
    assert not TextCorrection.objects.exists()


def test_user_html_is_escaped(people, lost) -> None:
    correction_create(
        criterion=lost,
        text="<script>alert(1)</script>",
        source="<i>pdf</i>",
        supplied_by=people.admin,
    )
    html = (
        people.client_for(people.learner)
        .get(reverse("standards:criterion", args=[lost.standard.slug, lost.pk]))
        .text
    )
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;i&gt;pdf&lt;/i&gt;" in html


@pytest.mark.parametrize("role", ["learner", "assessor", "iqa", "eqa"])
def test_other_roles_are_refused_even_the_form(people, lost, role) -> None:
    client = people.client_for(getattr(people, role))
    assert client.get(url(lost)).status_code == 403
    assert client.post(url(lost), {"text": "x", "source": "y"}).status_code == 403
    assert not TextCorrection.objects.exists()


def test_logged_out_goes_to_login(people, lost) -> None:
    response = people.client_for(None).post(url(lost), {"text": "x", "source": "y"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_complete_criterion_cannot_be_corrected(people) -> None:
    complete = Criterion.objects.get(reference="P1")
    client = people.client_for(people.admin)
    assert client.get(url(complete)).status_code == 404
    assert client.post(url(complete), {"text": "x", "source": "y"}).status_code == 404
    with pytest.raises(ValueError, match="only lost text can be supplied"):
        correction_create(criterion=complete, text="x", source="y", supplied_by=people.admin)


def test_wrong_method(people, lost) -> None:
    assert people.client_for(people.admin).delete(url(lost)).status_code == 405


def test_criterion_of_another_standard_is_404(people, lost) -> None:
    other = CriterionFactory(text="", text_status="partial", reference="K1")
    response = people.client_for(people.admin).get(
        reverse("standards:correction_create", args=[lost.standard.slug, other.pk])
    )
    assert response.status_code == 404


def test_corrections_page_lists_lost_criteria(people, lost) -> None:
    html = people.client_for(people.admin).get(reverse("standards:corrections")).text
    assert "Supplied texts: none yet" in html
    assert url(lost) in html
    assert "No text has been supplied yet." in html
