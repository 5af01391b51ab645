"""RCON replies and commands, with the exact texts of reference/palworld-protocols.md §2."""

import pytest

from plugins.palworld import rcon_text
from plugins.palworld.models import Player, ServerInfo
from plugins.palworld.rcon_text import ok_reply, parse_info, parse_players, rcon_message

# -- Info ------------------------------------------------------------------------------------------------


def test_info_of_an_early_server() -> None:
    info = parse_info("Welcome to Pal Server[v0.1.4.1] Default Palworld Server\n")

    assert info == ServerInfo(version="0.1.4.1", name="Default Palworld Server")
    assert info.to_json()["version"] == "0.1.4.1"


def test_info_of_a_later_build() -> None:
    assert parse_info("Welcome to Pal Server[v0.7.3.90464] My Server\n") == ServerInfo(
        version="0.7.3.90464", name="My Server"
    )


@pytest.mark.parametrize(
    ("text", "version", "name"),
    [
        ("Welcome to Pal Server[0.1.4.1] Default Palworld Server\n", "0.1.4.1", "Default Palworld Server"),
        ("Welcome to Pal Server[v0.2.4.0]\n", "0.2.4.0", None),
        ("\x00\nWelcome to Pal Server[v0.2.4.0]팰월드 한국 서버\x00\x00", "0.2.4.0", "팰월드 한국 서버"),
        ("welcome to pal server[v0.3.1.0] lower case\r\n", "0.3.1.0", "lower case"),
        ("Welcome to Pal Server[v0.5.1.57150] 帕鲁服", "0.5.1.57150", "帕鲁服"),  # cut off, no newline
    ],
)
def test_info_is_tolerant(text: str, version: str, name: str | None) -> None:
    assert parse_info(text) == ServerInfo(version=version, name=name)


@pytest.mark.parametrize("text", ["", "Unknown command", "\x00\x00", "Pal Server v0.1"])
def test_info_that_is_not_an_info_reply_is_empty(text: str) -> None:
    assert parse_info(text) == ServerInfo()


# -- ShowPlayers -----------------------------------------------------------------------------------------


def test_show_players_exact_reply() -> None:
    players = parse_players("name,playeruid,steamid\nAlice,1234567890,76561198000000001\n")

    assert players == [Player(name="Alice", player_id="1234567890", user_id="76561198000000001")]
    assert players[0].to_json()["userid"] == "76561198000000001"


def test_show_players_with_nobody_online() -> None:
    assert parse_players("name,playeruid,steamid\n") == []


def test_show_players_keeps_prefixed_ids_and_logging_in_players() -> None:
    text = (
        "name,playeruid,steamid\n"
        "Alice,1234567890,steam_76561198000000001\n"
        "SteamNameWhileLoggingIn,00000000,steam_76561198000000002\n"
        "Crossplayer,555,xbox_2535412345678901\n"
    )
    alice, newcomer, crossplayer = parse_players(text)

    assert alice.user_id == "steam_76561198000000001"
    assert newcomer.player_id == "00000000" and newcomer.logging_in
    assert crossplayer.user_id == "xbox_2535412345678901"


def test_names_with_commas_take_the_last_two_columns_as_ids() -> None:
    [player] = parse_players("name,playeruid,steamid\nBob, the Builder,,2222,76561198000000002\n")

    assert player == Player(name="Bob, the Builder,", player_id="2222", user_id="76561198000000002")


def test_non_ascii_names() -> None:
    text = "name,playeruid,steamid\n김철수,111,76561198000000011\n玩家一号,222,76561198000000012\nJosé,333,76561198000000013\n"

    assert [(p.name, p.player_id) for p in parse_players(text)] == [
        ("김철수", "111"),
        ("玩家一号", "222"),
        ("José", "333"),
    ]


def test_truncated_last_line_keeps_what_is_known() -> None:
    # the server's cut-off bug: the last ~10 bytes and the final newline are gone
    text = "name,playeruid,steamid\nAlice,1234567890,76561198000000001\nBob,2222,7656119800"

    alice, bob = parse_players(text)

    assert alice.user_id == "76561198000000001"
    assert bob == Player(name="Bob", player_id="2222", user_id=None)


def test_truncated_in_the_player_id_keeps_the_name() -> None:
    alice, bob = parse_players("name,playeruid,steamid\nAlice,1,76561198000000001\nBob,22")

    assert bob == Player(name="Bob")
    assert alice.user_id == "76561198000000001"


def test_truncated_in_the_name_skips_the_line() -> None:
    assert parse_players("name,playeruid,steamid\nAlice,1,76561198000000001\nBo") == [
        Player(name="Alice", player_id="1", user_id="76561198000000001")
    ]


def test_truncated_name_with_commas_is_not_mistaken_for_ids() -> None:
    [player] = parse_players("name,playeruid,steamid\nAl,ice,12")

    assert player == Player(name="Al,ice")


def test_only_the_newline_lost_keeps_a_whole_steam_id() -> None:
    [player] = parse_players("name,playeruid,steamid\nAlice,1,steam_76561198000000001")

    assert player.user_id == "steam_76561198000000001"


def test_a_short_steam_id_in_the_middle_was_cut_and_is_dropped() -> None:
    # UTF-8 names make the server cut columns of any line (VeroFess/PalWorld-Server-Unoffical-Api#30)
    text = "name,playeruid,steamid\n팰월드플레이어,3333,765611980\nAlice,1,76561198000000001\n"

    cut, alice = parse_players(text)

    assert cut == Player(name="팰월드플레이어", player_id="3333", user_id=None)
    assert alice.user_id == "76561198000000001"


def test_partial_reply_with_nuls_and_a_cut_header() -> None:
    assert parse_players("name,playeruid,ste\x00\x00", partial=True) == []


def test_partial_reply_ending_between_lines_keeps_its_players() -> None:
    text = "name,playeruid,steamid\nAlice,1,76561198000000001\n"

    assert parse_players(text, partial=True) == parse_players(text) != []


def test_partial_reply_cut_mid_line() -> None:
    players = parse_players("name,playeruid,steamid\nAlice,1,76561198000000001\nBob,2,xbox_25354", partial=True)

    assert players[-1] == Player(name="Bob", player_id="2")


def test_windows_line_endings() -> None:
    assert parse_players("name,playeruid,steamid\r\nAlice,1,76561198000000001\r\n") == [
        Player(name="Alice", player_id="1", user_id="76561198000000001")
    ]


@pytest.mark.parametrize("text", ["", "Unknown command\n", "Alice,1,76561198000000001\n"])
def test_a_reply_without_the_header_has_no_players(text: str) -> None:
    assert parse_players(text) == []


# -- messages and commands ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        ("Server restarts in 5 minutes", "Server_restarts_in_5_minutes"),
        ("  spaced\tout\n  text ", "spaced_out_text"),
        ("Café déjà vu", "Cafe_deja_vu"),
        ("서버 restart 곧", "restart"),
        ("ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
        ("bell\x07 and nul\x00", "bell_and_nul"),
        ("", ""),
    ],
)
def test_rcon_message_is_one_ascii_word(text: str, sent: str) -> None:
    assert rcon_message(text) == sent


def test_rcon_message_is_capped() -> None:
    message = rcon_message("word " * 100)

    assert len(message) <= rcon_text.MESSAGE_LIMIT
    assert not message.endswith("_")
    assert rcon_message("abcdef", limit=3) == "abc"


def test_rcon_message_can_use_the_unit_separator() -> None:
    assert rcon_message("a b", space="\x1f") == "a\x1fb"


def test_command_builders() -> None:
    assert rcon_text.info() == "Info"
    assert rcon_text.show_players() == "ShowPlayers"
    assert rcon_text.save() == "Save"
    assert rcon_text.do_exit() == "DoExit"
    assert rcon_text.broadcast("Back in 5 min") == "Broadcast Back_in_5_min"
    assert rcon_text.kick("steam_76561198000000001") == "KickPlayer steam_76561198000000001"
    assert rcon_text.ban("76561198000000001") == "BanPlayer 76561198000000001"
    assert rcon_text.unban(" 76561198000000001 ") == "UnBanPlayer 76561198000000001"
    assert rcon_text.shutdown(60, "Update time!") == "Shutdown 60 Update_time!"
    assert rcon_text.shutdown(10) == "Shutdown 10"
    assert rcon_text.shutdown(10, "점검") == "Shutdown 10"


@pytest.mark.parametrize("userid", ["", "two words", "steam_1;Save", "김철수", None])
def test_player_ids_must_be_one_ascii_word(userid) -> None:
    with pytest.raises(ValueError):
        rcon_text.kick(userid)


def test_broadcast_with_nothing_sendable_is_refused() -> None:
    with pytest.raises(ValueError, match="ASCII"):
        rcon_text.broadcast("안녕하세요")


@pytest.mark.parametrize("seconds", [-1, 1.5, True])
def test_shutdown_delay_is_whole_seconds(seconds) -> None:
    with pytest.raises(ValueError):
        rcon_text.shutdown(seconds)


# -- reply checks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        ("Save", "Complete Save\n"),
        ("save", "Complete Save"),
        ("Broadcast hi", "Broadcasted: hi\n"),
        ("broadcast Testing", "Broadcasted: Testing"),
        ("KickPlayer 76561198000000001", "Kicked: 76561198000000001\n"),
        ("BanPlayer 76561198000000001", "Baned: 76561198000000001\n"),
        ("BanPlayer 76561198000000001", "Banned: 76561198000000001\n"),
        ("Shutdown 100 m", "The server will shut down in 100 seconds. Please prepare to exit the game.\n"),
        ("DoExit", "Shutdown...\n"),
        ("Info", "Welcome to Pal Server[v0.1.4.1] Default Palworld Server\n"),
        ("ShowPlayers", "name,playeruid,steamid\n"),
        ("UnBanPlayer 76561198000000001", "Unbanned: 76561198000000001\n"),
    ],
)
def test_ok_replies(command: str, reply: str) -> None:
    assert ok_reply(command, reply)


@pytest.mark.parametrize(
    ("command", "reply"),
    [
        ("Save", ""),
        ("Save", "Unknown command\n"),
        ("Broadcast hi", "Complete Save"),
        ("KickPlayer 1", "Unknown command"),
        ("BanPlayer 1", "Kicked: 1"),
        ("UnBanPlayer 1", "Unknown command\n"),
        ("UnBanPlayer 1", "\x00"),
        ("Teleport 1", "Teleported"),
        ("", "Complete Save"),
    ],
)
def test_not_ok_replies(command: str, reply: str) -> None:
    assert not ok_reply(command, reply)
