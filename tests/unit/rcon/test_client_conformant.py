"""RconClient against independent Source RCON servers from PyPI (Valve's behaviour), run on 127.0.0.1.

* ``rconx`` 0.3.0 ``RconServer``: empty RESPONSE_VALUE + AUTH_RESPONSE, echoes ids, closes after a wrong
  password, splits replies longer than 4086 bytes into several packets.
* ``rcon-server`` 0.1.3 ``RCONServer`` (asyncio): the same login, keeps the connection open after a wrong password.

Neither exposes the port it bound to 127.0.0.1:0, so it is read from the "listening" log record each writes.
"""

import asyncio
import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

from monitor_app.rcon import RconAuthError, RconClient

rconx_server = pytest.importorskip("rconx.server.server", reason="test extra: rconx")
rcon_server = pytest.importorskip("rcon_server.rcon_server", reason="test extra: rcon-server")
rcon_packet = pytest.importorskip("rcon_server.rcon_packet", reason="test extra: rcon-server")

PASSWORD = "s3cret"
LONG = "".join(f"{i:05d}," for i in range(1500))  # 9,000 bytes: three packets from a Valve server


def reply_to(command: str) -> str:
    return LONG if command == "long" else f"you said: {command}"


class _PortFromLog(logging.Handler):
    """Catches the port a server reports in its "listening" log record."""

    def __init__(self, pattern: str) -> None:
        super().__init__(logging.DEBUG)
        self.pattern = re.compile(pattern)
        self.found = threading.Event()
        self.port = 0

    def emit(self, record: logging.LogRecord) -> None:
        match = self.pattern.search(record.getMessage())
        if match and not self.found.is_set():
            self.port = int(match.group(1))
            self.found.set()


@contextmanager
def _logged_port(logger: str, pattern: str) -> Iterator[_PortFromLog]:
    handler = _PortFromLog(pattern)
    target = logging.getLogger(logger)
    level = target.level
    target.setLevel(logging.INFO)  # the record is INFO: make sure it is emitted whatever the root level
    target.addHandler(handler)
    try:
        yield handler
    finally:
        target.removeHandler(handler)
        target.setLevel(level)


@contextmanager
def run_rconx() -> Iterator[int]:
    server = rconx_server.RconServer(
        "127.0.0.1", 0, authentication=PASSWORD, command_handler=lambda content, info: reply_to(content.text)
    )
    with _logged_port("rconx.server", r"listener ready: \('127\.0\.0\.1', (\d+)\)") as port:
        thread = threading.Thread(target=server.serve, name="rconx", daemon=True)
        thread.start()
        assert port.found.wait(5), "rconx did not start"
    try:
        yield port.port
    finally:
        server.shutdown()
        thread.join(5)


class _EchoServer(rcon_server.RCONServer):
    def handle_execcommand(self, packet, connection) -> None:
        packet_class = rcon_packet.RCONPacket
        connection.send_packet(
            packet_class(packet.id, packet_class.SERVERDATA_RESPONSE_VALUE, reply_to(packet.body))
        )


@contextmanager
def run_rcon_server() -> Iterator[int]:
    server = _EchoServer(bind=("127.0.0.1", 0), password=PASSWORD)
    loop = asyncio.new_event_loop()
    task = loop.create_task(server.listen())

    def serve() -> None:
        try:
            loop.run_until_complete(task)
        except asyncio.CancelledError:
            pass
        finally:
            loop.close()

    with _logged_port("RCONServer", r"listening on 127\.0\.0\.1:(\d+)") as port:
        thread = threading.Thread(target=serve, name="rcon-server", daemon=True)
        thread.start()
        assert port.found.wait(5), "rcon-server did not start"
    try:
        yield port.port
    finally:
        loop.call_soon_threadsafe(task.cancel)
        thread.join(5)


SERVERS: dict[str, Callable[[], AbstractContextManager[int]]] = {
    "rconx": run_rconx,
    "rcon-server": run_rcon_server,
}


@pytest.fixture(params=sorted(SERVERS))
def port(request: pytest.FixtureRequest) -> Iterator[int]:
    with SERVERS[request.param]() as port:
        yield port


def test_a_command_gets_its_reply(port: int) -> None:
    with RconClient("127.0.0.1", port, PASSWORD, timeout=5.0) as rcon:
        reply = rcon.command("status")
    assert (reply.text, reply.partial) == ("you said: status", False)


def test_a_session_of_many_commands(port: int) -> None:
    with RconClient("127.0.0.1", port, PASSWORD, timeout=5.0) as rcon:
        texts = [rcon.command(f"cmd {i}").text for i in range(50)]
    assert texts == [f"you said: cmd {i}" for i in range(50)]


def test_a_wrong_password_is_an_auth_error(port: int) -> None:
    expected = "rejected the RCON password; it must equal AdminPassword"
    with (
        RconClient("127.0.0.1", port, "not-it", timeout=5.0) as rcon,
        pytest.raises(RconAuthError, match=expected),
    ):
        rcon.command("status")


def test_non_ascii_commands_reach_an_ascii_server_as_question_marks(port: int) -> None:
    with RconClient("127.0.0.1", port, PASSWORD, timeout=5.0) as rcon:
        assert rcon.command("say 안녕 hi").text == "you said: say ?? hi"


def test_a_multi_packet_reply_yields_its_first_packet_and_the_rest_is_skipped() -> None:
    # One packet per command, by design (Palworld never splits). The tail packets echo the old id: skipped.
    with run_rconx() as port, RconClient("127.0.0.1", port, PASSWORD, timeout=5.0) as rcon:
        first = rcon.command("long")
        assert (first.text, first.partial) == (LONG[:4086], False)
        assert rcon.command("after").text == "you said: after"
        assert rcon.command("again").text == "you said: again"
