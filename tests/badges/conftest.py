import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def write_key(path) -> str:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_bytes(pem)
    return str(path)


@pytest.fixture(autouse=True)
def signing_key(settings, tmp_path) -> str:
    """Each test signs with its own key, kept outside the database like production's."""
    settings.BADGE_SIGNING_KEY_FILE = write_key(tmp_path / "badge-key.pem")
    settings.BADGE_RETIRED_KEY_FILES = []
    return settings.BADGE_SIGNING_KEY_FILE
