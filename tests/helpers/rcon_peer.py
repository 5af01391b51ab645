"""A Palworld-like RCON server on 127.0.0.1 for tests and benchmarks, each of Palworld's quirks switchable.

    with PalworldPeer(password="pw") as peer:           # single auth reply, replies with id 0, ignores probes
        peer.queue(Truncated(b"name,...\\xea\\xb9"))       # the next command gets a frame that never completes
        client = RconClient(peer.host, peer.port, "pw", timeout=0.3)
        ...
        assert [r.text for r in peer.commands()] == ["ShowPlayers"]

The quirks (``reference/palworld-protocols.md`` section 2): command replies carry id 0 (``echo_ids=True`` for
Valve's behaviour); the login gets one AUTH_RESPONSE (``auth="valve"``: an empty RESPONSE_VALUE then the
AUTH_RESPONSE in one TCP segment; ``"valve_split"``: in two; ``"reversed"``: AUTH_RESPONSE then the empty
packet, one segment); empty-packet probes are never answered; ``close_after_command`` hangs up after each reply.
Per command, :meth:`PalworldPeer.queue` scripts :class:`Truncated`, :class:`Silence`, :class:`HangUp` or
:class:`Raw` answers; otherwise ``handler(command)`` answers, by default with Palworld's texts.

Framing is written here with ``struct`` on purpose: the peer does not share code with the client under test.
It binds 127.0.0.1 on a port the OS picks; ``close()`` returns promptly even while a connection is silent.
"""

import socket
import struct
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Self

HOST = "127.0.0.1"
AUTH, AUTH_RESPONSE, EXECCOMMAND, RESPONSE_VALUE = 3, 2, 2, 0
_HEAD = struct.Struct("<iii")


def frame(request_id: int, type_: int, body: bytes = b"") -> bytes:
    """A well-formed Source RCON frame."""
    return _HEAD.pack(len(body) + 10, request_id, type_) + body + b"\x00\x00"


@dataclass(frozen=True)
class Truncated:
    """A reply whose Size header announces ``missing`` more bytes than are sent (Palworld's non-ASCII bug)."""

    body: bytes
    missing: int = 24
    then_close: bool = False


@dataclass(frozen=True)
class Silence:
    """Read the command, never answer it; the connection stays open."""


@dataclass(frozen=True)
class HangUp:
    """Read the command and close the connection without answering."""


@dataclass(frozen=True)
class Raw:
    """Send these bytes verbatim (e.g. something that is not RCON at all)."""

    data: bytes


Answer = str | bytes | Truncated | Silence | HangUp | Raw


@dataclass(frozen=True)
class Received:
    """One packet the peer read, in arrival order; ``connection`` counts accepted connections from 1."""

    connection: int
    request_id: int
    type: int
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("latin-1")


PLAYERS = "name,playeruid,steamid\nAlice,1234567890,76561198000000001\nBob,987654321,76561198000000002\n"


def palworld_reply(command: str) -> str:
    """What a Palworld server answers (texts from clients tested against real servers)."""
    name, _, rest = command.partition(" ")
    match name.lower():
        case "info":
            return "Welcome to Pal Server[v0.1.4.1] Default Palworld Server\n"
        case "showplayers":
            return PLAYERS
        case "save":
            return "Complete Save\n"
        case "broadcast":
            return f"Broadcasted: {rest.split(' ', 1)[0]}\n"  # Palworld stops at the first space
        case "kickplayer":
            return f"Kicked: {rest}\n"
        case "doexit":
            return "Shutdown...\n"
        case _:
            return "Unknown command\n"


class PalworldPeer:
    """A threaded TCP server speaking Source RCON the way Palworld does (see the module docstring)."""

    def __init__(
        self,
        password: str = "secret",
        *,
        auth: str = "single",
        echo_ids: bool = False,
        close_after_command: bool = False,
        handler: Callable[[str], Answer] = palworld_reply,
    ) -> None:
        if auth not in ("single", "valve", "valve_split", "reversed"):
            raise ValueError(f"unknown auth style {auth!r}")
        self.password = password.encode("utf-8")
        self.auth = auth
        self.echo_ids = echo_ids
        self.close_after_command = close_after_command
        self.handler = handler
        self.connections = 0
        self.logins = 0
        self.pipelined = False  # a command arrived while the previous one was still unanswered
        self._received: list[Received] = []
        self._script: deque[Answer] = deque()
        self._changed = threading.Condition()
        self._stopping = False
        self._socks: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener = socket.create_server((HOST, 0))
        self.host, self.port = self._listener.getsockname()[:2]
        self._accepting = threading.Thread(target=self._accept_loop, name="rcon-peer-accept", daemon=True)
        self._accepting.start()

    # -- test API ------------------------------------------------------------------------------------------

    def queue(self, *answers: Answer) -> None:
        """Answers for the next commands, in order, before ``handler`` takes over again."""
        with self._changed:
            self._script.extend(answers)

    def received(self) -> list[Received]:
        with self._changed:
            return list(self._received)

    def commands(self) -> list[Received]:
        return [r for r in self.received() if r.type == EXECCOMMAND]

    def wait_for_commands(self, count: int, timeout: float = 5.0) -> None:
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._commands_locked()) >= count, timeout):
                raise TimeoutError(f"the peer saw {len(self._commands_locked())} commands, expected {count}")

    def close(self) -> None:
        with self._changed:
            self._stopping = True
            socks = list(self._socks)
        try:  # wake accept(): a connection to ourselves works on every platform
            socket.create_connection((self.host, self.port), timeout=1).close()
        except OSError:
            pass
        self._accepting.join(5)
        self._listener.close()
        for sock in socks:
            _shutdown(sock)
        for thread in self._threads:
            thread.join(5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- server --------------------------------------------------------------------------------------------

    def _commands_locked(self) -> list[Received]:
        return [r for r in self._received if r.type == EXECCOMMAND]

    def _accept_loop(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            with self._changed:
                if self._stopping:
                    sock.close()
                    return
                self.connections += 1
                number = self.connections
                self._socks.add(sock)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            thread = threading.Thread(
                target=self._serve, args=(sock, number), name=f"rcon-peer-{number}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket, number: int) -> None:
        try:
            self._exchange(sock, number)
        except OSError:
            pass  # the client went away
        finally:
            with self._changed:
                self._socks.discard(sock)
            sock.close()

    def _exchange(self, sock: socket.socket, number: int) -> None:
        buffer = b""
        authenticated = False
        while True:
            data = sock.recv(65536)
            if not data:
                return
            buffer += data
            while len(buffer) >= 4:
                (size,) = struct.unpack_from("<i", buffer)
                if len(buffer) < 4 + size:
                    break
                _, request_id, type_ = _HEAD.unpack_from(buffer)
                body = buffer[12 : 4 + size].rstrip(b"\x00")
                buffer = buffer[4 + size :]
                with self._changed:
                    self._received.append(Received(number, request_id, type_, body))
                    if type_ == EXECCOMMAND and authenticated and buffer:
                        self.pipelined = True
                    self._changed.notify_all()
                if type_ == AUTH:
                    authenticated = body == self.password
                    if authenticated:
                        with self._changed:
                            self.logins += 1  # before the reply: a client that got it sees the count
                    for chunk in self._login_reply(request_id, authenticated):
                        sock.sendall(chunk)
                    if not authenticated:
                        return
                elif not authenticated:
                    sock.sendall(frame(-1, AUTH_RESPONSE))  # Reynolds' spec: a command before login fails
                elif type_ == EXECCOMMAND and not self._answer(sock, request_id, body.decode("latin-1")):
                    return
                # a RESPONSE_VALUE from the client is the empty-packet probe: Palworld ignores it

    def _login_reply(self, request_id: int, accepted: bool) -> list[bytes]:
        """The writes that answer an AUTH packet, each one ``sendall`` (TCP_NODELAY: one segment each)."""
        result = frame(request_id if accepted else -1, AUTH_RESPONSE)
        echo = frame(request_id, RESPONSE_VALUE)
        match self.auth:
            case "single":
                return [result]
            case "reversed":
                return [result + echo]
            case "valve_split":
                return [echo, result]
            case _:
                return [echo + result]

    def _answer(self, sock: socket.socket, request_id: int, command: str) -> bool:
        """Answer one command; False if the connection must close."""
        with self._changed:
            answer = self._script.popleft() if self._script else None
        if answer is None:
            answer = self.handler(command)
        reply_id = request_id if self.echo_ids else 0
        match answer:
            case Silence():
                return True
            case HangUp():
                return False
            case Raw(data=data):
                sock.sendall(data)
            case Truncated(body=body, missing=missing, then_close=then_close):
                sock.sendall(
                    _HEAD.pack(len(body) + 10 + missing, reply_id, RESPONSE_VALUE) + body + b"\x00\x00"
                )
                if then_close:
                    return False
            case str() | bytes():
                payload = answer.encode("utf-8") if isinstance(answer, str) else answer
                sock.sendall(frame(reply_id, RESPONSE_VALUE, payload))
        return not self.close_after_command


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
