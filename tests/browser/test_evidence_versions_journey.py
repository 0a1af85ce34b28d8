"""Assessed evidence is kept (issue 12 item 7), in a browser: after a referral the learner
(on a phone) rewrites the item and removes the assessed file, which makes version 2; the
assessor's review page names the version and what changed; the EQA reads version 1 and
downloads its file; the centre admin's retention review lists a flagged item. axe on each
page; screenshots."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from evidence import services
from evidence.models import EvidenceItem
from review import services as review
from tests.evidence.helpers import add_file, submitted_item
from tests.visits.helpers import sampled_visit


def test_a_referred_item_keeps_its_assessed_version(
    page, phone_page, people, login, axe_check, screenshot
) -> None:
    item = submitted_item(people.enrolment, title="Care plan review", description="First text.")
    item = review.evidence_refer(
        item=item, assessor=people.assessor, feedback="Attach the signed care plan."
    )
    [assessed] = item.files.all()

    login(phone_page, people.learner)
    phone_page.goto(f"/evidence/{item.pk}/")
    assert phone_page.get_by_role("button", name="Withdraw").is_visible()
    assert phone_page.get_by_role("link", name="Delete").count() == 0
    phone_page.get_by_role("link", name="Edit details").click()
    phone_page.get_by_label("Description").fill("Rewritten with the signed plan attached.")
    phone_page.get_by_role("button", name="Save").click()
    phone_page.get_by_role("button", name=f"Remove {assessed.original_name}").click()
    phone_page.get_by_text(f"{assessed.original_name} was removed").wait_for()
    add_file(EvidenceItem.objects.get(pk=item.pk), name="signed-care-plan.png")
    phone_page.goto(f"/evidence/{item.pk}/")
    phone_page.get_by_role("heading", name="Versions").wait_for()
    axe_check(phone_page)
    screenshot(phone_page, "evidence-versions-learner-phone")
    services.evidence_submit(
        item=EvidenceItem.objects.get(pk=item.pk),
        learner=people.learner,
        declaration_name=people.learner.full_name,
    )

    login(page, people.assessor)
    page.goto(reverse("review:review", args=[item.pk]))
    page.get_by_text("You are reviewing version 2").wait_for()
    assert page.get_by_text("File removed: photo.png").is_visible()
    assert page.get_by_text("File added: signed-care-plan.png").is_visible()
    axe_check(page)
    screenshot(page, "evidence-versions-review")

    page.context.clear_cookies()
    login(page, people.eqa)
    page.goto(f"/evidence/{item.pk}/")
    version_one = page.locator("#version-1")
    # The assessed version is open already; the others are one click away.
    assert version_one.get_by_text("First text.").is_visible()
    with page.expect_download() as download:
        version_one.get_by_role("link", name="Download photo.png of version 1").click()
    assert download.value.suggested_filename == "photo.png"
    axe_check(page)
    screenshot(page, "evidence-versions-eqa")

    EvidenceItem.objects.filter(pk=item.pk).update(
        retention_flagged_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    page.context.clear_cookies()
    login(page, people.admin)
    page.goto("/centre/data-protection/evidence-retention/")
    page.get_by_role("button", name="Keep E1").wait_for()
    axe_check(page)
    screenshot(page, "evidence-retention-review")

    # An EQA samples the unit since: the item is held, with the reason, and no dispose form.
    sampled_visit(people)
    page.reload()
    held = page.locator("main li").filter(has_text="E1")
    expect(held).to_contain_text("Held for the external quality assurer: In the sample of")
    expect(held.get_by_role("button", name=re.compile("^Dispose"))).to_have_count(0)
    axe_check(page)
    screenshot(page, "evidence-retention-held")
