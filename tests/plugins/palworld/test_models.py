"""The lenient models: unknown fields ignored, missing or malformed ones None, ids kept as strings."""

import dataclasses

import pytest

from plugins.palworld.models import Player, ServerInfo, ServerMetrics, players_from_json


def test_info_from_an_early_server_without_worldguid() -> None:
    info = ServerInfo.from_json({"version": "v0.1.5.0", "servername": "Old", "description": ""})

    assert info == ServerInfo(version="0.1.5.0", name="Old", description="", world_guid=None)
    assert info.to_json() == {"version": "0.1.5.0", "name": "Old", "description": "", "world_guid": None}


@pytest.mark.parametrize("version", ["v0.3.4.56710", "0.3.4.56710", " V0.3.4.56710 "])
def test_version_is_the_same_with_or_without_v(version: str) -> None:
    assert ServerInfo.from_json({"version": version}).version == "0.3.4.56710"


@pytest.mark.parametrize("data", [None, [], "text", 3, {"unknown": 1}])
def test_odd_shapes_give_empty_values(data) -> None:
    assert ServerInfo.from_json(data) == ServerInfo()
    assert Player.from_json(data) == Player()
    assert ServerMetrics.from_json(data) == ServerMetrics()


def test_player_fields_of_the_wrong_type_become_none() -> None:
    p = Player.from_json(
        {
            "name": ["not", "text"],
            "userId": True,
            "playerId": -42,
            "ping": "NaN",
            "level": "12",
            "location_x": "1.5",
            "location_y": {"x": 1},
            "building_count": 2.0,
        }
    )

    assert p.name is None and p.user_id is None
    assert p.player_id == "-42"
    assert p.ping is None  # not finite
    assert (p.level, p.location_x, p.location_y, p.building_count) == (12, 1.5, None, 2)


def test_user_id_is_kept_exactly() -> None:
    for user_id in ("steam_76561198000000001", "76561198000000001", "xbox_2535412345678901", " odd id "):
        assert Player.from_json({"userId": user_id}).user_id == user_id


@pytest.mark.parametrize(("player_id", "logging_in"), [("None", True), ("00000000", True), ("-5", False),
                                                     ("1234567890", False), (None, False)])
def test_logging_in(player_id, logging_in: bool) -> None:
    assert Player(name="x", player_id=player_id).logging_in is logging_in


def test_player_to_json_has_the_contract_keys_even_when_unknown() -> None:
    row = Player(name="Alice", user_id="steam_1").to_json()

    assert row["name"] == "Alice" and row["userid"] == "steam_1"
    assert {"level", "ping"} <= row.keys()
    assert row["level"] is None and row["ping"] is None


def test_players_from_json_shapes() -> None:
    entry = {"name": "A", "userId": "u"}
    assert players_from_json({"players": [entry, "junk", None]}) == [Player(name="A", user_id="u")]
    assert players_from_json([entry]) == [Player(name="A", user_id="u")]
    assert players_from_json({"players": None}) == []
    assert players_from_json({}) == []
    assert players_from_json("players") == []


def test_metrics_from_an_early_server_and_floats_for_ints() -> None:
    metrics = ServerMetrics.from_json(
        {"serverfps": 59.6, "currentplayernum": 2, "serverframetime": 16, "maxplayernum": 32, "uptime": 3600}
    )

    assert metrics.to_json() == {
        "fps": 60,
        "frame_time_ms": 16.0,
        "players": 2,
        "max_players": 32,
        "uptime_s": 3600,
        "days": None,
        "basecamps": None,
    }


def test_models_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Player().name = "x"  # type: ignore[misc]
