"""PalWorldSettings.ini: finding it from the program path, reading it robustly, suggesting plugin settings."""

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plugins.palworld.ini import ServerSettings, find_settings_file, read_server_settings, suggest

HEADER = "[/Script/Pal.PalGameWorldSettings]\n"

# The OptionSettings line of a recent DefaultPalWorldSettings.ini (a fresh server's defaults).
DEFAULT_LINE = (
    "OptionSettings=(Difficulty=None,RandomizerType=None,RandomizerSeed=\"\",DayTimeSpeedRate=1.000000,"
    "NightTimeSpeedRate=1.000000,ExpRate=1.000000,PalCaptureRate=1.000000,DeathPenalty=All,"
    "bEnablePlayerToPlayerDamage=False,bEnableFriendlyFire=False,DropItemMaxNum=3000,BaseCampMaxNum=128,"
    "AutoSaveSpan=30.000000,bIsMultiplay=False,bIsPvP=False,CoopPlayerMaxNum=4,ServerPlayerMaxNum=32,"
    "ServerName=\"Default Palworld Server\",ServerDescription=\"\",AdminPassword=\"\",ServerPassword=\"\","
    "PublicPort=8211,PublicIP=\"\",RCONEnabled=False,RCONPort=25575,Region=\"\",bUseAuth=True,"
    "BanListURL=\"https://api.palworldgame.com/api/banlist.txt\",RESTAPIEnabled=False,RESTAPIPort=8212,"
    "bShowPlayerList=False,ChatPostLimitPerMinute=10,CrossplayPlatforms=(Steam,Xbox,PS5,Mac),"
    "bIsUseBackupSaveData=True,LogFormatType=Text,SupplyDropSpan=180,"
    "ServerReplicatePawnCullDistance=15000.000000)"
)

# A server set up for the monitor: quoted name and password with commas, parentheses and escaped quotes,
# REST/RCON after the nested CrossplayPlatforms list.
CONFIGURED_LINE = (
    "OptionSettings=(Difficulty=None,ServerPlayerMaxNum=16,"
    "ServerName=\"Kim's Pals, (EU) \\\"hard\\\" mode\",ServerDescription=\"a=b, c)\","
    "AdminPassword=\"p@ss,w(o)rd\",ServerPassword=\"\",PublicPort=8311,"
    "CrossplayPlatforms=(Steam,Xbox,PS5,Mac),RCONEnabled=True,RCONPort=25585,"
    "RESTAPIEnabled=True,RESTAPIPort=8222,bShowPlayerList=True)"
)


def write(path: Path, text: str, encoding: str = "utf-8", bom: bytes = b"") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bom + text.encode(encoding))
    return path


def settings_path(root: Path, platform: str) -> Path:
    return root / "Pal" / "Saved" / "Config" / platform / "PalWorldSettings.ini"


# -- finding the file ---------------------------------------------------------------------------------------


def test_windows_layout_from_the_launcher_the_real_binary_and_the_root(tmp_path: Path) -> None:
    root = tmp_path / "steamapps" / "common" / "PalServer"
    ini = write(settings_path(root, "WindowsServer"), HEADER + DEFAULT_LINE)
    shipping = root / "Pal" / "Binaries" / "Win64" / "PalServer-Win64-Shipping-Cmd.exe"
    shipping.parent.mkdir(parents=True)

    assert find_settings_file(str(root / "PalServer.exe")) == ini
    assert find_settings_file(str(shipping)) == ini
    assert find_settings_file(str(root)) == ini
    assert find_settings_file(f'"{root / "PalServer.exe"}"') == ini


def test_linux_layout(tmp_path: Path) -> None:
    root = tmp_path / "palworld"
    ini = write(settings_path(root, "LinuxServer"), HEADER + DEFAULT_LINE)

    assert find_settings_file(str(root / "PalServer.sh")) == ini
    assert find_settings_file(str(root / "Pal" / "Binaries" / "Linux" / "PalServer-Linux-Shipping")) == ini


def test_the_binarys_platform_is_tried_first(tmp_path: Path) -> None:
    windows = write(settings_path(tmp_path, "WindowsServer"), "")
    linux = write(settings_path(tmp_path, "LinuxServer"), "")

    assert find_settings_file(str(tmp_path / "PalServer.exe")) == windows
    assert find_settings_file(str(tmp_path / "PalServer.sh")) == linux


@pytest.mark.parametrize("program", ["", "   ", "PalServer.exe"])
def test_no_file_no_path(tmp_path: Path, program: str) -> None:
    assert find_settings_file(program) is None
    assert find_settings_file(str(tmp_path / "PalServer.exe")) is None


# -- reading it ----------------------------------------------------------------------------------------------


def test_a_fresh_servers_defaults(tmp_path: Path) -> None:
    settings = read_server_settings(write(tmp_path / "a.ini", HEADER + DEFAULT_LINE + "\n"))

    assert settings == ServerSettings(
        rest_enabled=False,
        rest_port=8212,
        rcon_enabled=False,
        rcon_port=25575,
        admin_password=None,
        server_name="Default Palworld Server",
        public_port=8211,
        problems=(),
    )


def test_quoted_values_with_commas_parentheses_and_quotes(tmp_path: Path) -> None:
    settings = read_server_settings(write(tmp_path / "a.ini", HEADER + CONFIGURED_LINE + "\n"))

    assert settings.server_name == 'Kim\'s Pals, (EU) "hard" mode'
    assert settings.admin_password == "p@ss,w(o)rd"
    assert (settings.rest_enabled, settings.rest_port) == (True, 8222)
    assert (settings.rcon_enabled, settings.rcon_port) == (True, 25585)
    assert settings.public_port == 8311
    assert settings.problems == ()


def test_the_password_is_not_in_the_repr(tmp_path: Path) -> None:
    settings = read_server_settings(write(tmp_path / "a.ini", HEADER + CONFIGURED_LINE))

    assert "p@ss" not in repr(settings)


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
    ],
)
def test_windows_editor_encodings(tmp_path: Path, encoding: str, bom: bytes) -> None:
    text = (HEADER + CONFIGURED_LINE.replace("Kim's Pals", "김씨네 팰")).replace("\n", "\r\n") + "\r\n"
    settings = read_server_settings(write(tmp_path / "a.ini", text, encoding, bom))

    assert settings.server_name == '김씨네 팰, (EU) "hard" mode'
    assert settings.rest_enabled and settings.rest_port == 8222
    assert settings.problems == ()


def test_not_utf8_is_read_as_far_as_possible(tmp_path: Path) -> None:
    text = HEADER + CONFIGURED_LINE.replace("Kim's Pals", "Café")
    settings = read_server_settings(write(tmp_path / "a.ini", text, "cp1252"))

    assert settings.rest_port == 8222
    assert any("UTF-8" in p for p in settings.problems)


def test_missing_file(tmp_path: Path) -> None:
    settings = read_server_settings(tmp_path / "nope.ini")

    assert (settings.rest_port, settings.rcon_port, settings.rest_enabled) == (8212, 25575, False)
    assert len(settings.problems) == 1 and "cannot read" in settings.problems[0]


def test_a_directory_is_not_a_file(tmp_path: Path) -> None:
    assert read_server_settings(tmp_path).problems


@pytest.mark.parametrize("text", ["", "\n\n", HEADER, "; only a comment\n"])
def test_an_empty_file_means_the_servers_defaults(tmp_path: Path, text: str) -> None:
    settings = read_server_settings(write(tmp_path / "a.ini", text))

    assert not settings.rest_enabled and not settings.rcon_enabled
    assert any("no OptionSettings" in p for p in settings.problems)


def test_missing_keys_get_defaults(tmp_path: Path) -> None:
    settings = read_server_settings(write(tmp_path / "a.ini", HEADER + "OptionSettings=(RESTAPIEnabled=True)"))

    assert settings.rest_enabled and settings.rest_port == 8212 and settings.rcon_port == 25575
    assert settings.admin_password is None and settings.server_name is None
    assert settings.problems == ()


def test_keys_and_booleans_are_case_insensitive(tmp_path: Path) -> None:
    line = "optionsettings = ( restapienabled=true , RCONENABLED=TRUE, restapiport = 9000 )"
    settings = read_server_settings(write(tmp_path / "a.ini", HEADER + line))

    assert settings.rest_enabled and settings.rcon_enabled and settings.rest_port == 9000


def test_bad_values_become_defaults_with_problems(tmp_path: Path) -> None:
    line = "OptionSettings=(RESTAPIEnabled=Maybe,RESTAPIPort=abc,RCONPort=70000,RCONEnabled=True,PublicPort=)"
    settings = read_server_settings(write(tmp_path / "a.ini", HEADER + line))

    assert (settings.rest_enabled, settings.rest_port, settings.rcon_port) == (False, 8212, 25575)
    assert settings.rcon_enabled
    assert settings.public_port == 8211
    assert len(settings.problems) == 4
    assert any("RESTAPIPort=abc" in p for p in settings.problems)


def test_a_cut_line_is_read_as_far_as_it_goes(tmp_path: Path) -> None:
    line = CONFIGURED_LINE[: CONFIGURED_LINE.index(",bShowPlayerList")]
    settings = read_server_settings(write(tmp_path / "a.ini", HEADER + line))

    assert settings.rest_enabled and settings.rest_port == 8222
    assert any("not closed" in p for p in settings.problems)


def test_an_unclosed_quote_is_a_problem(tmp_path: Path) -> None:
    line = 'OptionSettings=(RESTAPIEnabled=True,ServerName="oops,RESTAPIPort=9999)'
    settings = read_server_settings(write(tmp_path / "a.ini", HEADER + line))

    assert settings.rest_enabled and settings.rest_port == 8212
    assert any("ServerName" in p for p in settings.problems)


def test_the_pal_section_wins_over_a_stray_line(tmp_path: Path) -> None:
    text = "[Other]\nOptionSettings=(RESTAPIPort=1111)\n" + HEADER + "OptionSettings=(RESTAPIPort=2222)\n"

    assert read_server_settings(write(tmp_path / "a.ini", text)).rest_port == 2222


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=400) | st.text(max_size=300).map(lambda t: (HEADER + "OptionSettings=" + t).encode()))
def test_garbage_never_raises(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("garbage") / "PalWorldSettings.ini"
    path.write_bytes(data)

    settings = read_server_settings(path)

    assert 1 <= settings.rest_port <= 65535 and 1 <= settings.rcon_port <= 65535
    assert isinstance(settings.problems, tuple)


# -- suggestions ------------------------------------------------------------------------------------------------


def test_suggest_rest_when_enabled() -> None:
    suggestion = suggest(ServerSettings(rest_enabled=True, rest_port=8222, rcon_enabled=True, rcon_port=25585,
                                        admin_password="pw"))

    assert suggestion == {"transport": "rest", "rest_port": 8222, "rcon_port": 25585, "notes": []}


def test_suggest_rcon_when_only_rcon_is_enabled() -> None:
    suggestion = suggest(ServerSettings(rcon_enabled=True, admin_password="pw"))

    assert suggestion["transport"] == "rcon"
    assert suggestion["notes"][0].startswith("REST API is disabled: set RESTAPIEnabled=True")


def test_suggest_auto_when_nothing_is_enabled_and_explain() -> None:
    suggestion = suggest(ServerSettings())

    assert suggestion["transport"] == "auto"
    assert (suggestion["rest_port"], suggestion["rcon_port"]) == (8212, 25575)
    notes = " ".join(suggestion["notes"])
    assert "RESTAPIEnabled=True" in notes and "RCONEnabled=False" in notes and "AdminPassword" in notes


def test_suggest_notes_port_clashes_and_file_problems() -> None:
    suggestion = suggest(ServerSettings(rest_enabled=True, rcon_enabled=True, rest_port=9000, rcon_port=9000,
                                        admin_password="pw", problems=("RESTAPIPort=x is not a port",)))

    assert any("both 9000" in n for n in suggestion["notes"])
    assert "PalWorldSettings.ini: RESTAPIPort=x is not a port" in suggestion["notes"]


def test_suggest_from_a_real_file(tmp_path: Path) -> None:
    path = write(settings_path(tmp_path, "WindowsServer"), HEADER + CONFIGURED_LINE)

    suggestion = suggest(read_server_settings(find_settings_file(str(tmp_path / "PalServer.exe"))))

    assert suggestion == {"transport": "rest", "rest_port": 8222, "rcon_port": 25585, "notes": []}
    assert path.exists()
