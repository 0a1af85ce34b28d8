"""Purge of derived copies: stored files made from evidence that outlive their source.

Thumbnails (``evidence/thumbnails/``) belong to one evidence file row; the portfolio's
downscaled images (``portfolio-cache/<sha256>.jpg``) and first-page previews
(``evidence/previews/<sha256>.png`` or ``.none``) to every evidence file with that hash.
A copy whose source row is gone, or whose source file is no longer in the storage, is
removed (once it is an hour old, so a copy whose row is still being written is not raced);
so are subject access ZIPs past their expiry. Listing the storage is one pass per
folder; the sets compared hold names and hashes, not file contents.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.core.files.storage import Storage
from django.utils import timezone

from evidence import previews
from evidence.models import EvidenceFile, private_storage
from portal.portfolio.render import IMAGE_CACHE
from portal.privacy.subject_access import subject_exports_prune

logger = logging.getLogger(__name__)
THUMBNAILS = "evidence/thumbnails"
# An upload stores its thumbnail a moment before its row commits: copies younger than this
# are left for the next run rather than raced.
GRACE = datetime.timedelta(hours=1)


@dataclass
class PurgeReport:
    thumbnails: list[str] = field(default_factory=list)
    cached_images: list[str] = field(default_factory=list)
    subject_exports: int = 0

    @property
    def removed(self) -> int:
        return len(self.thumbnails) + len(self.cached_images)


def _files_in(storage: Storage, folder: str, before: datetime.datetime) -> list[str]:
    try:
        _dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" for name in files]
    return [name for name in names if storage.get_modified_time(name) < before]


def derived_purge(*, dry_run: bool = False, grace: datetime.timedelta = GRACE) -> PurgeReport:
    storage = private_storage()
    before = timezone.now() - grace
    report = PurgeReport()
    live_thumbnails: set[str] = set()
    live_hashes: set[str] = set()
    orphaned_rows: list[int] = []
    for pk, name, thumbnail, digest in EvidenceFile.all_versions.values_list(
        "pk", "file", "thumbnail", "sha256"
    ).iterator():
        if storage.exists(name):
            live_hashes.add(digest)
            if thumbnail:
                live_thumbnails.add(thumbnail)
        elif thumbnail:
            orphaned_rows.append(pk)
    report.thumbnails = sorted(set(_files_in(storage, THUMBNAILS, before)) - live_thumbnails)
    report.cached_images = sorted(
        name
        for name in _files_in(storage, IMAGE_CACHE, before)
        if name.removeprefix(f"{IMAGE_CACHE}/").removesuffix(".jpg") not in live_hashes
    ) + sorted(
        name
        for name in _files_in(storage, previews.PREVIEWS, before)
        if name.removeprefix(f"{previews.PREVIEWS}/").split(".")[0] not in live_hashes
    )
    if dry_run:
        return report
    for name in [*report.thumbnails, *report.cached_images]:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not remove derived copy %s", name)
    if orphaned_rows:
        EvidenceFile.all_versions.filter(pk__in=orphaned_rows).update(thumbnail=None)
    report.subject_exports = subject_exports_prune()
    return report
