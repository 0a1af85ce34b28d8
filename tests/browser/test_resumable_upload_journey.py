"""A resumable upload in a real browser: the learner's file goes up through tus-js-client with
its progress bar; the connection drops after half the file has reached the server (the
first PATCH is cut off by route interception), and the upload carries on from the server's
offset rather than starting again. The stored file is whole, with the SHA-256 of the file."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from PIL import Image
from playwright.sync_api import expect

from evidence.models import EvidenceFile
from tests.evidence.helpers import make_item

pytestmark = pytest.mark.browser


def _noisy_png() -> bytes:
    """A PNG that does not compress (random pixels): a few hundred KB to send."""
    out = io.BytesIO()
    Image.frombytes("RGB", (320, 240), os.urandom(320 * 240 * 3)).save(out, "PNG")
    return out.getvalue()


def test_upload_resumes_after_a_dropped_connection(
    page, people, login, axe_check, screenshot
) -> None:
    item = make_item(people.enrolment)
    content = _noisy_png()
    seen: list[str] = []

    def cut_the_first_patch(route, request) -> None:
        seen.append(f"{request.method} {request.headers.get('upload-offset', '')}")
        if len(seen) == 1:
            # Half of the body reaches the server, then the browser sees the connection drop.
            route.fetch(post_data=request.post_data_buffer[: len(content) // 2])
            route.abort("connectionreset")
            return
        route.continue_()

    login(page, people.learner)
    page.goto(f"/evidence/{item.pk}/")
    page.locator("form[data-upload-ready]").wait_for(state="attached")
    page.route("**/evidence/uploads/*/", cut_the_first_patch)
    page.locator("#id_file").set_input_files(
        files=[{"name": "ward-round.png", "mimeType": "image/png", "buffer": content}]
    )
    progress = page.locator("[data-progress-list] li")
    progress.filter(has_text="ward-round.png uploaded and checked").wait_for(timeout=30_000)
    expect(progress.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#file-list")).to_contain_text("ward-round.png")

    # The first PATCH was cut after half the file; the client asked where to go on (HEAD)
    # and sent only the rest.
    assert seen[0] == "PATCH 0"
    assert "HEAD " in seen[1:]
    assert f"PATCH {len(content) // 2}" in seen
    row = EvidenceFile.objects.get(item=item)
    assert row.sha256 == hashlib.sha256(content).hexdigest()
    assert row.size == len(content)
    # tus-js-client forgets the finished upload (removeFingerprintOnSuccess) around its
    # success callback: wait for the key to go rather than reading localStorage once.
    page.wait_for_function(
        "() => Object.keys(localStorage).filter(k => k.startsWith('tus::')).length === 0"
    )
    axe_check(page)
    screenshot(page, "evidence-resumable-upload")
