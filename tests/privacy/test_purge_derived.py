from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.core.management import call_command

from evidence.models import EvidenceFile, private_storage
from portal.portfolio.render import IMAGE_CACHE
from portal.privacy.derived import THUMBNAILS
from tests.evidence.helpers import image_file


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("purge_derived", "--grace-minutes", "0", *args, stdout=out)
    return out.getvalue()


def test_purge_removes_copies_whose_source_is_gone(people) -> None:
    storage = private_storage()
    live = image_file(people.enrolment)
    assert live.thumbnail
    live_cache = storage.save(f"{IMAGE_CACHE}/{live.sha256}.jpg", ContentFile(b"j"))
    orphan_thumb = storage.save(f"{THUMBNAILS}/orphan.jpg", ContentFile(b"j"))
    orphan_cache = storage.save(f"{IMAGE_CACHE}/{'a' * 64}.jpg", ContentFile(b"j"))
    gone = image_file(people.enrolment)
    storage.delete(gone.file.name)  # the source vanished; its thumbnail is left behind

    listed = _run("--dry-run")
    assert f"Would remove {orphan_thumb}" in listed
    assert f"Would remove {orphan_cache}" in listed
    assert storage.exists(orphan_thumb) and storage.exists(gone.thumbnail.name)

    report = _run()  # the shared test storage may hold other tests' leftovers too
    for name in (orphan_thumb, orphan_cache, gone.thumbnail.name):
        assert f"Removed {name}" in report
    for name in (orphan_thumb, orphan_cache, gone.thumbnail.name):
        assert not storage.exists(name), name
    for name in (live.file.name, live.thumbnail.name, live_cache):
        assert storage.exists(name), name
    assert not EvidenceFile.objects.get(pk=gone.pk).thumbnail
    assert "Removed 0 thumbnail(s) and 0 cached image(s)" in _run()


def test_young_copies_are_left_for_the_next_run(people) -> None:
    storage = private_storage()
    young = storage.save(f"{THUMBNAILS}/being-uploaded.jpg", ContentFile(b"j"))
    out = io.StringIO()
    call_command("purge_derived", stdout=out)  # default grace: an hour
    assert young not in out.getvalue()
    assert storage.exists(young)
