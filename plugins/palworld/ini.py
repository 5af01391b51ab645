"""``PalWorldSettings.ini``: where it is, what it says about REST/RCON, and what the plugin should use.

The server reads ``<root>/Pal/Saved/Config/WindowsServer/PalWorldSettings.ini`` (``LinuxServer`` on Linux).
Everything is on one line of the ``[/Script/Pal.PalGameWorldSettings]`` section::

    OptionSettings=(Difficulty=None,ServerName="My, (cool) server",AdminPassword="secret",PublicPort=8211,
                    RCONEnabled=True,RCONPort=25575,RESTAPIEnabled=True,RESTAPIPort=8212,
                    CrossplayPlatforms=(Steam,Xbox,PS5,Mac))

(shown wrapped here). A fresh install has an empty file, and the server then uses its defaults: REST API
and RCON both off. Users edit the file by hand, often in Windows editors that add a UTF-8 BOM or save
UTF-16, so the reader takes all of those and never raises: whatever it cannot understand becomes a default
plus a sentence in ``problems``.
"""

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SETTINGS_NAME = "PalWorldSettings.ini"
SECTION = "/Script/Pal.PalGameWorldSettings"
DEFAULT_REST_PORT = 8212
DEFAULT_RCON_PORT = 25575
DEFAULT_PUBLIC_PORT = 8211
_MAX_FILE_BYTES = 4 * 1024 * 1024

_SECTION_LINE = re.compile(r"^\s*\[(.*)\]\s*$")
_OPTION_LINE = re.compile(r"^\s*OptionSettings\s*=\s*(.*?)\s*$", re.IGNORECASE)
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """What ``PalWorldSettings.ini`` says about reaching the server (defaults where it says nothing).

    Attributes:
        admin_password: ``AdminPassword``, the password of both the REST API and RCON (None when empty or
            missing). Left out of ``repr``.
        server_name: ``ServerName`` (None when empty or missing).
        public_port: ``PublicPort``, the UDP game port.
        problems: One sentence per thing that could not be read (empty: the file was fine).
    """

    rest_enabled: bool = False
    rest_port: int = DEFAULT_REST_PORT
    rcon_enabled: bool = False
    rcon_port: int = DEFAULT_RCON_PORT
    admin_password: str | None = field(default=None, repr=False)
    server_name: str | None = None
    public_port: int = DEFAULT_PUBLIC_PORT
    problems: tuple[str, ...] = ()


# -- finding the file ---------------------------------------------------------------------------------------


def find_settings_file(program_path: str) -> Path | None:
    """The settings file of the server started by ``program_path``, if it exists.

    ``program_path`` may be ``<root>/PalServer.exe``, ``<root>/PalServer.sh``, the real binary
    ``<root>/Pal/Binaries/Win64/PalServer-Win64-Shipping-Cmd.exe`` (``Linux/PalServer-Linux-Shipping`` on
    Linux), anything else in the root (a start script), or the root folder itself. Both the WindowsServer and
    the LinuxServer folders are tried, the one matching the binary first.
    """
    text = program_path.strip().strip("\"'") if isinstance(program_path, str) else ""
    if not text:
        return None
    path = Path(text)
    platforms = ("WindowsServer", "LinuxServer")
    if not _looks_windows(path):
        platforms = platforms[::-1]
    try:
        for root in _roots(path):
            for platform in platforms:
                candidate = root / "Pal" / "Saved" / "Config" / platform / SETTINGS_NAME
                if candidate.is_file():
                    return candidate
    except OSError:
        return None
    return None


def _looks_windows(path: Path) -> bool:
    return path.suffix.lower() in (".exe", ".bat", ".cmd") or any(p.lower() == "win64" for p in path.parts)


def _roots(path: Path) -> Iterator[Path]:
    parts = [p.lower() for p in path.parts]
    if len(parts) >= 4 and parts[-4] == "pal" and parts[-3] == "binaries":
        yield path.parents[3]  # <root>/Pal/Binaries/<platform>/<binary>
    if path.is_dir():
        yield path
    yield path.parent


# -- reading it --------------------------------------------------------------------------------------------


def read_server_settings(path: str | Path) -> ServerSettings:
    """Read REST/RCON settings from ``path``; defaults plus ``problems`` for anything unreadable. Never raises."""
    path = Path(path)
    try:
        with path.open("rb") as file:
            data = file.read(_MAX_FILE_BYTES)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return ServerSettings(problems=(f"cannot read {path}: {reason}",))
    text, problems = _decode(data)
    value = _option_settings_line(text)
    if value is None:
        problems.append(
            "the file has no OptionSettings line, so the server uses its defaults (REST API and RCON off): "
            "copy the [/Script/Pal.PalGameWorldSettings] section of DefaultPalWorldSettings.ini into it"
        )
        return ServerSettings(problems=tuple(problems))
    options = _parse_options(value, problems)
    reader = _Reader(options, problems)
    return ServerSettings(
        rest_enabled=reader.flag("RESTAPIEnabled", False),
        rest_port=reader.port_number("RESTAPIPort", DEFAULT_REST_PORT),
        rcon_enabled=reader.flag("RCONEnabled", False),
        rcon_port=reader.port_number("RCONPort", DEFAULT_RCON_PORT),
        admin_password=reader.text("AdminPassword"),
        server_name=reader.text("ServerName"),
        public_port=reader.port_number("PublicPort", DEFAULT_PUBLIC_PORT),
        problems=tuple(problems),
    )


def _decode(data: bytes) -> tuple[str, list[str]]:
    """Text of a file that may be UTF-8 (with or without BOM) or UTF-16 (with or without BOM)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), []
    else:
        head = data[:256]
        if len(head) >= 2 and head.count(0) * 3 >= len(head):  # UTF-16 without a BOM: every other byte is 0
            even_zeros = head[0::2].count(0)
            odd_zeros = head[1::2].count(0)
            return data.decode("utf-16-be" if even_zeros > odd_zeros else "utf-16-le", errors="replace"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), [
            "the file is not valid UTF-8 (save it as UTF-8): some characters could not be read"
        ]


def _option_settings_line(text: str) -> str | None:
    """The value of OptionSettings, from the Pal section if it has one there, else from anywhere."""
    section = None
    anywhere = None
    for line in text.splitlines():
        if header := _SECTION_LINE.match(line):
            section = header.group(1).strip()
            continue
        if option := _OPTION_LINE.match(line):
            if section is not None and section.lower() == SECTION.lower():
                return option.group(1)
            if anywhere is None:
                anywhere = option.group(1)
    return anywhere


def _parse_options(value: str, problems: list[str]) -> dict[str, tuple[str, bool]]:
    """``(Key=Value,Key="quoted, (text)",List=(A,B))`` → {lowercased key: (value, was quoted)}."""
    options: dict[str, tuple[str, bool]] = {}
    if not value.startswith("("):
        problems.append("OptionSettings does not start with '(': it may be unreadable for the server too")
        start = 0
    else:
        start = 1
    scanner = _Scanner(value, start)
    closed = False
    while not scanner.done():
        scanner.skip(" \t,")
        if scanner.done():
            break
        if scanner.peek() == ")":
            closed = True
            break
        key = scanner.until("=,)").strip()
        if scanner.peek() != "=":
            if key:
                problems.append(f"OptionSettings: {key!r} has no value")
            continue
        scanner.advance()
        scanner.skip(" \t")
        quoted = scanner.peek() == '"'
        if quoted:
            text, ok = scanner.quoted()
            if not ok:
                problems.append(f"OptionSettings: the quoted value of {key} is not closed")
            scanner.until(",)")  # anything after the closing quote
        else:
            text = scanner.value().strip()
        if key:
            options.setdefault(key.lower(), (text, quoted))
    if not closed and start == 1:
        problems.append("OptionSettings=( is not closed with ')': the line may be cut short")
    return options


class _Scanner:
    """A cursor over the OptionSettings value."""

    def __init__(self, text: str, position: int) -> None:
        self.text = text
        self.position = position

    def done(self) -> bool:
        return self.position >= len(self.text)

    def peek(self) -> str:
        return self.text[self.position] if not self.done() else ""

    def advance(self) -> None:
        self.position += 1

    def skip(self, characters: str) -> None:
        while not self.done() and self.text[self.position] in characters:
            self.position += 1

    def until(self, stops: str) -> str:
        start = self.position
        while not self.done() and self.text[self.position] not in stops:
            self.position += 1
        return self.text[start:self.position]

    def quoted(self) -> tuple[str, bool]:
        """A "quoted" string at the cursor (``\\"`` and ``\\\\`` escaped); (text, whether it was closed)."""
        self.advance()
        out = []
        while not self.done():
            char = self.text[self.position]
            self.position += 1
            if char == "\\" and self.peek() in ('"', "\\"):
                out.append(self.peek())
                self.position += 1
            elif char == '"':
                return "".join(out), True
            else:
                out.append(char)
        return "".join(out), False

    def value(self) -> str:
        """An unquoted value up to the next ``,`` or ``)`` outside nested parentheses and quotes."""
        start = self.position
        depth = 0
        while not self.done():
            char = self.text[self.position]
            if char == '"':
                self.quoted()
                continue
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            elif char == "," and depth == 0:
                break
            self.position += 1
        return self.text[start:self.position]


class _Reader:
    """Typed values out of the parsed options; a bad one becomes the default and a problem."""

    def __init__(self, options: dict[str, tuple[str, bool]], problems: list[str]) -> None:
        self._options = options
        self._problems = problems

    def _raw(self, key: str) -> tuple[str, bool] | None:
        return self._options.get(key.lower())

    def flag(self, key: str, default: bool) -> bool:
        raw = self._raw(key)
        if raw is None:
            return default
        word = raw[0].strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        self._problems.append(f"{key}={raw[0]} is neither True nor False; taken as {default}")
        return default

    def port_number(self, key: str, default: int) -> int:
        raw = self._raw(key)
        if raw is None:
            return default
        try:
            number = float(raw[0].strip())
        except ValueError:
            number = -1.0
        if number.is_integer() and 1 <= number <= 65535:
            return int(number)
        self._problems.append(f"{key}={raw[0]} is not a port number (1-65535); taken as {default}")
        return default

    def text(self, key: str) -> str | None:
        raw = self._raw(key)
        if raw is None:
            return None
        return raw[0] or None


# -- suggestions ----------------------------------------------------------------------------------------------


def suggest(settings: ServerSettings) -> dict[str, Any]:
    """Plugin settings that fit the server, and notes for the user.

    Returns:
        ``{"transport": "rest" | "rcon" | "auto", "rest_port": int, "rcon_port": int, "notes": [str, ...]}``:
        REST when it is enabled (RCON is deprecated and ASCII-only), RCON when only RCON is, else ``auto``
        (try both: the file may be out of date). ``notes`` also repeats the file's ``problems``.
    """
    notes: list[str] = []
    if settings.rest_enabled:
        transport = "rest"
    else:
        transport = "rcon" if settings.rcon_enabled else "auto"
        notes.append(
            "REST API is disabled: set RESTAPIEnabled=True (and RESTAPIPort) in the OptionSettings line of "
            "PalWorldSettings.ini, then restart the server, for player details, metrics and Unicode "
            "announcements"
        )
        if settings.rcon_enabled:
            notes.append(
                "Using RCON meanwhile: it is deprecated by the game, sends ASCII only (spaces become _) and "
                "cuts long player lists"
            )
        else:
            notes.append(
                "RCON is disabled too (RCONEnabled=False): the monitor cannot talk to the server until one of "
                "them is enabled"
            )
    if settings.admin_password is None:
        notes.append(
            'AdminPassword is empty: the REST API and RCON both use it as their password; set AdminPassword="…"'
        )
    if settings.rest_enabled and settings.rcon_enabled and settings.rest_port == settings.rcon_port:
        notes.append(
            f"RESTAPIPort and RCONPort are both {settings.rest_port}: give them different ports"
        )
    notes.extend(f"PalWorldSettings.ini: {problem}" for problem in settings.problems)
    return {
        "transport": transport,
        "rest_port": settings.rest_port,
        "rcon_port": settings.rcon_port,
        "notes": notes,
    }
