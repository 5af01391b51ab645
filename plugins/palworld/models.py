"""What a Palworld server tells us, as frozen values built leniently from REST JSON or RCON text.

The REST schema grows with each game version (``worldguid``, ``accountName``, ``building_count``,
``basecampnum`` came later), so the constructors ignore unknown keys, turn missing or malformed values into
None, and never raise on a strange shape. Ids are kept as strings exactly as the server gave them
(``userId`` may be ``steam_7656…`` or carry another platform prefix; ``playerId`` may be negative or the
text ``"None"`` while a player is logging in): the server only understands its own ids, so they are sent
back unchanged.

``to_json()`` gives the plugin's action contract:

- info: ``{"version", "name", "description", "world_guid"}``
- players: a list of ``{"name", "userid", "player_id", "account_name", "ip", "ping", "level",
  "location_x", "location_y", "building_count"}`` (unknown values are null; the keys are always there)
- metrics: ``{"fps", "frame_time_ms", "players", "max_players", "uptime_s", "days", "basecamps"}``
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

#: ``playerId`` / ``playeruid`` values the server uses while a player is still logging in.
_LOGGING_IN_IDS = frozenset({"none", "00000000", "0", ""})


def _text(value: Any) -> str | None:
    """A string field: str kept, numbers turned into text (an id sent as a number), anything else None."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else str(value)
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _int(value: Any) -> int | None:
    number = _float(value)
    return None if number is None else round(number)


def _version(value: Any) -> str | None:
    """``"v0.3.4.56710"`` (REST) and ``"0.3.4.56710"`` (RCON) are the same version: keep it without the v."""
    text = _text(value)
    if text is None:
        return None
    text = text.strip()
    if text[:1] in ("v", "V") and text[1:2].isdigit():
        text = text[1:]
    return text or None


def _mapping(data: Any) -> Mapping[str, Any]:
    return data if isinstance(data, Mapping) else {}


@dataclass(frozen=True, slots=True)
class ServerInfo:
    """The server's identity (REST ``GET /info``, RCON ``Info``).

    Attributes:
        version: Without the leading ``v`` (``"0.3.4.56710"``), whatever the transport.
        world_guid: 32 hex digits on newer servers (REST only).
    """

    version: str | None = None
    name: str | None = None
    description: str | None = None
    world_guid: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """From ``GET /v1/api/info``; a non-object gives an empty ServerInfo."""
        data = _mapping(data)
        return cls(
            version=_version(data.get("version")),
            name=_text(data.get("servername")),
            description=_text(data.get("description")),
            world_guid=_text(data.get("worldguid")),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "name": self.name,
            "description": self.description,
            "world_guid": self.world_guid,
        }


@dataclass(frozen=True, slots=True)
class Player:
    """One connected player (REST ``GET /players`` entry, RCON ``ShowPlayers`` line).

    Attributes:
        user_id: REST ``userId`` / RCON ``steamid`` column, exactly as given: what kick/ban/unban take.
            None when unknown (e.g. the column was cut off by the server's truncation bug).
        player_id: REST ``playerId`` / RCON ``playeruid``, as text; ``"None"`` or ``"00000000"`` while the
            player is logging in, possibly negative.
        ping: Milliseconds. location_x / location_y: world coordinates. (REST only, like the other fields
            below.)
    """

    name: str | None = None
    user_id: str | None = None
    player_id: str | None = None
    account_name: str | None = None
    ip: str | None = None
    ping: float | None = None
    level: int | None = None
    location_x: float | None = None
    location_y: float | None = None
    building_count: int | None = None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """From one entry of ``GET /v1/api/players``; a non-object gives an empty Player."""
        data = _mapping(data)
        return cls(
            name=_text(data.get("name")),
            user_id=_text(data.get("userId")),
            player_id=_text(data.get("playerId")),
            account_name=_text(data.get("accountName")),
            ip=_text(data.get("ip")),
            ping=_float(data.get("ping")),
            level=_int(data.get("level")),
            location_x=_float(data.get("location_x")),
            location_y=_float(data.get("location_y")),
            building_count=_int(data.get("building_count")),
        )

    @property
    def logging_in(self) -> bool:
        """The server has not given the player their id yet (their Steam name is shown meanwhile)."""
        return self.player_id is not None and self.player_id.strip().lower() in _LOGGING_IN_IDS

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "userid": self.user_id,
            "player_id": self.player_id,
            "account_name": self.account_name,
            "ip": self.ip,
            "ping": self.ping,
            "level": self.level,
            "location_x": self.location_x,
            "location_y": self.location_y,
            "building_count": self.building_count,
        }


def players_from_json(data: Any) -> list[Player]:
    """The players of ``GET /v1/api/players``: ``{"players": [...]}`` or a bare list; anything else is empty.
    Entries that are not objects are skipped."""
    if isinstance(data, Mapping):
        data = data.get("players")
    if not isinstance(data, list):
        return []
    return [Player.from_json(entry) for entry in data if isinstance(entry, Mapping)]


@dataclass(frozen=True, slots=True)
class ServerMetrics:
    """Server health (REST ``GET /metrics``; RCON has no equivalent).

    Attributes:
        fps: Server frames per second. frame_time_ms: Milliseconds per frame.
        players / max_players: Connected and allowed players.
        uptime_s: Seconds since the server started. days: In-game days (newer servers).
        basecamps: Number of base camps (newer servers).
    """

    fps: int | None = None
    frame_time_ms: float | None = None
    players: int | None = None
    max_players: int | None = None
    uptime_s: int | None = None
    days: int | None = None
    basecamps: int | None = None

    @classmethod
    def from_json(cls, data: Any) -> Self:
        """From ``GET /v1/api/metrics``; a non-object gives empty metrics."""
        data = _mapping(data)
        return cls(
            fps=_int(data.get("serverfps")),
            frame_time_ms=_float(data.get("serverframetime")),
            players=_int(data.get("currentplayernum")),
            max_players=_int(data.get("maxplayernum")),
            uptime_s=_int(data.get("uptime")),
            days=_int(data.get("days")),
            basecamps=_int(data.get("basecampnum")),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "fps": self.fps,
            "frame_time_ms": self.frame_time_ms,
            "players": self.players,
            "max_players": self.max_players,
            "uptime_s": self.uptime_s,
            "days": self.days,
            "basecamps": self.basecamps,
        }
