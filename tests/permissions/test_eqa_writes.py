"""The external quality assurer changes nothing: every POST of the permission matrix, as EQA."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse

from tests.permissions.test_matrix import CASES

# POSTs that change no data: signing out, checking a PDF against the record or a badge, and
# one's own two-factor log-in (the EQA's account does not use it: sent home).
HARMLESS = {
    "logout",
    "portfolio:verify",
    "badges:verify",
    "two_factor_setup",
    "two_factor_verify",
}
# Every app of ours, new ones included: their rows are compared too.
OURS = {"standards", "assessments", "evidence", "review", "quality", "portal"}
POSTS = [case for case in CASES if case.method != "get"]
# The one place an EQA writes: their own visit records (portal.visits). These POSTs may
# succeed, and then only rows of the visits app may have changed.
OWN_VISIT_RECORDS = {
    "visits:create",
    "visits:sample_suggested",
    "visits:sample_add",
    "visits:sample_remove",
    "visits:report_edit",
    "visits:action_add",
    "visits:action_remove",
    "visits:report_issue",
    "visits:report_revise",
    "visits:action_decide",
}


def _snapshot() -> dict[str, list[dict]]:
    """Every row of every model of ours: any insert, update or delete shows as a difference."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.app_config.name.split(".")[0] in OURS
    }


@pytest.mark.parametrize("case", POSTS, ids=[case.id for case in POSTS])
def test_eqa_post_changes_nothing(case, people) -> None:
    client = people.client_for(people.eqa)
    url = reverse(case.url_name, kwargs=case.kwargs(people))
    data = case.data(people)
    before = _snapshot()
    response = getattr(client, case.method)(url, data)
    if case.url_name in OWN_VISIT_RECORDS:
        after = _snapshot()
        changed = {label for label in before if after[label] != before[label]}
        # Each step of the EQA's own visit is also appended to the centre's record: new
        # entries, made by the EQA, after the old ones left exactly as they were.
        visits = {m._meta.label for m in apps.get_app_config("visits").get_models()}
        assert changed <= visits | {"assessments.RecordEntry"}, case.id
        entries_before, entries_after = (
            before["assessments.RecordEntry"],
            after["assessments.RecordEntry"],
        )
        assert entries_after[: len(entries_before)] == entries_before, case.id
        assert {e["actor_id"] for e in entries_after[len(entries_before) :]} <= {people.eqa.pk}
        return
    if case.url_name not in HARMLESS:
        assert response.status_code in (403, 404, 405), f"{case.id}: {response.status_code}"
    assert _snapshot() == before, case.id
