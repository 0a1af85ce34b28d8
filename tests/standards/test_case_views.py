"""The CASE endpoints serve what an export names: the package, its document, items and
associations, as JSON; the detail page links the download."""

from __future__ import annotations

import pytest
from django.urls import reverse

from standards import case
from standards.models import Standard
from tests.standards_fixture import load_standards

pytestmark = pytest.mark.django_db


@pytest.fixture
def standards() -> None:
    load_standards()


def test_every_uri_in_a_package_answers_with_its_object(client, standards) -> None:
    standard = Standard.objects.get(slug="scdcpc306")
    package = client.get(reverse("case:package", args=[case.document_identifier(standard)]))
    assert package.status_code == 200
    assert package["Content-Type"].startswith("application/json")
    data = package.json()
    assert case.schema_problems(data) == []
    item = data["CFItems"][5]
    path = item["uri"].split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).json() == item
    association = data["CFAssociations"][0]
    path = association["uri"].split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).json() == association
    path = data["CFDocument"]["uri"].split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).json()["identifier"] == data["CFDocument"]["identifier"]


def test_documents_lists_the_public_standards(client, standards) -> None:
    response = client.get(reverse("case:documents"))
    titles = {d["title"] for d in response.json()["CFDocuments"]}
    assert len(titles) == 5


def test_download_is_an_attachment(client, standards) -> None:
    standard = Standard.objects.get(slug="scdcpc509-v2")
    url = reverse("case:package", args=[case.document_identifier(standard)])
    response = client.get(url + "?download=1")
    assert response["Content-Disposition"] == 'attachment; filename="scdcpc509-v2-case-v1p0.json"'


def test_detail_page_links_the_package(people, standards) -> None:
    client = people.client_for(people.learner)
    standard = Standard.objects.get(slug="scdcpc306")
    page = client.get(reverse("standards:detail", args=[standard.slug]))
    url = reverse("case:package", args=[case.document_identifier(standard)])
    assert f'href="{url}?download=1"' in page.content.decode()


def test_unknown_identifier_is_404(client, standards) -> None:
    url = reverse("case:package", args=["00000000-0000-5000-8000-000000000000"])
    assert client.get(url).status_code == 404


def test_export_command_writes_the_same_package(tmp_path, standards) -> None:
    from django.core.management import call_command

    out = tmp_path / "p.json"
    call_command("export_standard", "scdcpc306", output=out)
    assert out.read_text(encoding="utf-8") == case.dumps(
        case.package(Standard.objects.get(slug="scdcpc306"))
    )
