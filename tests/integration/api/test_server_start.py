"""``RestApi.start`` returns once the server has set itself up in its thread (so the GUI thread is not destroying
objects while the API thread builds and connects Qt objects under the GIL), listening or not."""

import socket

from monitor_app.httpapi.server import ApiConfig
from monitor_app.webapi import RestApi


def test_start_returns_once_the_server_listens(qtbot, engine) -> None:
    rest = RestApi(engine, engine.accounts, ApiConfig(host="127.0.0.1", port=0))
    try:
        rest.start()
        assert rest.server.start_done.is_set()
        port = rest.server.port  # no event loop has run since start(): set up in the API thread meanwhile
        assert port != 0
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    finally:
        rest.stop()


def test_start_returns_at_once_when_the_port_is_taken(qtbot, engine) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        rest = RestApi(engine, engine.accounts, ApiConfig(host="127.0.0.1", port=taken.getsockname()[1]))
        try:
            with qtbot.waitSignal(rest.failed, timeout=5000):
                rest.start()
                assert rest.server.start_done.is_set() and rest.server.port == 0
        finally:
            rest.stop()
