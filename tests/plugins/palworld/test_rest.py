"""PalworldRest against a fake Palworld REST API on 127.0.0.1 (real sockets, real HTTP)."""

import base64
import time

import pytest

from plugins.palworld.models import Player
from plugins.palworld.rest import (
    PalworldAuthError,
    PalworldError,
    PalworldRest,
    PalworldUnavailable,
)
from tests.helpers.palworld_rest import DEFAULT_PASSWORD, FakePalworldRest, player
from tests.helpers.receiver import WebhookReceiver, refused_url


@pytest.fixture
def server():
    with FakePalworldRest() as fake:
        yield fake


@pytest.fixture
def rest(server: FakePalworldRest) -> PalworldRest:
    return PalworldRest(server.host, server.port, DEFAULT_PASSWORD, timeout=3.0)


# -- reads -------------------------------------------------------------------------------------------------


def test_info_reads_the_server_and_ignores_unknown_fields(rest: PalworldRest, server: FakePalworldRest) -> None:
    info = rest.info()

    assert info.version == "0.3.4.56710"
    assert info.name == "Monitor Test, (Palworld) Server"
    assert info.description == "A fake server for the tests"
    assert info.world_guid == "0A1B2C3D4E5F60718293A4B5C6D7E8F9"
    [request] = server.requests
    assert (request.method, request.path) == ("GET", "/v1/api/info")


def test_every_request_carries_basic_auth_for_admin(rest: PalworldRest, server: FakePalworldRest) -> None:
    rest.info()
    rest.kick("steam_76561198000000001")

    expected = "Basic " + base64.b64encode(b"admin:" + DEFAULT_PASSWORD.encode()).decode()
    assert [r.headers["Authorization"] for r in server.requests] == [expected, expected]
    assert all(r.authorized for r in server.requests)


def test_players_keep_ids_exactly_and_read_later_fields(rest: PalworldRest) -> None:
    alice, chulsoo, newcomer = rest.players()

    assert alice == Player(
        name="Alice",
        user_id="steam_76561198000000001",
        player_id="1234567890",
        account_name="alice",
        ip="192.168.1.20",
        ping=12.5,
        level=12,
        location_x=100.0,
        location_y=-50.0,
        building_count=3,
    )
    assert (chulsoo.name, chulsoo.player_id, chulsoo.account_name) == ("김철수", "-1598765432", "chulsoo")
    assert newcomer.player_id == "None"
    assert newcomer.logging_in and not alice.logging_in and not chulsoo.logging_in


def test_players_from_an_early_server_lack_the_later_fields(rest: PalworldRest, server: FakePalworldRest) -> None:
    early = player("Bob", "76561198000000009", player_id=987654321)
    del early["accountName"], early["building_count"]
    server.players = [early]

    [bob] = rest.players()

    assert bob.user_id == "76561198000000009"
    assert bob.player_id == "987654321"  # a number on the wire, kept as text
    assert bob.account_name is None and bob.building_count is None


def test_players_follow_the_servers_list(rest: PalworldRest, server: FakePalworldRest) -> None:
    server.players = []
    assert rest.players() == []

    server.players = [player("Carol", "xbox_2535412345678901")]
    assert [p.user_id for p in rest.players()] == ["xbox_2535412345678901"]


def test_players_to_json_is_the_action_contract(rest: PalworldRest) -> None:
    rows = [p.to_json() for p in rest.players()]

    assert rows[0]["name"] == "Alice"
    assert rows[0]["userid"] == "steam_76561198000000001"
    assert (rows[0]["level"], rows[0]["ping"]) == (12, 12.5)
    assert "userId" not in rows[0]


def test_metrics(rest: PalworldRest, server: FakePalworldRest) -> None:
    metrics = rest.metrics()

    assert metrics.to_json() == {
        "fps": 59,
        "frame_time_ms": 16.95,
        "players": 3,
        "max_players": 32,
        "uptime_s": 7265,
        "days": 12,
        "basecamps": 4,
    }
    server.metrics_extra = {"serverfps": "57", "newmetric": [1]}
    assert rest.metrics().fps == 57


def test_settings_is_the_servers_dict(rest: PalworldRest) -> None:
    settings = rest.settings()

    assert settings["RESTAPIPort"] == 8212
    assert settings["CrossplayPlatforms"] == ["Steam", "Xbox", "PS5", "Mac"]


# -- commands --------------------------------------------------------------------------------------------


def test_kick_sends_lowercase_userid_and_the_message(rest: PalworldRest, server: FakePalworldRest) -> None:
    rest.kick("steam_76561198000000001", "AFK too long")

    [request] = server.posts("kick")
    assert request.json() == {"userid": "steam_76561198000000001", "message": "AFK too long"}
    assert request.headers["Content-Type"] == "application/json"
    assert "steam_76561198000000001" not in [p["userId"] for p in server.players]


def test_kick_without_message_sends_only_the_userid(rest: PalworldRest, server: FakePalworldRest) -> None:
    rest.kick("steam_76561198000000002")

    assert server.posts("kick")[0].json() == {"userid": "steam_76561198000000002"}


def test_ban_and_unban(rest: PalworldRest, server: FakePalworldRest) -> None:
    rest.ban("steam_76561198000000001", "griefing")
    assert server.banned == {"steam_76561198000000001"}
    assert server.posts("ban")[0].json() == {"userid": "steam_76561198000000001", "message": "griefing"}

    rest.unban("steam_76561198000000001")
    assert server.banned == set()
    assert server.posts("unban")[0].json() == {"userid": "steam_76561198000000001"}


def test_announce_keeps_unicode_and_spaces(rest: PalworldRest, server: FakePalworldRest) -> None:
    rest.announce("서버 점검 in 5 minutes")

    assert server.announcements == ["서버 점검 in 5 minutes"]


def test_shutdown_sends_waittime(rest: PalworldRest, server: FakePalworldRest) -> None:
    rest.shutdown(30, "Restarting for an update")
    rest.shutdown(0)

    assert server.shutdowns == [{"waittime": 30, "message": "Restarting for an update"}, {"waittime": 0}]


def test_save_and_stop_post_without_a_body(rest: PalworldRest, server: FakePalworldRest) -> None:
    rest.save()
    rest.stop()

    assert (server.saves, server.stops) == (1, 1)
    assert [(r.method, r.endpoint, r.body) for r in server.requests] == [
        ("POST", "save", b""),
        ("POST", "stop", b""),
    ]


@pytest.mark.parametrize(
    ("call", "bad"),
    [
        (lambda rest: rest.kick(""), "user id"),
        (lambda rest: rest.ban("   "), "user id"),
        (lambda rest: rest.unban(None), "user id"),  # type: ignore[arg-type]
        (lambda rest: rest.shutdown(-1), "seconds"),
        (lambda rest: rest.shutdown(True), "seconds"),
        (lambda rest: rest.announce(" "), "empty"),
    ],
)
def test_bad_arguments_are_refused_before_sending(rest: PalworldRest, server: FakePalworldRest, call, bad) -> None:
    with pytest.raises(ValueError, match=bad):
        call(rest)
    assert server.requests == []


def test_post_success_is_judged_by_status_not_body() -> None:
    with WebhookReceiver() as receiver:
        receiver.respond(200, {"Content-Type": "text/plain"}, b"The player was banned.")
        receiver.respond(200, {}, b"")
        rest = PalworldRest("127.0.0.1", receiver.port, "pw", timeout=3.0)

        rest.ban("steam_76561198000000001")
        rest.save()


def test_players_answered_as_a_bare_list_are_read() -> None:
    with WebhookReceiver() as receiver:
        receiver.respond(200, {"Content-Type": "application/json"}, b'[{"name": "Dan", "userId": "steam_1"}, 7]')
        rest = PalworldRest("127.0.0.1", receiver.port, "pw", timeout=3.0)

        assert rest.players() == [Player(name="Dan", user_id="steam_1")]


def test_latency_is_recorded(rest: PalworldRest) -> None:
    assert rest.last_latency_s is None
    rest.info()
    assert rest.last_latency_s is not None and rest.last_latency_s >= 0


def test_repr_hides_the_password(rest: PalworldRest) -> None:
    assert DEFAULT_PASSWORD not in repr(rest)
    assert rest.base_url in repr(rest)


# -- failures ---------------------------------------------------------------------------------------------


def test_wrong_password_is_an_auth_error(server: FakePalworldRest) -> None:
    rest = PalworldRest(server.host, server.port, "wrong", timeout=3.0)

    with pytest.raises(PalworldAuthError) as caught:
        rest.players()

    assert caught.value.status == 401
    assert str(caught.value) == (
        "the REST API refused the admin password — check AdminPassword in PalWorldSettings.ini"
    )
    assert server.requests[0].authorized is False


def test_auth_error_on_commands_too(server: FakePalworldRest) -> None:
    with pytest.raises(PalworldAuthError):
        PalworldRest(server.host, server.port, "", timeout=3.0).kick("steam_76561198000000001")
    assert len(server.players) == 3


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_carry_the_status(rest: PalworldRest, server: FakePalworldRest, status: int) -> None:
    server.fail(status)

    with pytest.raises(PalworldError) as caught:
        rest.save()

    assert type(caught.value) is PalworldError
    assert caught.value.status == status
    assert str(status) in str(caught.value)
    assert caught.value.endpoint == "save"


def test_bad_request_is_explained(rest: PalworldRest, server: FakePalworldRest) -> None:
    server.fail(400)

    with pytest.raises(PalworldError, match="bad request") as caught:
        rest.kick("steam_76561198000000001")
    assert caught.value.status == 400


def test_recovers_after_failures(rest: PalworldRest, server: FakePalworldRest) -> None:
    server.fail(500)
    with pytest.raises(PalworldError):
        rest.info()
    server.behave()
    assert rest.info().version == "0.3.4.56710"


def test_a_hanging_server_times_out(server: FakePalworldRest) -> None:
    server.hang(30)
    rest = PalworldRest(server.host, server.port, DEFAULT_PASSWORD, timeout=0.5)

    started = time.monotonic()
    with pytest.raises(PalworldUnavailable, match="RESTAPIEnabled=True") as caught:
        rest.metrics()

    assert time.monotonic() - started < 10  # bounded by the timeout, not by the 30 s hang
    assert caught.value.status is None
    assert "0.5 s" in str(caught.value)


def test_a_trickling_answer_is_bounded_by_the_timeout_too() -> None:
    with WebhookReceiver() as receiver:
        receiver.trickle(30, interval=0.05, headers={"Content-Type": "application/json"})
        rest = PalworldRest("127.0.0.1", receiver.port, "pw", timeout=0.5)

        started = time.monotonic()
        with pytest.raises(PalworldUnavailable):
            rest.settings()
        assert time.monotonic() - started < 10  # each byte comes in time, the whole answer does not


def test_connection_refused_is_unavailable() -> None:
    port = int(refused_url().rsplit(":", 1)[1].split("/")[0])
    rest = PalworldRest("127.0.0.1", port, "pw", timeout=2.0)

    with pytest.raises(PalworldUnavailable, match="is RESTAPIEnabled=True and the server running"):
        rest.info()


def test_an_answer_that_is_not_json_is_an_error() -> None:
    with WebhookReceiver() as receiver:
        receiver.respond(200, {"Content-Type": "text/html"}, b"<html>router login</html>")
        receiver.respond(200, {"Content-Type": "application/json"}, b"[1, 2]")
        rest = PalworldRest("127.0.0.1", receiver.port, "pw", timeout=3.0)

        with pytest.raises(PalworldError, match="not JSON"):
            rest.info()
        with pytest.raises(PalworldError, match="not an object"):
            rest.metrics()


def test_a_port_that_does_not_speak_http_is_explained() -> None:
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def rcon_like_peer() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)
            conn.sendall(b"\x0a\x00\x00\x00\x07\x00\x00\x00\x02\x00\x00\x00\x00\x00\r\n\r\n")

    thread = threading.Thread(target=rcon_like_peer, daemon=True)
    thread.start()
    try:
        rest = PalworldRest("127.0.0.1", listener.getsockname()[1], "pw", timeout=3.0)
        with pytest.raises(PalworldError, match="RESTAPIPort") as caught:
            rest.info()
        assert not isinstance(caught.value, PalworldUnavailable | PalworldAuthError)
    finally:
        thread.join(timeout=5)
        listener.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [(("",), "host"), (("h", 0), "port"), (("h", 70000), "port")],
)
def test_constructor_checks_its_arguments(args, message) -> None:
    with pytest.raises(ValueError, match=message):
        PalworldRest(*args)


def test_ipv6_host_in_the_base_url() -> None:
    assert PalworldRest("[::1]", 8212, "pw").base_url == "http://[::1]:8212/v1/api"
