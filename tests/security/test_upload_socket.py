"""An over-limit upload over a real socket (the live server): the client, still sending its
body, receives the 413 and its message; the connection is not reset under it."""

from __future__ import annotations

import json
import socket
import sys
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client

from evidence.models import EvidenceFile
from tests.evidence.helpers import make_item

pytestmark = pytest.mark.django_db(transaction=True)


def _cookies(live_server, people, item) -> tuple[str, str]:
    client = Client()
    client.force_login(people.learner)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    client.get(f"/evidence/{item.pk}/")
    return session, client.cookies["csrftoken"].value


def test_an_over_limit_upload_gets_its_413_message_over_a_socket(
    live_server, people, settings
) -> None:
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100_000
    item = make_item(people.enrolment)
    session, csrf = _cookies(live_server, people, item)
    boundary = "socketboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        'filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n'
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    body_size = 3 * 1024 * 1024
    content = b"a" * (body_size - len(head) - len(tail))
    host, port = urlsplit(live_server.url).hostname, urlsplit(live_server.url).port
    request = (
        f"POST /evidence/{item.pk}/files/ HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {body_size}\r\nX-Requested-With: XMLHttpRequest\r\n"
        f"X-CSRFToken: {csrf}\r\nReferer: {live_server.url}/\r\n"
        f"Cookie: {django_settings.SESSION_COOKIE_NAME}={session}; csrftoken={csrf}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(request + head)
        for start in range(0, len(content), 64 * 1024):
            sock.sendall(content[start : start + 64 * 1024])  # no reset while sending
        sock.sendall(tail)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    status_line, _, rest = reply.partition(b"\r\n")
    assert b" 413 " in status_line
    payload = json.loads(rest.split(b"\r\n\r\n", 1)[1])
    assert payload["errors"] == [
        "This file is larger than the limit of 97.7\xa0KB; nothing was saved."
    ]
    assert not EvidenceFile.objects.exists()


class CountingInput:
    """A WSGI input that remembers how much of the body the application read."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size is None or size < 0 else self.position + size
        chunk = self.data[self.position : end]
        self.position += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        end = self.data.find(b"\n", self.position) + 1 or len(self.data)
        if size is not None and size >= 0:
            end = min(end, self.position + size)
        chunk = self.data[self.position : end]
        self.position += len(chunk)
        return chunk


@pytest.mark.django_db(transaction=False)
def test_the_whole_over_limit_body_is_drained_so_no_server_resets_the_connection(
    people, settings
) -> None:
    """Gunicorn and most servers reset a connection whose body the application left unread;
    the size guard stops storing but lets Django read the rest, so the 413 arrives."""
    from django.core import signals
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import close_old_connections

    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100_000
    item = make_item(people.enrolment)
    client = Client()
    client.force_login(people.learner)
    client.get(f"/evidence/{item.pk}/")
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    csrf = client.cookies["csrftoken"].value
    boundary = "drainboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        + b"a" * 2_000_000
        + f"\r\n--{boundary}--\r\n".encode()
    )
    stream = CountingInput(body)
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": f"/evidence/{item.pk}/files/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": stream,
        "wsgi.errors": sys.stderr,
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_REQUESTED_WITH": "XMLHttpRequest",
        "HTTP_X_CSRFTOKEN": csrf,
        "HTTP_COOKIE": f"{django_settings.SESSION_COOKIE_NAME}={session}; csrftoken={csrf}",
    }
    statuses: list[str] = []
    # As Django's test client does: the handler's request signals would otherwise close the
    # test's own database connection (inside the test transaction, on PostgreSQL).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        chunks = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
        payload = json.loads(b"".join(chunks))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    assert statuses == ["413 Request Entity Too Large"]
    assert payload["errors"][0].startswith("This file is larger than the limit")
    assert stream.position == len(body)
    assert not EvidenceFile.objects.exists()
