"""A client for the official Palworld REST API (``http://<host>:<RESTAPIPort>/v1/api``, Palworld v0.2.4+).

Authentication is HTTP Basic with the user ``admin`` and the server's ``AdminPassword``. Request bodies
spell the player id ``userid`` (lowercase), although answers spell it ``userId``: the casing trap of
reference/palworld-protocols.md §3. POST answers are opaque text (sometimes ``OK``): success is the status
code alone.

It uses the standard library's ``http.client`` rather than ``requests``: nothing heavy is imported when the
plugin loads, and the socket timeout can be re-armed with what is left of the call's deadline, so each call
takes about ``timeout`` seconds at most, even against a server that answers byte by byte.

Every failure is a ``PalworldError`` whose message can be shown to the user as it is::

    rest = PalworldRest("127.0.0.1", 8212, "secret", timeout=5.0)
    try:
        players = rest.players()
    except PalworldError as exc:
        show(str(exc))
"""

import base64
import http.client
import json
import time
from typing import Any

from .models import Player, ServerInfo, ServerMetrics, players_from_json

DEFAULT_PORT = 8212
API_PATH = "/v1/api"
#: Answers larger than this are refused (the biggest real one, /settings, is a few KiB).
MAX_ANSWER_BYTES = 4 * 1024 * 1024

_ENABLE_HINT = "is RESTAPIEnabled=True and the server running?"
_AUTH_MESSAGE = "the REST API refused the admin password — check AdminPassword in PalWorldSettings.ini"


class PalworldError(Exception):
    """A Palworld server call failed; ``str(error)`` is a sentence for the user.

    Attributes:
        status: The HTTP status when the server answered (None when it did not).
        endpoint: The endpoint called, e.g. ``"kick"``.
    """

    def __init__(self, message: str, *, status: int | None = None, endpoint: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.endpoint = endpoint


class PalworldAuthError(PalworldError):
    """HTTP 401: the admin password is wrong (or missing)."""


class PalworldUnavailable(PalworldError):
    """No answer: connection refused, unknown host, reset, or no answer within the timeout."""


class PalworldRest:
    """One Palworld server's REST API. Each call opens its own connection, so an instance may be shared
    between threads (``last_latency_s`` then belongs to whichever call ended last).

    Args:
        host: Name or address of the server (an IPv6 address may be given with or without brackets).
        port: ``RESTAPIPort`` (8212 by default).
        password: ``AdminPassword``.
        timeout: Seconds one call may take, connecting and reading included.

    Attributes:
        last_latency_s: Seconds the last successful call took, request to last byte (None before any).
    """

    def __init__(self, host: str, port: int = DEFAULT_PORT, password: str = "", *, timeout: float = 5.0) -> None:
        host = host.strip().removeprefix("[").removesuffix("]")
        if not host:
            raise ValueError("the Palworld server host is empty")
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise ValueError(f"the REST API port must be 1-65535, not {port!r}")
        if not timeout > 0:
            raise ValueError(f"the timeout must be positive, not {timeout!r}")
        self._host = host
        self._port = port
        self._timeout = float(timeout)
        token = base64.b64encode(f"admin:{password}".encode()).decode("ascii")
        self._authorization = f"Basic {token}"
        self.last_latency_s: float | None = None

    def __repr__(self) -> str:
        return f"PalworldRest({self.base_url!r}, timeout={self._timeout})"  # never the password

    @property
    def host(self) -> str:
        return self._host

    @property
    def port(self) -> int:
        return self._port

    @property
    def timeout(self) -> float:
        return self._timeout

    @property
    def base_url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self._port}{API_PATH}"

    # -- reads ---------------------------------------------------------------------------------------------

    def info(self) -> ServerInfo:
        """``GET /info``: version, server name, description, world GUID."""
        return ServerInfo.from_json(self._get_object("info"))

    def players(self) -> list[Player]:
        """``GET /players``: the connected players (entries that are not objects are skipped)."""
        return players_from_json(self._get_json("players"))

    def metrics(self) -> ServerMetrics:
        """``GET /metrics``: fps, frame time, player counts, uptime, days, base camps."""
        return ServerMetrics.from_json(self._get_object("metrics"))

    def settings(self) -> dict[str, Any]:
        """``GET /settings``: every OptionSettings key as the server sees it (e.g. ``"RCONPort": 25575``)."""
        return self._get_object("settings")

    # -- commands (POST; the answer body is opaque, the status decides) ------------------------------------

    def announce(self, message: str) -> None:
        """Show ``message`` to every player (Unicode and spaces are fine here, unlike RCON)."""
        self._post("announce", {"message": _message(message)})

    def kick(self, userid: str, message: str | None = None) -> None:
        """Kick the player whose ``userId`` is ``userid`` (sent unchanged)."""
        self._post("kick", _with_message({"userid": _userid(userid)}, message))

    def ban(self, userid: str, message: str | None = None) -> None:
        """Ban ``userid`` (the server writes its banlist.txt)."""
        self._post("ban", _with_message({"userid": _userid(userid)}, message))

    def unban(self, userid: str) -> None:
        self._post("unban", {"userid": _userid(userid)})

    def save(self) -> None:
        """Save the world now."""
        self._post("save", None)

    def shutdown(self, seconds: int, message: str | None = None) -> None:
        """Shut down gracefully after ``seconds`` (``waittime``), showing ``message`` to the players."""
        if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
            raise ValueError(f"the shutdown delay must be a whole number of seconds >= 0, not {seconds!r}")
        self._post("shutdown", _with_message({"waittime": seconds}, message))

    def stop(self) -> None:
        """Stop the server at once, without saving first."""
        self._post("stop", None)

    # -- plumbing ------------------------------------------------------------------------------------------

    def _get_json(self, endpoint: str) -> Any:
        status, body = self._exchange("GET", endpoint, None)
        try:
            return json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            raise PalworldError(
                f"the Palworld REST API at {self.base_url} answered /{endpoint} with something that is not "
                f"JSON: {_snippet(body)!r}",
                status=status,
                endpoint=endpoint,
            ) from None

    def _get_object(self, endpoint: str) -> dict[str, Any]:
        data = self._get_json(endpoint)
        if not isinstance(data, dict):
            raise PalworldError(
                f"the Palworld REST API answered /{endpoint} with a JSON {type(data).__name__}, "
                "not an object",
                status=200,
                endpoint=endpoint,
            )
        return data

    def _post(self, endpoint: str, body: dict[str, Any] | None) -> None:
        self._exchange("POST", endpoint, body)

    def _exchange(self, method: str, endpoint: str, body: dict[str, Any] | None) -> tuple[int, bytes]:
        """One request on a fresh connection; the status (2xx) and the whole answer body.

        Raises:
            PalworldAuthError, PalworldUnavailable, PalworldError.
        """
        headers = {
            "Authorization": self._authorization,
            "Accept": "application/json",
            "User-Agent": "monitor_app-palworld",
            "Connection": "close",
        }
        payload = None
        if body is not None:
            payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        started = time.monotonic()
        deadline = started + self._timeout
        connection = http.client.HTTPConnection(self._host, self._port, timeout=self._timeout)
        response: http.client.HTTPResponse | None = None
        try:
            connection.request(method, f"{API_PATH}/{endpoint}", body=payload, headers=headers)
            sock = connection.sock  # kept: getresponse() drops it from the connection when the answer closes
            _arm(sock, deadline)
            response = connection.getresponse()
            answer = _read_body(response, sock, deadline)
        except TimeoutError:
            raise PalworldUnavailable(
                f"the Palworld REST API at {self.base_url} did not answer /{endpoint} within "
                f"{self._timeout:g} s — {_ENABLE_HINT}",
                endpoint=endpoint,
            ) from None
        except UnicodeError as exc:  # a host name that cannot be encoded
            raise self._unavailable(endpoint, exc) from None
        except http.client.HTTPException as exc:
            if isinstance(exc, ConnectionError | http.client.IncompleteRead):  # RemoteDisconnected is both
                raise self._unavailable(endpoint, exc) from None
            raise PalworldError(
                f"{self._host}:{self._port} did not answer /{endpoint} in HTTP ({type(exc).__name__}) — is "
                "that the REST API port (RESTAPIPort, 8212 by default) rather than RCON or the game port?",
                endpoint=endpoint,
            ) from None
        except OSError as exc:
            raise self._unavailable(endpoint, exc) from None
        finally:
            if response is not None:
                response.close()
            connection.close()
        status = response.status
        if status == 401:
            raise PalworldAuthError(_AUTH_MESSAGE, status=status, endpoint=endpoint)
        if not 200 <= status < 300:
            raise PalworldError(self._status_message(method, endpoint, status, response.reason, answer),
                                status=status, endpoint=endpoint)
        self.last_latency_s = time.monotonic() - started
        return status, answer

    def _unavailable(self, endpoint: str, exc: Exception) -> PalworldUnavailable:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return PalworldUnavailable(
            f"cannot reach the Palworld REST API at {self.base_url} ({reason}) — {_ENABLE_HINT}",
            endpoint=endpoint,
        )

    def _status_message(self, method: str, endpoint: str, status: int, reason: str, body: bytes) -> str:
        detail = _snippet(body)
        detail = f": {detail}" if detail else ""
        if status == 400:
            return f"the Palworld server refused {method} /{endpoint} as a bad request (HTTP 400){detail}"
        if status == 404:
            return (
                f"the Palworld server has no REST endpoint /{endpoint} (HTTP 404) — the REST API needs "
                f"Palworld v0.2.4 or later{detail}"
            )
        return f"the Palworld REST API answered {method} /{endpoint} with HTTP {status} {reason}{detail}".rstrip()


def _arm(sock: Any, deadline: float) -> None:
    """Give the socket what is left of the call's time (TimeoutError when nothing is)."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError
    if sock is not None:
        sock.settimeout(remaining)


def _read_body(response: http.client.HTTPResponse, sock: Any, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if response.isclosed():  # the whole body came (Python 3.13 closes the socket at that moment)
            return b"".join(chunks)
        _arm(sock, deadline)
        chunk = response.read1(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_ANSWER_BYTES:
            raise PalworldError(f"the Palworld REST API sent an answer larger than {MAX_ANSWER_BYTES} bytes")
        chunks.append(chunk)


def _snippet(body: bytes, limit: int = 200) -> str:
    text = " ".join(body.decode("utf-8", errors="replace").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _userid(userid: str) -> str:
    if not isinstance(userid, str) or not userid.strip():
        raise ValueError(f"a player's user id is needed (the userId of the players list), not {userid!r}")
    return userid.strip()


def _message(message: str) -> str:
    if not isinstance(message, str) or not message.strip():
        raise ValueError("the message is empty")
    return message


def _with_message(body: dict[str, Any], message: str | None) -> dict[str, Any]:
    if message is not None and message.strip():
        body["message"] = message
    return body
