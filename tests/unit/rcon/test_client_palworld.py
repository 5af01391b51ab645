"""RconClient against a Palworld-like peer on 127.0.0.1: every quirk of reference/palworld-protocols.md section 2."""

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from monitor_app.rcon import (
    RconAuthError,
    RconClient,
    RconConnectionError,
    RconError,
    RconProtocolError,
    RconReply,
    RconTimeout,
)
from tests.helpers.rcon_peer import (
    PLAYERS,
    HangUp,
    PalworldPeer,
    Raw,
    Silence,
    Truncated,
    frame,
)

PASSWORD = "s3cret"
INFO = "Welcome to Pal Server[v0.1.4.1] Default Palworld Server\n"
SHORT = 0.3  # the deadline in tests that wait for one


@pytest.fixture
def peer() -> Iterator[PalworldPeer]:
    with PalworldPeer(PASSWORD) as peer:
        yield peer


def client_for(peer: PalworldPeer, password: str = PASSWORD, timeout: float = 5.0) -> RconClient:
    return RconClient(peer.host, peer.port, password, timeout=timeout, connect_timeout=2.0)


def test_info_round_trip_with_palworld_defaults(peer: PalworldPeer) -> None:
    with client_for(peer) as rcon:
        reply = rcon.command("Info")
    assert reply.text == INFO and reply.partial is False and reply.latency_ms > 0
    assert isinstance(reply, RconReply)
    assert peer.logins == 1


def test_nothing_touches_the_network_before_the_first_command(peer: PalworldPeer) -> None:
    with client_for(peer) as rcon:
        assert peer.connections == 0
        rcon.command("Info")
        assert peer.connections == 1


def test_a_session_answers_each_command_in_turn_on_one_connection(peer: PalworldPeer) -> None:
    with client_for(peer) as rcon:
        texts = [rcon.command(c).text for c in ("Info", "ShowPlayers", "Save", "Broadcast hi", "nonsense")]
    assert texts == [INFO, PLAYERS, "Complete Save\n", "Broadcasted: hi\n", "Unknown command\n"]
    assert (peer.connections, peer.logins) == (1, 1)


@pytest.mark.parametrize("echo_ids", [False, True], ids=["reply-id-0", "reply-id-echoed"])
@pytest.mark.parametrize("auth", ["single", "valve", "valve_split", "reversed"])
def test_every_login_sequence_and_reply_id_works(auth: str, echo_ids: bool) -> None:
    # "reversed" leaves an empty RESPONSE_VALUE behind the AUTH_RESPONSE: it must not pass for Info's reply.
    with PalworldPeer(PASSWORD, auth=auth, echo_ids=echo_ids) as peer, client_for(peer) as rcon:
        assert rcon.command("Info").text == INFO
        assert rcon.command("ShowPlayers").text == PLAYERS
        assert peer.logins == 1


@pytest.mark.parametrize("auth", ["single", "valve", "valve_split", "reversed"])
def test_a_wrong_password_says_to_check_admin_password(auth: str) -> None:
    with (
        PalworldPeer(PASSWORD, auth=auth) as peer,
        client_for(peer, password="wrong-pw") as rcon,
        pytest.raises(RconAuthError, match="AdminPassword") as caught,
    ):
        rcon.command("Info")
    assert "wrong-pw" not in caught.value.message
    assert peer.commands() == []


def test_request_ids_are_positive_and_increase_across_reconnects() -> None:
    with PalworldPeer(PASSWORD, close_after_command=True) as peer, client_for(peer) as rcon:
        for _ in range(4):
            rcon.command("Info")
    ids = [r.request_id for r in peer.received()]
    assert len(ids) == 8  # 4 logins + 4 commands
    assert all(i > 0 for i in ids)
    assert ids == sorted(set(ids))


def test_the_empty_packet_probe_is_never_sent(peer: PalworldPeer) -> None:
    with client_for(peer) as rcon:
        for command in ("Info", "ShowPlayers", "Save"):
            rcon.command(command)
    assert [r.type for r in peer.received()] == [3, 2, 2, 2]


def test_outgoing_text_is_ascii_with_question_marks(peer: PalworldPeer) -> None:
    with client_for(peer) as rcon:
        rcon.command("Broadcast héllo→wörld")
    [command] = peer.commands()
    assert command.body == b"Broadcast h?llo?w?rld"


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("name,playeruid,steamid\n김철수,1234", "name,playeruid,steamid\n김철수,1234"),
        (
            "Welcome to Pal Server[v0.7.3.90464] 팔월드 서버",
            "Welcome to Pal Server[v0.7.3.90464] 팔월드 서버",
        ),
        ("", ""),
    ],
)
def test_a_size_header_longer_than_the_reply_gives_a_partial_reply_at_the_deadline(
    peer: PalworldPeer, sent: str, expected: str
) -> None:
    peer.queue(Truncated(sent.encode()))
    with client_for(peer, timeout=SHORT) as rcon:
        started = time.monotonic()
        reply = rcon.command("ShowPlayers")
        waited = time.monotonic() - started
        assert reply.partial is True
        assert reply.text == expected  # the NUL terminators that came are stripped
        assert SHORT * 0.9 <= waited < 3.0
        # The framing of that connection is lost: the next command logs in on a new one.
        assert rcon.command("Info") == RconReply(INFO, False, pytest.approx(0, abs=5_000))
    assert (peer.connections, peer.logins) == (2, 2)


def test_a_reply_cut_inside_a_utf8_character_ends_with_a_replacement_character(peer: PalworldPeer) -> None:
    peer.queue(Truncated("Alice,Å".encode()[:-1]))
    with client_for(peer, timeout=SHORT) as rcon:
        reply = rcon.command("ShowPlayers")
    assert reply.partial and reply.text == "Alice,\ufffd"


def test_a_hang_up_in_mid_reply_returns_the_part_without_waiting(peer: PalworldPeer) -> None:
    peer.queue(Truncated(b"name,playeruid,steamid\nAli", then_close=True))
    with client_for(peer, timeout=10.0) as rcon:
        started = time.monotonic()
        reply = rcon.command("ShowPlayers")
        assert time.monotonic() - started < 5.0  # the hang-up ends the wait, not the 10 s deadline
    assert reply.partial and reply.text == "name,playeruid,steamid\nAli"
    assert len(peer.commands()) == 1  # part of a reply came: the command ran, it is not sent again


def test_a_server_that_closes_after_each_command_is_reconnected_to() -> None:
    with PalworldPeer(PASSWORD, close_after_command=True) as peer, client_for(peer) as rcon:
        texts = [rcon.command("Info").text for _ in range(5)]
    assert texts == [INFO] * 5
    assert (peer.connections, peer.logins, len(peer.commands())) == (5, 5, 5)


def test_a_hang_up_before_the_reply_is_retried_once_on_a_new_connection(peer: PalworldPeer) -> None:
    peer.queue(HangUp())
    with client_for(peer) as rcon:
        assert rcon.command("Save").text == "Complete Save\n"
    # Documented: the server may have run it before hanging up, so it can run twice.
    assert [c.text for c in peer.commands()] == ["Save", "Save"]
    assert [c.connection for c in peer.commands()] == [1, 2]


def test_two_hang_ups_raise_and_the_client_stays_usable(peer: PalworldPeer) -> None:
    peer.queue(HangUp(), HangUp())
    with client_for(peer) as rcon:
        with pytest.raises(RconConnectionError, match="closed the RCON connection before answering 'Save'"):
            rcon.command("Save")
        assert len(peer.commands()) == 2
        assert rcon.command("Info").text == INFO
    assert peer.connections == 3


def test_a_server_that_never_answers_times_out(peer: PalworldPeer) -> None:
    peer.queue(Silence())
    with client_for(peer, timeout=SHORT) as rcon:
        started = time.monotonic()
        with pytest.raises(RconTimeout, match=r"no reply from .* to 'Info' within 0.3 s"):
            rcon.command("Info")
        assert SHORT * 0.9 <= time.monotonic() - started < 3.0
        assert rcon.command("Info").text == INFO
    assert peer.connections == 2


def test_a_login_nobody_answers_times_out() -> None:
    # The kernel completes the TCP handshake on a listening socket that never accepts.
    with socket.create_server(("127.0.0.1", 0)) as mute:
        host, port = mute.getsockname()[:2]
        with (
            RconClient(host, port, PASSWORD, timeout=SHORT) as rcon,
            pytest.raises(RconTimeout, match="login"),
        ):
            rcon.command("Info")


def test_a_refused_connection_asks_whether_rcon_is_enabled() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with RconClient("127.0.0.1", port, PASSWORD) as rcon, pytest.raises(RconConnectionError) as caught:
        rcon.command("Info")
    assert caught.value.message == (
        f"cannot connect to 127.0.0.1:{port}: connection refused — is RCONEnabled=True in PalWorldSettings.ini?"
    )
    assert caught.value.code == "rcon_connection_failed"


def test_a_peer_that_is_not_rcon_is_reported_and_dropped(peer: PalworldPeer) -> None:
    peer.queue(Raw(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
    with client_for(peer) as rcon:
        with pytest.raises(RconProtocolError, match="does not speak Source RCON"):
            rcon.command("Info")
        assert rcon.command("Info").text == INFO
    assert peer.connections == 2


def test_a_packet_answering_an_earlier_request_is_skipped(peer: PalworldPeer) -> None:
    # id 1 was the login; Palworld's reply (id 0) comes after it in the same segment.
    peer.queue(Raw(frame(1, 0, b"stale") + frame(0, 0, b"fresh")))
    with client_for(peer) as rcon:
        assert rcon.command("Info").text == "fresh"
        assert rcon.command("Info").text == INFO  # nothing left over


def test_a_rejected_password_in_mid_session_is_an_auth_error(peer: PalworldPeer) -> None:
    peer.queue(Raw(frame(-1, 2)))
    with client_for(peer) as rcon, pytest.raises(RconAuthError, match="AdminPassword"):
        rcon.command("Info")


def test_commands_from_many_threads_run_one_at_a_time() -> None:
    with PalworldPeer(PASSWORD, handler=lambda command: command.removeprefix("echo ")) as peer:
        rcon = client_for(peer)
        mismatches: list[tuple[str, str]] = []

        def work(worker: int) -> None:
            for i in range(20):
                text = f"{worker}-{i}"
                reply = rcon.command(f"echo {text}").text
                if reply != text:
                    mismatches.append((text, reply))

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        rcon.close()
    assert mismatches == []
    assert len(peer.commands()) == 160
    assert peer.pipelined is False
    assert peer.connections == 1


def test_close_interrupts_a_waiting_command(peer: PalworldPeer) -> None:
    peer.queue(Silence())
    rcon = client_for(peer, timeout=30.0)
    outcome: list[BaseException | RconReply] = []

    def wait() -> None:
        try:
            outcome.append(rcon.command("Info"))
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            outcome.append(err)

    waiter = threading.Thread(target=wait)
    waiter.start()
    peer.wait_for_commands(1)
    rcon.close()
    waiter.join(5)
    assert not waiter.is_alive()
    [error] = outcome
    assert isinstance(error, RconConnectionError) and "closed" in error.message


def test_a_closed_client_refuses_commands(peer: PalworldPeer) -> None:
    with client_for(peer) as rcon:
        rcon.command("Info")
    with pytest.raises(RconConnectionError, match="is closed"):
        rcon.command("Info")


@pytest.mark.parametrize("command", ["say\x00hi", "x" * 4087])
def test_commands_that_cannot_be_one_packet_are_refused_before_any_io(
    peer: PalworldPeer, command: str
) -> None:
    with client_for(peer) as rcon, pytest.raises(ValueError):
        rcon.command(command)
    assert peer.connections == 0


@pytest.mark.parametrize(("port", "timeout"), [(0, 1.0), (70000, 1.0), (25575, 0.0)])
def test_bad_settings_are_refused(port: int, timeout: float) -> None:
    with pytest.raises(ValueError):
        RconClient("127.0.0.1", port, PASSWORD, timeout=timeout)


def test_every_error_is_an_rcon_error() -> None:
    for error in (RconConnectionError, RconAuthError, RconTimeout, RconProtocolError):
        assert issubclass(error, RconError)
