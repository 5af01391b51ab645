"""An attached window that waits for the engine's answer keeps painting: the wait runs the GUI thread's events
(not the user's input), shows the busy cursor only when it lasts, and returns the answer or the error as the
blocking client does."""

import json
import threading

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication

from monitor_app.core.errors import ValidationError
from monitor_app.engine.remote_http import ConnectionFailedError, Endpoint
from monitor_app.engine.responsive_client import ResponsiveClient
from tests.helpers.receiver import WebhookReceiver


@pytest.fixture
def engine():  # type: ignore[no-untyped-def]
    with WebhookReceiver() as receiver:
        client = ResponsiveClient(Endpoint(receiver.url_for("")))
        yield receiver, client
        client.close()


def answer(receiver: WebhookReceiver, status: int, data: object) -> None:
    receiver.respond(status, {"Content-Type": "application/json"}, json.dumps(data).encode())


def test_the_answer_comes_back_as_from_the_blocking_client(qapp, engine) -> None:
    receiver, client = engine
    answer(receiver, 201, {"id": 7, "name": "server"})
    assert client.call("POST", "/api/programs", {"name": "server"}) == {"id": 7, "name": "server"}
    answer(receiver, 422, {"error": {"code": "validation_error", "message": "bad",
                                     "details": [{"field": "path", "message": "no such file"}]}})
    with pytest.raises(ValidationError) as caught:
        client.call("POST", "/api/programs", {"name": "server"})
    assert caught.value.by_field() == {"path": "no such file"}  # the dialog shows it next to the field


def test_the_window_keeps_running_while_it_waits(qapp, engine) -> None:
    receiver, client = engine
    receiver.hang(0.6)  # a slow engine: 600 ms, then the connection drops
    ticks: list[int] = []
    cursors: list[object] = []
    timer = QTimer()
    timer.timeout.connect(lambda: (ticks.append(1), cursors.append(QGuiApplication.overrideCursor())))
    timer.start(10)
    with pytest.raises(ConnectionFailedError):
        client.call("POST", "/api/webhooks", {"name": "x"})
    timer.stop()
    assert len(ticks) >= 20  # timers (charts, the live stream) ran during the wait
    assert cursors[0] is None and cursors[-1] is not None  # busy cursor only once the wait lasts
    assert QGuiApplication.overrideCursor() is None  # and gone afterwards


def test_off_the_gui_thread_it_is_the_plain_blocking_call(qapp, engine) -> None:
    receiver, client = engine
    answer(receiver, 200, [1, 2, 3])
    seen: list[object] = []
    worker = threading.Thread(target=lambda: seen.append(client.call("GET", "/api/history")))
    worker.start()
    worker.join(5)
    assert seen == [[1, 2, 3]]
