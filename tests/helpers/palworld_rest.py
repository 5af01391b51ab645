"""A fake Palworld REST API (``/v1/api``) on 127.0.0.1 for tests; no installable mock exists.

    with FakePalworldRest(password="s3cret") as server:
        rest = PalworldRest("127.0.0.1", server.port, "s3cret", timeout=2)
        server.players = [player("Alice", "steam_76561198000000001")]
        rest.kick("steam_76561198000000001")
        assert server.requests[-1].json() == {"userid": "steam_76561198000000001"}

It answers like a recent server (reference/palworld-protocols.md §3): JSON with the fields added over time
(``worldguid``, ``accountName``, ``building_count``, ``basecampnum``, ``days``), odd ``playerId`` values,
HTTP Basic auth with the user ``admin`` (401 otherwise), request bodies read with the lowercase ``userid``
(400 "Bad request." without it, which is what a client sending ``userId`` gets), and opaque ``OK`` bodies
for POSTs. Switches: ``fail(status)`` answers every request with that status, ``hang(seconds)`` reads
requests and never answers (the connection closes after ``seconds`` or at ``close()``), ``behave()`` undoes
both. It binds 127.0.0.1 only, on a port the OS picks.
"""

import base64
import json
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

HOST = "127.0.0.1"
DEFAULT_PASSWORD = "s3cret"
API = "/v1/api"

INFO = {
    "version": "v0.3.4.56710",
    "servername": "Monitor Test, (Palworld) Server",
    "description": "A fake server for the tests",
    "worldguid": "0A1B2C3D4E5F60718293A4B5C6D7E8F9",
    "futurefield": {"nested": [1, 2, 3]},  # a field from a version the client does not know yet
}

SETTINGS = {
    "Difficulty": "None",
    "DayTimeSpeedRate": 1.0,
    "ExpRate": 1.0,
    "ServerName": INFO["servername"],
    "ServerDescription": INFO["description"],
    "ServerPlayerMaxNum": 32,
    "PublicPort": 8211,
    "RCONEnabled": True,
    "RCONPort": 25575,
    "RESTAPIEnabled": True,
    "RESTAPIPort": 8212,
    "CrossplayPlatforms": ["Steam", "Xbox", "PS5", "Mac"],
    "bIsPvP": False,
}


def player(
    name: str,
    user_id: str,
    *,
    player_id: Any = "1234567890",
    account_name: str | None = None,
    ip: str = "192.168.1.20",
    ping: float = 12.5,
    level: int = 1,
    location: tuple[float, float] = (100.0, -50.0),
    building_count: int = 0,
) -> dict[str, Any]:
    """One entry of ``GET /players`` as a recent server sends it."""
    return {
        "name": name,
        "accountName": account_name if account_name is not None else name.lower(),
        "playerId": player_id,
        "userId": user_id,
        "ip": ip,
        "ping": ping,
        "location_x": location[0],
        "location_y": location[1],
        "level": level,
        "building_count": building_count,
    }


def default_players() -> list[dict[str, Any]]:
    """Three players: an ordinary one, one with a negative playerId and a Korean name, one logging in."""
    return [
        player("Alice", "steam_76561198000000001", player_id="1234567890", level=12, ping=12.5,
               building_count=3),
        player("김철수", "steam_76561198000000002", player_id="-1598765432", level=40, ping=48.0,
               account_name="chulsoo", building_count=27),
        player("NewcomerSteamName", "steam_76561198000000003", player_id="None", level=0, ping=0.0),
    ]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it arrived.

    Attributes:
        endpoint: The path after ``/v1/api/`` (``"kick"``), or the whole path for other paths.
        authorized: Whether it carried the right Basic credentials.
    """

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    authorized: bool

    @property
    def endpoint(self) -> str:
        return self.path.removeprefix(API + "/") if self.path.startswith(API + "/") else self.path

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


class FakePalworldRest:
    """A threaded fake server for one test; use as a context manager (or ``start()`` / ``close()``).

    Attributes:
        info / settings / metrics_extra: What ``GET /info``, ``/settings`` answer (and extra metrics keys);
            tests may change them.
        banned: User ids banned through ``/ban`` and not yet unbanned.
        announcements: Messages of ``/announce`` in order. shutdowns: Bodies of ``/shutdown``.
        saves / stops: How many ``/save`` and ``/stop`` calls succeeded.
    """

    def __init__(self, password: str = DEFAULT_PASSWORD, *, players: list[dict[str, Any]] | None = None) -> None:
        self.password = password
        self.info: dict[str, Any] = dict(INFO)
        self.settings: dict[str, Any] = dict(SETTINGS)
        self.metrics_extra: dict[str, Any] = {}
        self.banned: set[str] = set()
        self.announcements: list[str] = []
        self.shutdowns: list[dict[str, Any]] = []
        self.saves = 0
        self.stops = 0
        self._players = list(players) if players is not None else default_players()
        self._requests: list[RecordedRequest] = []
        self._fail_status: int | None = None
        self._hang_seconds = 0.0
        self._lock = threading.Lock()
        self._closing = threading.Event()
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _Server((HOST, 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-palworld-rest",
            daemon=True,
        )
        self._started = False

    # -- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> Self:
        if not self._started:
            self._started = True
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and wake any hanging handler; safe to call twice."""
        self._closing.set()
        if self._started and self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()
        if self._started:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- addresses -------------------------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return HOST

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """The API base, ``http://127.0.0.1:<port>/v1/api``."""
        return f"http://{HOST}:{self.port}{API}"

    # -- switches and state ------------------------------------------------------------------------------------

    def fail(self, status: int = 500) -> None:
        """Answer every request (authorized or not) with ``status`` until ``behave()``."""
        with self._lock:
            self._fail_status = status

    def hang(self, seconds: float = 30.0) -> None:
        """Read every request and never answer it (close after ``seconds``) until ``behave()``."""
        with self._lock:
            self._hang_seconds = seconds

    def behave(self) -> None:
        with self._lock:
            self._fail_status = None
            self._hang_seconds = 0.0

    @property
    def players(self) -> list[dict[str, Any]]:
        """The connected players as ``GET /players`` entries (a copy); assign a new list to change them."""
        with self._lock:
            return [dict(p) for p in self._players]

    @players.setter
    def players(self, players: list[dict[str, Any]]) -> None:
        with self._lock:
            self._players = [dict(p) for p in players]

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request so far, in order of arrival (a copy)."""
        with self._lock:
            return list(self._requests)

    def posts(self, endpoint: str) -> list[RecordedRequest]:
        """The POST requests to ``/v1/api/<endpoint>``."""
        return [r for r in self.requests if r.method == "POST" and r.endpoint == endpoint]

    # -- answers (called by the handler thread) ------------------------------------------------------------

    def _answer(self, method: str, endpoint: str, body: bytes) -> tuple[int, Any]:
        """(status, JSON-able or bytes) for an authorized request."""
        gets = {"info": self._info, "players": self._players_json, "settings": self._settings,
                "metrics": self._metrics}
        posts = {"announce": self._announce, "kick": self._kick, "ban": self._ban, "unban": self._unban,
                 "save": self._save, "shutdown": self._shutdown, "stop": self._stop}
        if endpoint not in gets and endpoint not in posts:
            return 404, b"Not Found"
        if method == "GET" and endpoint in gets:
            return 200, gets[endpoint]()
        if method == "POST" and endpoint in posts:
            try:
                data = json.loads(body.decode("utf-8")) if body.strip() else {}
            except (UnicodeDecodeError, ValueError):
                return 400, b"Bad request."
            if not isinstance(data, dict):
                return 400, b"Bad request."
            with self._lock:
                ok = posts[endpoint](data)
            return (200, b"OK") if ok else (400, b"Bad request.")
        return 405, b"Method Not Allowed"

    def _info(self) -> dict[str, Any]:
        return dict(self.info)

    def _players_json(self) -> dict[str, Any]:
        return {"players": self.players}

    def _settings(self) -> dict[str, Any]:
        return dict(self.settings)

    def _metrics(self) -> dict[str, Any]:
        with self._lock:
            count = len(self._players)
        return {
            "serverfps": 59,
            "currentplayernum": count,
            "serverframetime": 16.95,
            "maxplayernum": 32,
            "uptime": 7265,
            "basecampnum": 4,
            "days": 12,
            **self.metrics_extra,
        }

    def _announce(self, data: dict[str, Any]) -> bool:
        if not isinstance(data.get("message"), str):
            return False
        self.announcements.append(data["message"])
        return True

    def _kick(self, data: dict[str, Any]) -> bool:
        userid = data.get("userid")
        if not isinstance(userid, str):
            return False
        self._players = [p for p in self._players if p.get("userId") != userid]
        return True

    def _ban(self, data: dict[str, Any]) -> bool:
        if not self._kick(data):
            return False
        self.banned.add(data["userid"])
        return True

    def _unban(self, data: dict[str, Any]) -> bool:
        userid = data.get("userid")
        if not isinstance(userid, str):
            return False
        self.banned.discard(userid)
        return True

    def _save(self, data: dict[str, Any]) -> bool:
        self.saves += 1
        return True

    def _shutdown(self, data: dict[str, Any]) -> bool:
        waittime = data.get("waittime")
        if isinstance(waittime, bool) or not isinstance(waittime, int):
            return False
        self.shutdowns.append(data)
        return True

    def _stop(self, data: dict[str, Any]) -> bool:
        self.stops += 1
        return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # the client gave up first (the timeout tests)
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    fake: FakePalworldRest
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_GET

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    def _handle(self) -> None:
        fake = self.fake
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        authorized = self._authorized()
        path = self.path.split("?", 1)[0]
        with fake._lock:
            fake._requests.append(
                RecordedRequest(self.command, path, dict(self.headers.items()), body, authorized)
            )
            fail_status, hang_seconds = fake._fail_status, fake._hang_seconds
        self.close_connection = True
        if hang_seconds > 0:
            fake._closing.wait(hang_seconds)
            return
        if fail_status is not None:
            self._send(fail_status, b"Internal Server Error" if fail_status >= 500 else b"Error")
        elif not authorized:
            self._send(401, b"Unauthorized", {"WWW-Authenticate": 'Basic realm="PalServer"'})
        elif not path.startswith(API + "/"):
            self._send(404, b"Not Found")
        else:
            status, answer = fake._answer(self.command, path.removeprefix(API + "/"), body)
            self._send(status, answer)

    def _authorized(self) -> bool:
        expected = base64.b64encode(f"admin:{self.fake.password}".encode()).decode("ascii")
        return self.headers.get("Authorization", "") == f"Basic {expected}"

    def _send(self, status: int, answer: Any, headers: Mapping[str, str] | None = None) -> None:
        if isinstance(answer, bytes):
            payload, content_type = answer, "text/plain; charset=utf-8"
        else:
            payload, content_type = json.dumps(answer, ensure_ascii=False).encode("utf-8"), "application/json"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
