"""Staff records made through the real services."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from portal.staff import services
from portal.staff.models import Qualification


def png_upload(name: str = "certificate.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def qualification(
    person: object,
    *,
    kind: str = Qualification.Kind.ASSESSING,
    title: str = "Assessor award",
    expires_on: datetime.date | None = None,
    achieved_on: datetime.date = datetime.date(2020, 1, 10),
    certificate: SimpleUploadedFile | None = None,
) -> Qualification:
    return services.qualification_save(
        person=person,
        fields={
            "kind": kind,
            "title": title,
            "awarding_body": "City & Guilds",
            "achieved_on": achieved_on,
            "expires_on": expires_on,
        },
        certificate=certificate,
    )
