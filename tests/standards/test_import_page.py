"""The upload page for centre admins: same validation as the command, problems listed in place."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from standards.importer import MAX_FILE_BYTES
from standards.models import Standard
from tests.factories import EnrolmentFactory
from tests.standards.test_importer import EXAMPLE, example

URL = reverse("standards:import")


def upload(data: bytes, name: str = "standard.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/json")


def test_admin_imports_the_example(people) -> None:
    client = people.client_for(people.admin)
    assert "Check and import" in client.get(URL).text
    response = client.post(URL, {"file": upload(EXAMPLE.read_bytes())})
    assert response.status_code == 302
    assert response["Location"] == reverse("standards:detail", args=["example-ex001-v1"])
    page = client.get(response["Location"])
    assert "Imported EX001: 5 criteria. Equivalence groups recomputed" in page.text
    assert Standard.objects.filter(slug="example-ex001-v1").exists()


def test_problems_are_listed_with_locations_and_nothing_imported(people) -> None:
    doc = example()
    doc[4]["fields"]["text"] = 7
    doc[7]["fields"]["kind"] = "performance"
    response = people.client_for(people.admin).post(URL, {"file": upload(json.dumps(doc).encode())})
    assert response.status_code == 400
    html = response.text
    assert "Problems in the file (2)" in html
    assert (
        "<strong>objects[4] (standards.criterion &quot;P1&quot;)</strong>: field &quot;text&quot; "
        "must be a string" in html
    )
    assert "kind &quot;performance&quot; does not match its group&#x27;s kind" in html
    assert 'href="#id_file"' in html  # the error summary links to the field
    assert "The file was not imported: 2 problems listed below. Nothing was changed." in html
    assert "Error:</strong> The file was not imported" in html
    assert not Standard.objects.filter(slug="example-ex001-v1").exists()


def test_json_syntax_error(people) -> None:
    response = people.client_for(people.admin).post(URL, {"file": upload(b"[{]")})
    assert "<strong>line 1, column 3</strong>: JSON syntax error" in response.text


def test_too_large_file(people) -> None:
    big = upload(b" " * (MAX_FILE_BYTES + 1))
    response = people.client_for(people.admin).post(URL, {"file": big})
    assert response.status_code == 400
    assert "The file is 5.0 MB; at most 5 MB can be imported at once." in response.text


def test_no_file(people) -> None:
    response = people.client_for(people.admin).post(URL, {})
    assert "This field is required." in response.text


def test_duplicate_refused_then_replaced_with_the_checkbox(people) -> None:
    client = people.client_for(people.admin)
    client.post(URL, {"file": upload(EXAMPLE.read_bytes())})
    response = client.post(URL, {"file": upload(EXAMPLE.read_bytes())})
    assert "is already loaded; to overwrite it, ask to replace" in response.text
    response = client.post(URL, {"file": upload(EXAMPLE.read_bytes()), "replace": "on"})
    assert response.status_code == 302
    assert "replacing 1 standard(s)" in client.get(response["Location"]).text


def test_replace_refused_with_enrolments(people) -> None:
    client = people.client_for(people.admin)
    client.post(URL, {"file": upload(EXAMPLE.read_bytes())})
    EnrolmentFactory(standard=Standard.objects.get(slug="example-ex001-v1"))
    response = client.post(URL, {"file": upload(EXAMPLE.read_bytes()), "replace": "on"})
    assert "cannot replace &quot;example-ex001-v1&quot;: 1 enrolment uses it" in response.text


@pytest.mark.parametrize("role", ["learner", "assessor", "iqa", "eqa"])
def test_other_roles_refused(people, role) -> None:
    client = people.client_for(getattr(people, role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"file": upload(EXAMPLE.read_bytes())}).status_code == 403
    assert not Standard.objects.filter(slug="example-ex001-v1").exists()


def test_logged_out_and_wrong_method(people) -> None:
    response = people.client_for(None).get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert people.client_for(people.admin).put(URL).status_code == 405


def test_form_has_csrf_and_multipart(people) -> None:
    html = people.client_for(people.admin).get(URL).text
    assert 'enctype="multipart/form-data"' in html
    assert "csrfmiddlewaretoken" in html
