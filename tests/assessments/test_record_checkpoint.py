"""verify_record from a checkpoint: only what was appended since is walked, the checkpoint
cannot be forged or moved by someone holding only the database, and a change behind it is
still found, by the rolling re-check within a bounded number of runs or at once by --full."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from assessments.models import RecordCheckpoint, RecordEntry
from assessments.record import verify_centre, verify_centre_since_checkpoint
from assessments.services import record_append

pytestmark = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the trigger blocks the attacker's raw UPDATE"
)


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


def _edit_payload(entry: RecordEntry) -> None:
    """A raw edit behind the application's back (the hash is not recomputed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assessments_recordentry SET payload = %s WHERE id = %s",
            ['{"criterion": "P1", "met": false}', entry.pk],
        )


def test_first_run_stores_a_signed_checkpoint_at_the_head(people, capsys) -> None:
    entries = _append(people, 3)
    call_command("verify_record", sweep=0)
    checkpoint = RecordCheckpoint.objects.get(centre=people.centre)
    assert (checkpoint.sequence, checkpoint.entry_hash) == (3, entries[-1].entry_hash)
    assert checkpoint.signed_from == 1
    assert checkpoint.unsigned == 0
    assert "3 entries, chain intact" in capsys.readouterr().out


def test_next_run_walks_only_what_was_appended_since(people, capsys) -> None:
    _append(people, 3)
    call_command("verify_record", sweep=0)
    _append(people, 2)
    report = verify_centre_since_checkpoint(people.centre.pk)
    assert report.first_break is None
    assert (report.entries, report.resumed_from) == (5, 3)
    assert report.checked == 3  # the checkpoint's own entry and the two new ones
    assert report.head_hash == verify_centre(people.centre.pk).head_hash
    call_command("verify_record", sweep=0)
    assert "checked 3 from the checkpoint at #3" in capsys.readouterr().out
    assert RecordCheckpoint.objects.get(centre=people.centre).sequence == 5


def test_a_break_after_the_checkpoint_is_named_and_the_checkpoint_stays(people, capsys) -> None:
    _append(people, 2)
    call_command("verify_record", sweep=0)
    later = _append(people, 2)
    _edit_payload(later[0])
    with pytest.raises(CommandError, match="broken or forged"):
        call_command("verify_record", sweep=0)
    assert "entry #3" in capsys.readouterr().err
    assert RecordCheckpoint.objects.get(centre=people.centre).sequence == 2


def test_the_checkpoint_entry_itself_is_rechecked(people, capsys) -> None:
    entries = _append(people, 3)
    call_command("verify_record", sweep=0)
    _edit_payload(entries[-1])
    with pytest.raises(CommandError):
        call_command("verify_record", sweep=0)
    assert "entry #3" in capsys.readouterr().err


def test_a_forged_checkpoint_is_reported(people, capsys) -> None:
    entries = _append(people, 4)
    call_command("verify_record", sweep=0)
    _edit_payload(entries[1])
    # Someone holding the database, without the key, points the checkpoint elsewhere.
    RecordCheckpoint.objects.filter(centre=people.centre).update(
        sequence=1, entry_hash=entries[0].entry_hash
    )
    with pytest.raises(CommandError):
        call_command("verify_record", sweep=0)
    assert "the verification checkpoint is not genuine" in capsys.readouterr().err


def test_a_change_behind_the_checkpoint_is_found_by_the_rolling_recheck(people, capsys) -> None:
    entries = _append(people, 6)
    call_command("verify_record", sweep=0)
    _edit_payload(entries[4])  # #5, behind the checkpoint at #6
    call_command("verify_record", sweep=2)  # re-checks #1..#2
    assert "re-checked #1..#2" in capsys.readouterr().out
    call_command("verify_record", sweep=2)  # #3..#4
    assert RecordCheckpoint.objects.get(centre=people.centre).swept_to == 4
    with pytest.raises(CommandError):
        call_command("verify_record", sweep=2)  # #5..#6: found
    assert "entry #5" in capsys.readouterr().err


def test_the_rolling_recheck_starts_again_after_reaching_the_checkpoint(people, capsys) -> None:
    _append(people, 3)
    call_command("verify_record", sweep=0)
    call_command("verify_record", sweep=2)
    call_command("verify_record", sweep=2)
    assert RecordCheckpoint.objects.get(centre=people.centre).swept_to == 3
    call_command("verify_record", sweep=2)
    assert "re-checked #1..#2" in capsys.readouterr().out


def test_full_finds_a_change_behind_the_checkpoint_at_once(people, capsys) -> None:
    entries = _append(people, 5)
    call_command("verify_record", sweep=0)
    _edit_payload(entries[1])
    call_command("verify_record", sweep=0)  # the incremental check does not look there
    with pytest.raises(CommandError):
        call_command("verify_record", full=True)
    assert "entry #2" in capsys.readouterr().err


def test_a_deleted_checkpoint_entry_reads_as_truncation(people, capsys) -> None:
    entries = _append(people, 3)
    call_command("verify_record", sweep=0)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM assessments_recordentry WHERE id = %s", [entries[-1].pk])
    with pytest.raises(CommandError):
        call_command("verify_record", sweep=0)
    assert "the checkpoint) is missing" in capsys.readouterr().err


def test_unsigned_entries_before_signing_are_carried_over(people, settings) -> None:
    entries = _append(people, 2)
    with connection.cursor() as cursor:  # as if written before signing began
        cursor.execute(
            "UPDATE assessments_recordentry SET mac = '', mac_key_id = '' WHERE id = %s",
            [entries[0].pk],
        )
    call_command("verify_record", sweep=0)
    _append(people, 1)
    report = verify_centre_since_checkpoint(people.centre.pk, sweep=10)
    assert report.first_break is None
    assert (report.unsigned, report.signed_from) == (1, 2)


def test_bad_options_are_refused(people) -> None:
    with pytest.raises(CommandError, match="--jobs"):
        call_command("verify_record", jobs=0)
