"""A centre admin exports a cohort, watches the progress bar and downloads the ZIP; a learner
on a phone downloads their portable package (to move centre).

Tests run tasks with the ImmediateBackend, so the export is finished by the time the page
loads; to watch the bar move, the test then sets the export back to running and lets htmx's
polling bring the download link back.
"""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from portal.portfolio.models import PortfolioExport
from portal.transfer.verify import package_check
from tests.factories import EnrolmentFactory
from tests.portfolio.builders import add_evidence

pytestmark = pytest.mark.browser

# The tests' ImmediateBackend renders the PDFs inside the request that queues them, so the
# click that starts an export waits for work a worker would do: on a loaded 2-core runner
# that outlasts the default 15 s.
EXPORT_CLICK_MS = 90_000


def test_admin_exports_a_cohort(page, people, login, axe_check, screenshot, tmp_path) -> None:
    add_evidence(people.enrolment, items=2, images=1)
    EnrolmentFactory(learner=people.other_learner, centre=people.centre, assessor=people.assessor)
    login(page, people.admin)
    page.goto(f"/centre/people/{people.learner.pk}/")
    assert page.get_by_role("button", name="Export portfolio (PDF)").is_visible()
    page.goto("/portfolio/")
    axe_check(page)
    page.get_by_role("link", name="Export a cohort").click()
    axe_check(page)
    page.get_by_label("The learners I select").check()
    page.get_by_label("Alice Learner").check()
    page.get_by_label("Amir Learner").check()
    page.get_by_role("button", name="Start export").click(timeout=EXPORT_CLICK_MS)

    expect(page.get_by_role("heading", level=1)).to_have_text("2 selected learners")
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("aria-valuenow", "100")
    link = page.get_by_role("link", name="Download")
    expect(link).to_have_text(re.compile(r"\.zip$"))
    axe_check(page)
    screenshot(page, "portfolio-export-done")

    with page.expect_download() as info:
        link.click()
    target = tmp_path / "cohort.zip"
    info.value.save_as(target)
    with zipfile.ZipFile(target) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        pdfs = [f["path"] for f in manifest["files"] if f["path"].endswith(".pdf")]
    assert len(pdfs) == 2

    # Watch the bar: back to running at 1 of 2, then done again while the page polls.
    export = PortfolioExport.objects.get()
    PortfolioExport.objects.filter(pk=export.pk).update(
        status=PortfolioExport.Status.RUNNING, progress_done=1
    )
    page.reload()
    # The page polls while the export runs: read the bar through waiting assertions.
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "50")
    expect(page.locator("#export-status")).to_contain_text("1 of 2 portfolios done")
    axe_check(page)
    screenshot(page, "portfolio-export-running")
    PortfolioExport.objects.filter(pk=export.pk).update(
        status=PortfolioExport.Status.DONE, progress_done=2
    )
    page.get_by_role("link", name="Download").wait_for(timeout=6000)
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    axe_check(page)


def test_learner_downloads_their_portable_package(
    phone_page, people, login, axe_check, screenshot, tmp_path, settings
) -> None:
    """On a phone, a learner moving centre asks for their package and downloads it."""
    settings.TRANSFER_SIGNING_KEY_FILE = str(tmp_path / "dev-transfer-signing-key.pem")
    add_evidence(people.enrolment, items=1, images=1)
    page = phone_page
    login(page, people.learner)
    page.goto("/portfolio/")
    axe_check(page)
    screenshot(page, "portfolio-exports-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Portable package (to move centre) of Alice Learner").click(
        timeout=EXPORT_CLICK_MS
    )

    expect(page.get_by_role("heading", level=1)).to_have_text("Portable package of Alice Learner")
    expect(page.locator("main")).to_contain_text("/transfer/key/")
    link = page.get_by_role("link", name="Download")
    expect(link).to_have_text(re.compile(r"^Download portfolio-package-alice-"))
    axe_check(page)
    screenshot(page, "portfolio-package-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    with page.expect_download() as info:
        link.click()
    target = tmp_path / "package.zip"
    info.value.save_as(target)
    with target.open("rb") as handle:
        checked = package_check(handle, size=target.stat().st_size)
    assert checked.manifest["learner"]["username"] == "alice"
