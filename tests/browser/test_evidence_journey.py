"""A learner adds evidence, drops two files on the drop zone, maps it, submits it, sees it listed.

The drop is a real ``drop`` event dispatched on the drop zone with a ``DataTransfer`` built in
the page holding two ``File`` objects: the same path a user's drag takes through upload.js
(not ``set_input_files``). Each file then goes up in its own XHR with its own progress bar.
"""

from __future__ import annotations

import base64

import pytest
from playwright.sync_api import expect

from tests.evidence.helpers import png_bytes

pytestmark = pytest.mark.browser

DROP = """([pngB64]) => {
  const bytes = Uint8Array.from(atob(pngB64), (c) => c.charCodeAt(0));
  const data = new DataTransfer();
  data.items.add(new File([bytes], "ward-photo.png", {type: "image/png"}));
  data.items.add(new File(["Handover notes\\n\\nAll residents settled."], "handover.txt",
                          {type: "text/plain"}));
  const zone = document.querySelector("[data-drop-zone]");
  for (const type of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
  }
}"""


def _journey(page, people, login, axe_check, screenshot, name: str) -> None:
    login(page, people.learner)
    page.get_by_role("link", name="Add evidence").first.click()
    axe_check(page)
    page.get_by_label("Title").fill("Morning handover")
    page.get_by_label("Date").fill("2026-10-01")
    page.get_by_label("Type of evidence").select_option(label="Product or work document")
    page.get_by_label("Description or reflective account").fill("I led the handover.")
    page.get_by_role("button", name="Save draft and add files").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E1 Morning handover")

    # The drop zone is wired by upload.js at the end of the page; on a loaded machine the
    # heading can be read before that script has run.
    page.locator("form[data-upload-ready]").wait_for(state="attached")
    page.evaluate(DROP, [base64.b64encode(png_bytes((200, 150))).decode()])
    progress = page.locator("[data-progress-list] li")
    page.wait_for_function(
        "document.querySelectorAll("
        "'[data-progress-list] .upload-done, [data-progress-list] .upload-failed').length === 2",
        timeout=60_000,
    )
    progress.filter(has_text="ward-photo.png uploaded and checked").wait_for()
    progress.filter(has_text="handover.txt uploaded and checked").wait_for()
    expect(page.locator("[role=progressbar][aria-valuenow='100']")).to_have_count(2)
    files = page.locator("#file-list")
    expect(files).to_contain_text("ward-photo.png")
    expect(files).to_contain_text("handover.txt")
    axe_check(page)
    screenshot(page, f"evidence-detail-{name}")

    page.get_by_role("link", name="Choose the criteria it covers").click()
    page.get_by_label("P1 do the first thing").check()
    axe_check(page)
    screenshot(page, f"evidence-mapping-{name}")
    page.get_by_role("button", name="Save mapping").click()
    expect(page.locator("#messages")).to_contain_text("mapped to 1 criterion")

    page.get_by_role("link", name="Submit E1 for assessment").click()
    page.get_by_label("I declare that this evidence is my own work").check()
    page.get_by_label("Your full name").fill(people.learner.full_name)
    axe_check(page)
    page.get_by_role("button", name="Sign and submit").click()
    expect(page.locator("#messages")).to_contain_text("submitted for assessment")
    expect(page.get_by_role("link", name="Edit details")).to_have_count(0)

    page.goto("/evidence/")
    listed = page.locator(".evidence-list li").first
    assert "E1 Morning handover" in listed.inner_text()
    assert "Submitted" in listed.inner_text()
    assert listed.locator("img").count() == 1  # the photo's thumbnail
    axe_check(page)
    screenshot(page, f"evidence-list-{name}")


def test_learner_captures_and_submits_evidence(page, people, login, axe_check, screenshot):
    _journey(page, people, login, axe_check, screenshot, "1280")


def test_learner_does_it_on_a_phone(phone_page, people, login, axe_check, screenshot):
    _journey(phone_page, people, login, axe_check, screenshot, "360")


def test_refused_file_says_so_in_the_page(page, people, login) -> None:
    from tests.evidence.helpers import make_item

    item = make_item(people.enrolment)
    login(page, people.learner)
    page.goto(f"/evidence/{item.pk}/")
    page.locator("form[data-upload-ready]").wait_for(state="attached")
    page.locator("#id_file").set_input_files(
        files=[{"name": "invoice.pdf", "mimeType": "application/pdf", "buffer": b"MZ" + b"\0" * 99}]
    )
    alert = page.locator("[data-progress-list] [role=alert]")
    expect(alert).to_contain_text("an executable (application/x-msdownload)")
    expect(alert).to_contain_text("Nothing of it was saved")
    expect(page.locator("#file-list")).to_contain_text("No files yet.")
