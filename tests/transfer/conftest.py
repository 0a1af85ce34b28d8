from __future__ import annotations

import pytest

from tests.portfolio.conftest import portfolio, standards  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def transfer_key(settings, tmp_path) -> None:
    """A signing key of this test's own, generated on first use."""
    settings.TRANSFER_SIGNING_KEY_FILE = str(tmp_path / "dev-transfer-signing-key.pem")
    settings.TRANSFER_TRUSTED_KEY_IDS = []
