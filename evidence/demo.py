"""Demo evidence for the demo learners, made through the services like real uploads.

Idempotent: an item is identified by its enrolment and title and is made only once.
"""

from __future__ import annotations

import datetime
import io
import random
import zipfile
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFilter

from assessments.models import Enrolment
from evidence import services
from evidence.models import EvidenceItem

WITNESS = EvidenceItem.Type.WITNESS


@dataclass(frozen=True)
class DemoItem:
    title: str
    evidence_type: str
    days_ago: int
    description: str
    files: tuple[str, ...] = ()
    criteria: int = 0  # how many of the standard's first criteria the learner maps
    submit: bool = False
    witness: dict[str, str] = field(default_factory=dict)


ITEMS = [
    DemoItem(
        "Care plan review with a resident",
        EvidenceItem.Type.PRODUCT,
        40,
        "I reviewed Mrs B's care plan with her and her daughter.\n\nWe agreed changes to her "
        "morning routine, which I recorded and shared with the team.",
        files=("care-plan-review.pdf", "care-plan-photo.jpg"),
        criteria=3,
        submit=True,
    ),
    DemoItem(
        "Reflective account: supporting independence at mealtimes",
        EvidenceItem.Type.REFLECTIVE,
        25,
        "What happened: a resident wanted to eat without help after a stroke.\n\n"
        "What I did: I set up adapted cutlery and stayed nearby.\n\n"
        "What I learned: offering choice first builds confidence; I now ask before I help.",
        criteria=2,
        submit=True,
    ),
    DemoItem(
        "Witness testimony from my shift leader",
        WITNESS,
        14,
        "My shift leader watched me support a resident to move safely from bed to chair.",
        files=("shift-notes.txt",),
        criteria=2,
        submit=True,
        witness={
            "witness_name": "Priya Shah",
            "witness_role": "Senior care assistant",
            "witness_relationship": "Shift leader on my unit",
            "witness_contact": "priya.shah@example.org",
            "witness_statement": "I observed the learner explain each step, check consent and "
            "use the hoist correctly. They recorded the transfer accurately.",
        },
    ),
    DemoItem(
        "Team meeting notes on safeguarding",
        EvidenceItem.Type.DISCUSSION,
        5,
        "Notes from our team discussion about how to report a safeguarding concern.",
        files=("team-meeting-notes.docx", "whiteboard.png"),
        criteria=1,
    ),
    DemoItem(
        "Draft: medication round observation",
        EvidenceItem.Type.OBSERVATION,
        2,
        "To be completed after my assessor's visit.",
    ),
]


def _pdf(title: str, body: str) -> bytes:
    from weasyprint import HTML

    paragraphs = "".join(f"<p>{line}</p>" for line in body.split("\n\n"))
    html = (
        "<html><head><style>body{font-family:sans-serif;margin:2cm}h1{color:#1d3b63}</style>"
        f"</head><body><h1>{title}</h1>{paragraphs}<p><em>Signed: demo learner</em></p>"
        "</body></html>"
    )
    return HTML(string=html).write_pdf()


def _photo(seed: int, fmt: str) -> bytes:
    """A photo-like picture of a handwritten page on a desk."""
    rng = random.Random(seed)  # noqa: S311 - demo pictures, not security
    image = Image.new("RGB", (1200, 900), (120, 92, 70))
    draw = ImageDraw.Draw(image)
    for _ in range(400):  # wood grain
        y = rng.randrange(900)
        shade = rng.randrange(95, 140)
        draw.line([(0, y), (1200, y + rng.randrange(-20, 20))], fill=(shade, shade - 25, 55))
    draw.polygon([(220, 90), (1000, 130), (960, 840), (180, 800)], fill=(246, 244, 236))
    for row in range(14):
        y = 180 + row * 42
        draw.line([(240, y), (950, y + 8)], fill=(170, 190, 220), width=2)
        x = 250
        while x < rng.randrange(700, 920):
            width = rng.randrange(20, 70)
            draw.line([(x, y - 8), (x + width, y - 6)], fill=(30, 40, 90), width=3)
            x += width + rng.randrange(10, 22)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    out = io.BytesIO()
    image.save(out, fmt, quality=85)
    return out.getvalue()


def _docx(title: str, body: str) -> bytes:
    paragraphs = "".join(
        f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in [title, *body.split("\n\n")]
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{paragraphs}</w:body></w:document>",
        )
    return out.getvalue()


def _content(name: str, item: DemoItem, seed: int) -> bytes:
    if name.endswith(".pdf"):
        return _pdf(item.title, item.description)
    if name.endswith(".jpg"):
        return _photo(seed, "JPEG")
    if name.endswith(".png"):
        return _photo(seed, "PNG")
    if name.endswith(".docx"):
        return _docx(item.title, item.description)
    return f"{item.title}\n\n{item.description}\n".encode()


def add_demo_evidence(enrolments: list[Enrolment], today: datetime.date) -> int:
    """Give each enrolment the demo items it does not have yet; returns how many were made."""
    made = 0
    for number, enrolment in enumerate(enrolments):
        existing = set(enrolment.evidence_items.values_list("title", flat=True))
        # The second enrolment of a learner gets fewer items, so the demo shows variety.
        chosen = ITEMS if number % 2 == 0 else ITEMS[1:4]
        criteria = list(enrolment.standard.criteria.order_by("kind", "order")[:5])
        for index, spec in enumerate(chosen):
            if spec.title in existing:
                continue
            item = services.evidence_create(
                enrolment=enrolment,
                title=spec.title,
                occurred_on=today - datetime.timedelta(days=spec.days_ago),
                evidence_type=spec.evidence_type,
                description=spec.description,
                **spec.witness,
            )
            for name in spec.files:
                content = _content(name, spec, seed=enrolment.pk * 100 + index)
                services.evidence_file_add(
                    item=item, upload=io.BytesIO(content), original_name=name, size=len(content)
                )
            if spec.criteria and criteria:
                services.mapping_set_by_learner(item=item, criteria=criteria[: spec.criteria])
            if spec.submit:
                learner = enrolment.learner
                services.evidence_submit(
                    item=item, learner=learner, declaration_name=learner.full_name
                )
            made += 1
    return made
