"""First-page previews in a real browser: a learner uploads a PDF, a Word document and a damaged
PDF through the evidence page; the worker (run at once in tests) renders the previews; the
assessor sees each first page as an image that loaded, with its alt text, or the reason in
words, on a review page that passes axe. Screenshots: test-artifacts/screenshots/preview-*.png.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from evidence.models import EvidenceItem
from tests.evidence.helpers import make_item, one_page_pdf, word_docx

pytestmark = pytest.mark.browser


def test_assessor_sees_first_page_previews(
    page, people, login, axe_check, screenshot, tmp_path
) -> None:
    item = make_item(people.enrolment, title="Supervision records")
    files = {
        "care-plan-review.pdf": one_page_pdf("Care plan review, Ward 3"),
        "supervision-notes.docx": word_docx("Supervision notes: 23 November 2026"),
        "scanned-form.pdf": one_page_pdf("Cut short")[:300],
    }
    paths = []
    for name, content in files.items():
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(str(path))

    login(page, people.learner)
    page.goto(reverse("evidence:detail", args=[item.pk]))
    page.get_by_label("Choose files").set_input_files(paths)
    # Each file goes up in its own request; the test settings run the preview task at once.
    page.wait_for_function(
        "document.querySelectorAll('#file-list .evidence-file').length === 3", timeout=120_000
    )
    page.reload()
    learner_preview = page.get_by_alt_text("First page of care-plan-review.pdf")
    learner_preview.wait_for()
    axe_check(page)
    screenshot(page, "preview-learner-evidence")

    EvidenceItem.objects.filter(pk=item.pk).update(
        status=EvidenceItem.Status.SUBMITTED, submitted_at=item.created_at
    )
    page.context.clear_cookies()
    login(page, people.assessor)
    page.goto(reverse("review:review", args=[item.pk]))
    for name in ("care-plan-review.pdf", "supervision-notes.docx"):
        image = page.get_by_alt_text(f"First page of {name}")
        image.scroll_into_view_if_needed()
        # The preview is lazy-loaded: wait for the browser to fetch and decode it, not just
        # for the element.
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0",
            arg=image.element_handle(),
            timeout=30_000,
        )
    assert page.get_by_text("No preview: The document could not be read").count() == 1
    axe_check(page)
    screenshot(page, "preview-review-page")
