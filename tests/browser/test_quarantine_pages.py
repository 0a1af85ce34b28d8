"""A quarantined file of an assessor's record, in the browser: the learner sees that it was
quarantined and is offered nothing to do (no acknowledgement, no remove); the assessor who
made it sees why it is stuck and what they can do, and no decision the services refuse."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from evidence.models import EvidenceFile
from evidence.services import evidence_file_scan
from review.assessor_evidence import Upload
from tests.evidence.assessor_helpers import record_observation
from tests.security import corpus

pytestmark = pytest.mark.browser


def test_quarantined_assessors_record_pages(
    page, phone_page, people, settings, login, axe_check, screenshot
) -> None:
    settings.EVIDENCE_MALWARE_SCANNER = "eicar-test"
    content = corpus.EICAR + b"\n"
    item = record_observation(
        people.enrolment, uploads=[Upload(io.BytesIO(content), "round-notes.txt", len(content))]
    )
    row = EvidenceFile.objects.get(item=item)
    evidence_file_scan(file_id=row.pk)  # the worker's task (queued on commit, run here)

    login(phone_page, people.learner)
    phone_page.goto(f"/evidence/{item.pk}/")
    main = phone_page.locator("main")
    expect(main).to_contain_text("Quarantined:")
    expect(main).to_contain_text("there is nothing for the learner to do")
    expect(
        phone_page.get_by_role("link", name=f"Read and acknowledge {item.reference}")
    ).to_have_count(0)
    expect(phone_page.get_by_role("button", name="Remove round-notes.txt")).to_have_count(0)
    axe_check(phone_page)
    screenshot(phone_page, "quarantine-learner-item")

    login(page, people.assessor)
    page.goto(f"/evidence/{item.pk}/review/")
    main = page.locator("main")
    expect(main).to_contain_text("Record the observation again with a clean copy")
    expect(page.get_by_role("button", name=f"Accept {item.reference}")).to_have_count(0)
    expect(page.get_by_role("button", name=f"Refer {item.reference} back")).to_have_count(0)
    axe_check(page)
    screenshot(page, "quarantine-assessor-review")
    page.goto(f"/evidence/{item.pk}/")
    expect(page.locator("main")).to_contain_text("Record the observation again with a clean copy")
    axe_check(page)
    screenshot(page, "quarantine-assessor-item")
