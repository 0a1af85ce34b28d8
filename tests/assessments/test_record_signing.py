"""The record's MACs and anchors: a database-level attacker who edits an entry and
recomputes every later hash, or deletes the newest entries, is caught by verify_record."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from assessments import signing
from assessments.models import RecordEntry
from assessments.record import verify_centre
from assessments.services import record_append

pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the trigger blocks the attacker's raw UPDATE"
)


@pytest.fixture
def anchor_log(settings, tmp_path):
    settings.RECORD_ANCHOR_PATH = tmp_path / "anchors.log"
    return settings.RECORD_ANCHOR_PATH


def _append(people, n: int) -> list[RecordEntry]:
    return [
        record_append(
            enrolment=people.enrolment,
            actor=people.assessor,
            action=RecordEntry.Action.JUDGEMENT,
            payload={"criterion": "P1", "met": True, "n": i},
        )
        for i in range(n)
    ]


def _rewrite(entries: list[RecordEntry], *, mac_too: bool = False) -> None:
    """What someone with write access to the database but not the key can do: store each
    given entry as it now stands, recomputing its hash and every later prev_hash/hash."""
    prev = None
    with connection.cursor() as cursor:
        for entry in entries:
            if prev is not None:
                entry.prev_hash = prev
            entry.entry_hash = entry.compute_hash()
            prev = entry.entry_hash
            cursor.execute(
                "UPDATE assessments_recordentry SET payload = %s, prev_hash = %s, "
                "entry_hash = %s, mac = %s, mac_key_id = %s WHERE id = %s",
                [
                    json.dumps(entry.payload),
                    entry.prev_hash,
                    entry.entry_hash,
                    entry.mac,
                    entry.mac_key_id,
                    entry.pk,
                ],
            )


def test_entries_are_signed_with_the_current_key(people) -> None:
    (entry,) = _append(people, 1)
    stored = RecordEntry.objects.get(pk=entry.pk)
    assert stored.mac_key_id == "test-2"
    assert stored.mac == signing.mac_for(stored.entry_hash, "test-2")
    assert signing.mac_problem(stored.entry_hash, stored.mac_key_id, stored.mac) is None


def test_a_recomputed_chain_is_reported_forged_at_the_first_changed_entry(people, capsys) -> None:
    entries = _append(people, 5)
    entries[1].payload = {"criterion": "P1", "met": False, "n": 1}
    _rewrite(entries[1:])
    # Every hash and prev_hash is consistent again: only the MAC betrays the edit.
    for entry in RecordEntry.objects.filter(pk__in=[e.pk for e in entries]):
        assert entry.compute_hash() == entry.entry_hash
    report = verify_centre(people.centre.pk)
    assert report.first_break is not None
    assert report.first_break.sequence == 2
    assert report.first_break.reason.startswith("forged: its MAC does not match")
    with pytest.raises(CommandError, match="broken or forged"):
        call_command("verify_record")
    err = capsys.readouterr().err
    assert f"entry #2 (id {entries[1].pk}): forged" in err


def test_stripping_the_macs_after_signing_began_is_forged(people) -> None:
    entries = _append(people, 3)
    entries[2].payload = {"criterion": "P1", "met": False}
    entries[2].mac = entries[2].mac_key_id = ""
    _rewrite(entries[2:])
    report = verify_centre(people.centre.pk)
    assert report.first_break.sequence == 3
    assert report.first_break.reason == ("forged: it is unsigned, but signing began at entry #1")


def test_entries_from_before_signing_are_reported_unsigned_not_forged(people, capsys) -> None:
    old = _append(people, 2)
    with connection.cursor() as cursor:  # as rows written before migration 0008 stand
        cursor.execute(
            "UPDATE assessments_recordentry SET mac = '', mac_key_id = '' WHERE id IN (%s, %s)",
            [old[0].pk, old[1].pk],
        )
    _append(people, 1)
    report = verify_centre(people.centre.pk)
    assert report.first_break is None
    assert (report.entries, report.unsigned) == (3, 2)
    call_command("verify_record", centre=people.centre.pk)
    out = capsys.readouterr().out
    assert "3 entries, 2 unsigned (written before signing began), chain intact" in out


def test_rotated_keys_still_verify_and_an_unknown_key_is_forged(people, settings) -> None:
    settings.RECORD_MAC_KEY_ID = "test-1"
    _append(people, 2)
    settings.RECORD_MAC_KEY_ID = "test-2"  # rotated: test-1 is kept in RECORD_MAC_KEYS
    _append(people, 1)
    key_ids = list(
        RecordEntry.objects.filter(centre=people.centre).values_list("mac_key_id", flat=True)
    )
    assert key_ids == ["test-1", "test-1", "test-2"]
    assert verify_centre(people.centre.pk).first_break is None
    settings.RECORD_MAC_KEYS = {"test-2": settings.RECORD_MAC_KEYS["test-2"]}
    report = verify_centre(people.centre.pk)
    assert report.first_break.sequence == 1
    assert "signed with an unknown key 'test-1'" in report.first_break.reason


def test_production_without_a_record_key_fails_loudly(monkeypatch) -> None:
    import portal.settings as portal_settings

    monkeypatch.setattr(portal_settings, "DEBUG", False)
    monkeypatch.delenv("RECORD_MAC_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="RECORD_MAC_KEY must be set"):
        portal_settings._record_mac_keys()
    monkeypatch.setenv("RECORD_MAC_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 32 characters"):
        portal_settings._record_mac_keys()
    monkeypatch.setenv("RECORD_MAC_KEY", "n" * 40)
    monkeypatch.setenv("RECORD_MAC_KEY_ID", "2026-11")
    monkeypatch.setenv("RECORD_MAC_KEYS", "2026-01=" + "o" * 40)
    assert portal_settings._record_mac_keys() == (
        "2026-11",
        {"2026-01": "o" * 40, "2026-11": "n" * 40},
    )
    monkeypatch.setenv("RECORD_MAC_KEYS", "2026-01:" + "o" * 40)
    with pytest.raises(ImproperlyConfigured, match="id=secret pairs"):
        portal_settings._record_mac_keys()


def test_anchor_then_truncation_is_detected(people, anchor_log, capsys) -> None:
    entries = _append(people, 4)
    call_command("anchor_record")
    (line,) = anchor_log.read_text().splitlines()
    anchored = json.loads(line)
    assert (anchored["centre"], anchored["sequence"]) == (people.centre.pk, 4)
    assert anchored["entry_hash"] == entries[-1].entry_hash
    assert anchored["entry_mac"] == entries[-1].mac
    call_command("verify_record")
    assert "anchored head #4" in capsys.readouterr().out
    with connection.cursor() as cursor:  # the newest two entries deleted: a valid chain of 2
        cursor.execute(
            "DELETE FROM assessments_recordentry WHERE id IN (%s, %s)",
            [entries[2].pk, entries[3].pk],
        )
    assert verify_centre(people.centre.pk).first_break is None
    with pytest.raises(CommandError, match="broken or forged"):
        call_command("verify_record")
    err = capsys.readouterr().err
    assert f"Centre {people.centre.pk}: anchored entry #4: truncated" in err
    assert "the record now ends at #2" in err


def test_anchor_detects_a_rewritten_head_and_a_forged_anchor_line(
    people, anchor_log, capsys
) -> None:
    _append(people, 2)
    call_command("anchor_record")
    call_command("anchor_record")
    assert len(anchor_log.read_text().splitlines()) == 2  # appended, not replaced
    forged = json.loads(anchor_log.read_text().splitlines()[-1])
    forged["sequence"] = 1
    with anchor_log.open("a") as handle:
        handle.write(json.dumps(forged) + "\nnot json\n")
    with pytest.raises(CommandError):
        call_command("verify_record")
    err = capsys.readouterr().err
    assert "line 3: its MAC does not match" in err
    assert "line 4 is not an anchor" in err


def test_anchor_mails_the_lines_and_skips_a_broken_centre(people, anchor_log, settings) -> None:
    settings.ANCHOR_EMAIL = ["eqa-anchors@example.org"]
    entries = _append(people, 2)
    record_append(
        enrolment=people.outsider_enrolment,
        actor=people.outsider_admin,
        action=RecordEntry.Action.REOPENED,
        payload={},
    )
    entries[0].payload = {"met": False}
    _rewrite(entries)
    with pytest.raises(CommandError, match="broken in 1 centre"):
        call_command("anchor_record")
    (line,) = anchor_log.read_text().splitlines()
    assert json.loads(line)["centre"] == people.outsider_enrolment.centre_id
    (message,) = mail.outbox
    assert message.to == ["eqa-anchors@example.org"]
    assert line in message.body
