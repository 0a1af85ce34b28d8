"""Building and tampering with packages in tests."""

from __future__ import annotations

import io
import json
import zipfile

from portal.accounts.models import User
from portal.portfolio.services import export_package_now


def build(learner: User) -> bytes:
    """The learner's package as the command makes it (a PACKAGE export run at once)."""
    export = export_package_now(learner=learner)
    with export.result.open("rb") as handle:
        return handle.read()


def members(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def manifest_of(package: bytes) -> dict:
    return json.loads(members(package)["manifest.json"])
