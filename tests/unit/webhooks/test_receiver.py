"""The test receiver itself: it must record faithfully and never hang a test run."""

import socket
import time

import pytest
import requests

from tests.helpers.receiver import WebhookReceiver, refused_url


def test_answers_in_script_order_then_the_default() -> None:
    with WebhookReceiver() as receiver:
        receiver.respond(201, {"X-Seq": "1"}, b"first")
        receiver.respond(503)
        answers = [requests.post(receiver.url, data=f"n{i}".encode(), timeout=5) for i in range(3)]
        recorded = receiver.wait_for(3)

    assert [(a.status_code, a.content) for a in answers] == [(201, b"first"), (503, b""), (200, b"")]
    assert answers[0].headers["X-Seq"] == "1"
    assert [r.body for r in recorded] == [b"n0", b"n1", b"n2"]
    assert recorded[0].arrived <= recorded[1].arrived <= recorded[2].arrived


def test_listens_on_loopback_only() -> None:
    with WebhookReceiver() as receiver:
        assert receiver.url.startswith("http://127.0.0.1:")
        assert receiver._server.server_address[0] == "127.0.0.1"


def test_wait_for_fails_clearly_when_requests_do_not_come() -> None:
    with WebhookReceiver() as receiver, pytest.raises(AssertionError, match="expected 1 request"):
        receiver.wait_for(1, timeout=0.05)


def test_close_does_not_hang_while_a_handler_hangs() -> None:
    receiver = WebhookReceiver().start()
    receiver.hang(60)
    client = socket.create_connection(("127.0.0.1", receiver.port), timeout=5)
    client.sendall(b"POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
    receiver.wait_for(1)

    started = time.monotonic()
    receiver.close()
    closed_in = time.monotonic() - started

    # The hanging handler was woken and closed the connection without answering.
    assert client.recv(100) == b""
    client.close()
    assert closed_in < 5
    assert not receiver._thread.is_alive()


def test_refused_url_refuses() -> None:
    with pytest.raises(requests.ConnectionError):
        requests.post(refused_url(), data=b"x", timeout=5)
