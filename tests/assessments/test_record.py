from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from assessments.models import GENESIS_HASH, AppendOnlyError, RecordEntry
from assessments.record import verify_centre
from assessments.services import record_append


def _append(people, n: int = 1) -> list[RecordEntry]:
    return [
        record_append(
            enrolment=people.enrolment,
            actor=people.assessor,
            action=RecordEntry.Action.JUDGEMENT,
            payload={"criterion": "P1", "met": True, "n": i, "note": "Ünïcode ✓"},
            file_hashes=["b" * 64, "a" * 64, "a" * 64],
        )
        for i in range(n)
    ]


def test_entries_chain_per_centre(people) -> None:
    first, second = _append(people, 2)
    other = record_append(
        enrolment=people.outsider_enrolment,
        actor=people.outsider_admin,
        action=RecordEntry.Action.REOPENED,
        payload={},
    )
    assert (first.sequence, second.sequence, other.sequence) == (1, 2, 1)
    assert first.prev_hash == GENESIS_HASH == other.prev_hash
    assert second.prev_hash == first.entry_hash
    assert first.file_hashes == ["a" * 64, "b" * 64]
    assert first.actor_name == "Bob Assessor"
    report = verify_centre(people.centre.pk)
    assert report.entries == 2 and report.first_break is None
    assert report.head_hash == second.entry_hash


def test_hash_survives_a_round_trip_through_the_database(people) -> None:
    (entry,) = _append(people)
    stored = RecordEntry.objects.get(pk=entry.pk)
    assert stored.compute_hash() == entry.entry_hash


def test_application_refuses_changes(people) -> None:
    (entry,) = _append(people)
    entry.payload = {"met": False}
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        RecordEntry.objects.filter(pk=entry.pk).update(action="reopened")
    with pytest.raises(AppendOnlyError):
        RecordEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        RecordEntry.objects.bulk_create([entry])


def test_admin_is_read_only(people) -> None:
    from django.contrib import admin

    model_admin = admin.site._registry[RecordEntry]
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_delete_permission(None)


def test_verify_command_passes_on_intact_chain(people, capsys) -> None:
    _append(people, 3)
    call_command("verify_record", centre=people.centre.pk)
    assert "3 entries, chain intact" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the trigger blocks the UPDATE")
def test_verify_names_a_row_edited_behind_the_applications_back(people, capsys) -> None:
    entries = _append(people, 3)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assessments_recordentry SET payload = %s WHERE id = %s",
            ['{"criterion": "P1", "met": false}', entries[1].pk],
        )
    with pytest.raises(CommandError):
        call_command("verify_record")
    err = capsys.readouterr().err
    assert f"entry #2 (id {entries[1].pk})" in err
    assert "edited after it was written" in err


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the trigger blocks the DELETE")
def test_verify_names_the_gap_left_by_a_deleted_row(people) -> None:
    entries = _append(people, 3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM assessments_recordentry WHERE id = %s", [entries[0].pk])
    report = verify_centre(people.centre.pk)
    assert report.first_break is not None
    assert report.first_break.sequence == 2
    assert "missing" in report.first_break.reason


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")
def test_postgresql_trigger_blocks_raw_update_and_delete(people) -> None:
    (entry,) = _append(people)
    for sql in (
        "UPDATE assessments_recordentry SET action = 'reopened' WHERE id = %s",
        "DELETE FROM assessments_recordentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert verify_centre(people.centre.pk).first_break is None
