"""A blocking Source RCON client that copes with Palworld's RCON (see ``reference/palworld-protocols.md``).

Made for one plugin worker thread: every call blocks, and every wait has a deadline.

* ``connect_timeout`` bounds each TCP connect (per address the host name resolves to; give an IP address to
  avoid name lookups, which no timeout bounds); ``timeout`` bounds each exchange with the server (the login, or
  one command's reply). A command that has to reconnect and retry once (below) therefore takes at most
  ``2 * (connect_timeout + 2 * timeout)``, plus the wait for a command already in flight from another thread;
  in practice one round trip.
* Lazy: nothing touches the network before the first :meth:`RconClient.command`.
* Login accepts both orders servers use: Valve's "empty RESPONSE_VALUE, then AUTH_RESPONSE" and Palworld's single
  AUTH_RESPONSE. Its id -1 means a wrong password.
* One command in flight (a lock). Outgoing text is ASCII: Palworld garbles anything else, so other characters are
  sent as ``?``. No "empty-packet probe" is ever sent: Palworld does not answer it.
* Exactly one response packet is read per command and its request id is not checked, because Palworld answers
  commands with id 0. Only packets that visibly answer an *earlier* request of this client (id between 1 and the
  current id; ids only grow) are skipped: the auth echo of a Valve server, or the tail of a long multi-packet reply (this
  client does not join multi-packet replies; Palworld never sends them, it cuts long output instead).
* The whole read has a deadline. Palworld sometimes announces more bytes than it sends (non-ASCII names): on the
  deadline whatever arrived is returned with ``partial=True`` (NULs removed, UTF-8 decoded with replacement);
  if nothing arrived :class:`RconTimeout` is raised. After a timeout the stream's framing is unknown, so the
  connection is dropped and the next command logs in again.
* Palworld closes connections (after each command on some builds, after 30-60 s idle on others). A connection
  found closed before sending is simply replaced. If it closes (EOF / reset) after the command was sent and
  before any reply byte came, the client reconnects, logs in again and sends the command **once more**. Palworld
  admin commands are idempotent enough for that (a second ``Save``, ``Broadcast`` or ``KickPlayer`` is harmless;
  a second ``Shutdown N`` restarts the countdown): the server may have run the command before it hung up.
  If the connection closes after part of the reply came, that part is returned with ``partial=True``.
"""

import logging
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Self

from monitor_app.rcon.protocol import (
    AUTH_FAILED_ID,
    MAX_BODY,
    SERVERDATA_AUTH,
    SERVERDATA_AUTH_RESPONSE,
    SERVERDATA_EXECCOMMAND,
    FrameBuffer,
    Packet,
    RconAuthError,
    RconConnectionError,
    RconError,
    RconProtocolError,
    RconTimeout,
    encode,
)

log = logging.getLogger(__name__)

_RECV_SIZE = 65536
_MAX_ID = (1 << 31) - 1


@dataclass(frozen=True, slots=True)
class RconReply:
    """What the server answered to one command.

    Attributes:
        text: The reply body, NULs removed, decoded as UTF-8 (undecodable bytes become U+FFFD). Palworld ends most
            replies with a newline; it is kept.
        partial: True if the reply was cut short (the deadline passed, or the server hung up, mid-reply).
        latency_ms: From sending the command to the end of the reply (excludes connecting and logging in).
    """

    text: str
    partial: bool
    latency_ms: float


class _PeerClosed(Exception):
    """EOF or reset on the socket; internal, turned into a reconnect or an RconConnectionError."""

    def __init__(self, during_login: bool = False) -> None:
        super().__init__()
        self.during_login = during_login


class RconClient:
    """A Source RCON connection to one server, e.g. ``RconClient("127.0.0.1", 25575, admin_password)``.

    Thread-safe: commands from several threads run one after another. :meth:`close` may be called from any thread;
    it interrupts a command that is waiting, and the client cannot be used afterwards. The password is sent as
    UTF-8 (commands are ASCII); it never appears in messages or logs.
    """

    def __init__(
        self,
        host: str,
        port: int,
        password: str,
        *,
        timeout: float = 5.0,
        connect_timeout: float = 3.0,
    ) -> None:
        if not 0 < port < 65536:
            raise ValueError(f"RCON port must be between 1 and 65535, not {port}")
        if timeout <= 0 or connect_timeout <= 0:
            raise ValueError("RCON timeouts must be positive")
        self._host = host
        self._port = port
        self._password = password.encode("utf-8")
        if len(self._password) > MAX_BODY:
            raise ValueError("the RCON password is too long for one packet")
        self._timeout = timeout
        self._connect_timeout = connect_timeout
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._frames = FrameBuffer()
        self._inbox: deque[Packet] = deque()
        self._last_id = 0
        self._closed = False

    @property
    def address(self) -> str:
        return f"{self._host}:{self._port}"

    def __repr__(self) -> str:
        return f"RconClient({self.address!r}, connected={self._sock is not None})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection; a command waiting in another thread ends with :class:`RconConnectionError`."""
        self._closed = True
        sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes a recv() blocked in another thread
            except OSError:
                pass
        with self._lock:
            self._disconnect()

    def command(self, text: str) -> RconReply:
        """Run one command (e.g. ``"Info"``, ``"ShowPlayers"``) and return the server's reply.

        Raises:
            RconConnectionError: cannot connect, the server hung up twice, or the client is closed.
            RconAuthError: the password was rejected.
            RconTimeout: no byte of the reply came before the deadline.
            RconProtocolError: the server does not speak Source RCON.
            ValueError: the command contains NUL or is longer than one packet holds (4086 bytes).
        """
        body = text.encode("ascii", errors="replace")
        if b"\x00" in body or len(body) > MAX_BODY:
            raise ValueError(f"an RCON command must be at most {MAX_BODY} characters without NUL")
        name = text.split(" ", 1)[0]
        with self._lock:
            try:
                try:
                    return self._attempt(body, name)
                except _PeerClosed:
                    self._check_open()
                    log.debug(
                        "RCON %s closed the connection before answering %r; retrying once", self.address, name
                    )
                    self._disconnect()
                    try:
                        return self._attempt(body, name)
                    except _PeerClosed as err:
                        self._check_open()
                        if err.during_login:
                            raise RconConnectionError(
                                f"{self.address} closed the RCON connection during the login (tried twice) — "
                                "check AdminPassword in PalWorldSettings.ini"
                            ) from err
                        raise RconConnectionError(
                            f"{self.address} closed the RCON connection before answering {name!r} (tried twice)"
                        ) from err
            except BaseException:
                self._disconnect()
                raise

    # -- one attempt: (re)connect, log in, send, read one packet -----------------------------------------------

    def _attempt(self, body: bytes, name: str) -> RconReply:
        sock = self._ensure_connected()
        request_id = self._new_id()
        started = time.perf_counter()
        deadline = time.monotonic() + self._timeout
        self._send(sock, encode(request_id, SERVERDATA_EXECCOMMAND, body), deadline)
        while True:
            try:
                packet = self._next_packet(sock, deadline)
            except _PeerClosed:
                reply = self._partial_reply(request_id, started, "the server closed the connection")
                if reply is None:
                    raise
                return reply
            if packet is None:
                reply = self._partial_reply(request_id, started, "the deadline passed")
                if reply is None:
                    raise RconTimeout(f"no reply from {self.address} to {name!r} within {self._timeout:g} s")
                return reply
            if packet.type == SERVERDATA_AUTH_RESPONSE and packet.request_id == AUTH_FAILED_ID:
                raise RconAuthError(
                    f"{self.address} no longer accepts the RCON password; "
                    "check AdminPassword in PalWorldSettings.ini"
                )
            if 0 < packet.request_id < request_id:
                log.debug("RCON %s: skipped a stale packet with id %d", self.address, packet.request_id)
                continue
            return RconReply(_text(packet.body), False, (time.perf_counter() - started) * 1000.0)

    def _partial_reply(self, request_id: int, started: float, why: str) -> RconReply | None:
        head = self._frames.partial()
        if head is None or 0 < head.request_id < request_id:
            return None
        log.debug(
            "RCON %s: partial reply (%s) after %d bytes of an announced frame",
            self.address,
            why,
            len(self._frames.pending()),
        )
        return RconReply(_text(head.body), True, (time.perf_counter() - started) * 1000.0)

    def _new_id(self) -> int:
        self._last_id = self._last_id + 1 if self._last_id < _MAX_ID else 1
        return self._last_id

    def _check_open(self) -> None:
        if self._closed:
            raise RconConnectionError(f"the RCON client for {self.address} is closed")

    # -- connection ----------------------------------------------------------------------------------------

    def _ensure_connected(self) -> socket.socket:
        self._check_open()
        if self._sock is not None and not self._still_usable(self._sock):
            log.debug("RCON %s: connection closed by the server while idle; reconnecting", self.address)
            self._disconnect()
        if self._sock is None:
            self._sock = self._connect()
            self._check_open()  # close() may have run while connecting
            try:
                self._authenticate(self._sock)
            except _PeerClosed as err:
                raise _PeerClosed(during_login=True) from err
        return self._sock

    def _connect(self) -> socket.socket:
        try:
            sock = socket.create_connection((self._host, self._port), timeout=self._connect_timeout)
        except ConnectionRefusedError as err:
            raise RconConnectionError(
                f"cannot connect to {self.address}: connection refused — "
                "is RCONEnabled=True in PalWorldSettings.ini?"
            ) from err
        except TimeoutError as err:
            raise RconConnectionError(
                f"cannot connect to {self.address}: no answer within {self._connect_timeout:g} s — "
                "is the server running, and is RCONPort open in the firewall?"
            ) from err
        except socket.gaierror as err:
            raise RconConnectionError(
                f"cannot connect to {self.address}: unknown host {self._host!r}"
            ) from err
        except OSError as err:
            raise RconConnectionError(f"cannot connect to {self.address}: {err.strerror or err}") from err
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        log.debug("RCON %s: connected", self.address)
        return sock

    def _authenticate(self, sock: socket.socket) -> None:
        request_id = self._new_id()
        deadline = time.monotonic() + self._timeout
        self._send(sock, encode(request_id, SERVERDATA_AUTH, self._password), deadline)
        while True:
            packet = self._next_packet(sock, deadline)  # _PeerClosed: command() retries once
            if packet is None:
                raise RconTimeout(
                    f"no answer to the RCON login from {self.address} within {self._timeout:g} s"
                )
            if packet.type != SERVERDATA_AUTH_RESPONSE:
                continue  # Valve servers send an empty RESPONSE_VALUE first; Palworld does not
            if packet.request_id == AUTH_FAILED_ID:
                raise RconAuthError(
                    f"{self.address} rejected the RCON password; "
                    "it must equal AdminPassword in PalWorldSettings.ini"
                )
            if packet.request_id != request_id:
                log.debug(
                    "RCON %s: login answered with id %d (sent %d)",
                    self.address,
                    packet.request_id,
                    request_id,
                )
            log.debug("RCON %s: logged in", self.address)
            return

    def _still_usable(self, sock: socket.socket) -> bool:
        """Drain what arrived since the last reply: False if the server hung up or left the framing mid-frame."""
        self._inbox.clear()  # complete packets nobody asked for (e.g. Valve's auth echo after the AUTH_RESPONSE)
        sock.setblocking(False)
        try:
            while True:
                try:
                    data = sock.recv(_RECV_SIZE)
                except BlockingIOError:
                    break
                except OSError:
                    return False
                if not data:
                    return False
                self._frames.feed(data)
        except RconProtocolError:
            return False
        return not self._frames.pending()

    def _send(self, sock: socket.socket, frame: bytes, deadline: float) -> None:
        try:
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            sock.sendall(frame)
        except TimeoutError as err:
            raise RconTimeout(f"{self.address} does not accept data (send timed out)") from err
        except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError) as err:
            raise _PeerClosed() from err
        except OSError as err:
            self._check_open()
            raise RconConnectionError(
                f"lost the RCON connection to {self.address}: {err.strerror or err}"
            ) from err

    def _next_packet(self, sock: socket.socket, deadline: float) -> Packet | None:
        """The next complete packet, or None at the deadline; raises _PeerClosed on EOF / reset."""
        while not self._inbox:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                sock.settimeout(remaining)
                data = sock.recv(_RECV_SIZE)
            except TimeoutError:
                return None
            except (ConnectionResetError, ConnectionAbortedError) as err:
                raise _PeerClosed() from err
            except OSError as err:
                self._check_open()
                raise RconConnectionError(
                    f"lost the RCON connection to {self.address}: {err.strerror or err}"
                ) from err
            if not data:
                raise _PeerClosed()
            try:
                self._inbox.extend(self._frames.feed(data))
            except RconProtocolError as err:
                raise RconProtocolError(
                    f"{self.address} does not speak Source RCON ({err.message}) — "
                    "is RCONPort pointing at another service?"
                ) from err
        return self._inbox.popleft()

    def _disconnect(self) -> None:
        sock, self._sock = self._sock, None
        self._frames.clear()
        self._inbox.clear()
        if sock is not None:
            sock.close()


def _text(body: bytes) -> str:
    return body.replace(b"\x00", b"").decode("utf-8", errors="replace")


__all__ = [
    "RconAuthError",
    "RconClient",
    "RconConnectionError",
    "RconError",
    "RconProtocolError",
    "RconReply",
    "RconTimeout",
]
