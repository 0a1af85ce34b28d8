from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests.permissions
from tests.permissions.matrix import ROLES, Case

SKIPPED_NAMESPACES = {"admin"}  # Django's own admin guards itself (staff only).


def _all_cases() -> list[Case]:
    cases: list[Case] = []
    for module in pkgutil.iter_modules(tests.permissions.__path__):
        if module.name.startswith("cases_"):
            cases += importlib.import_module(f"tests.permissions.{module.name}").CASES
    return cases


CASES = _all_cases()


def _routed_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _routed_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


def test_matrix_covers_every_url() -> None:
    covered = {case.url_name for case in CASES}
    missing = _routed_names() - covered
    assert not missing, f"URLs without rows in the permission matrix: {sorted(missing)}"


def test_matrix_rows_name_known_roles() -> None:
    for case in CASES:
        assert set(case.expect) <= set(ROLES), case.id


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_permission(case: Case, role: str, people) -> None:
    user = None if role == "anonymous" else getattr(people, role)
    client = people.client_for(user)
    url = reverse(case.url_name, kwargs=case.kwargs(people))
    if case.method == "get":
        response = client.get(url)
    else:
        response = getattr(client, case.method)(url, case.data(people))
    expected = case.status_for(role)
    assert response.status_code == expected, (
        f"{case.id} as {role}: expected {expected}, got {response.status_code}"
    )
