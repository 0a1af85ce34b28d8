"""The malware-scan hook: every uploaded file is checked by the task worker before review.

``EVIDENCE_MALWARE_SCANNER`` picks the scanner: "" (none: files are marked not scanned and
may be reviewed at once), "clamd" (ClamAV's daemon, spoken to directly over its INSTREAM
protocol at ``CLAMD_ADDRESS``), or "eicar-test" (finds only the EICAR test string; for tests
and for checking a deployment's wiring without a real scanner).
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings

CHUNK_BYTES = 64 * 1024
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class ScannerUnavailable(RuntimeError):
    """The scanner could not give a verdict; the file stays "being checked" and is retried."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    found: str = ""  # the signature's name, for an infected file


def scanner_configured() -> bool:
    return bool(settings.EVIDENCE_MALWARE_SCANNER)


def scan(stream: IO[bytes]) -> Verdict:
    """Scan a readable binary stream with the configured scanner."""
    name = settings.EVIDENCE_MALWARE_SCANNER
    if name == "clamd":
        return _clamd_instream(stream)
    if name == "eicar-test":
        return _eicar_only(stream)
    raise ScannerUnavailable(f"no malware scanner is configured ({name!r})")


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK_BYTES):
        yield chunk


def _eicar_only(stream: IO[bytes]) -> Verdict:
    tail = b""
    for chunk in _chunks(stream):
        if EICAR in tail + chunk:
            return Verdict(clean=False, found="Eicar-Test-Signature")
        tail = (tail + chunk)[-len(EICAR) :]
    return Verdict(clean=True)


def _connect() -> socket.socket:
    address = settings.CLAMD_ADDRESS
    timeout = settings.CLAMD_TIMEOUT_SECONDS
    try:
        if address.startswith("unix://"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(address.removeprefix("unix://"))
            return sock
        host, _, port = address.removeprefix("tcp://").rpartition(":")
        return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)
    except (OSError, ValueError) as error:
        raise ScannerUnavailable(f"cannot reach clamd at {address}: {error}") from error


def _clamd_instream(stream: IO[bytes]) -> Verdict:
    """``zINSTREAM``: length-prefixed chunks, a zero-length chunk, then one reply line such
    as ``stream: OK`` or ``stream: Eicar-Test-Signature FOUND``."""
    with _connect() as sock:
        try:
            sock.sendall(b"zINSTREAM\0")
            for chunk in _chunks(stream):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0") and len(reply) < 4096:
                data = sock.recv(4096)
                if not data:
                    break
                reply += data
        except OSError as error:
            raise ScannerUnavailable(f"clamd stopped answering: {error}") from error
    return parse_clamd_reply(reply)


def parse_clamd_reply(reply: bytes) -> Verdict:
    text = reply.rstrip(b"\0\n").decode("utf-8", "replace")
    _, _, result = text.partition(": ")
    if result == "OK":
        return Verdict(clean=True)
    if result.endswith(" FOUND"):
        return Verdict(clean=False, found=result.removesuffix(" FOUND")[:200])
    # "INSTREAM size limit exceeded. ERROR" and the like: no verdict.
    raise ScannerUnavailable(f"clamd answered {text[:200]!r}")
