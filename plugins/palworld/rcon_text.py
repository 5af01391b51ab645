"""Palworld RCON as text: the command lines to send and the replies to read (no sockets here).

RCON is the fallback for servers without the REST API; it is deprecated by the game. Its quirks
(reference/palworld-protocols.md §2) shape this module:

- Outgoing text must be ASCII, and ``Broadcast`` / ``Shutdown`` messages stop at the first space (also
  in game), so ``rcon_message`` transliterates, drops what is left of non-ASCII, joins words with ``_`` and
  caps the length.
- Long replies are cut off by the server (about the last ten bytes of ``ShowPlayers``, or more per line
  with UTF-8 names), and a client reading with a deadline may hand over a partial reply. ``parse_players``
  therefore trusts a column only when something follows it; see its docstring.
- Command names are case-insensitive; the builders use the documented spelling.
- Player ids go back to the server exactly as ``ShowPlayers`` or REST gave them (bare SteamID64,
  ``steam_…`` or another platform prefix); they only have to be one word of ASCII letters, digits and
  ``_ - . :``.
"""

import re
import unicodedata

from .models import Player, ServerInfo

#: ``Broadcast`` texts are cut after roughly 40-60 characters in game (gameserverapp/Platform#736).
MESSAGE_LIMIT = 60

_INFO = re.compile(r"^\s*Welcome to Pal Server\s*\[\s*v?([^\]]*?)\s*\]\s*(.*?)\s*$", re.IGNORECASE | re.MULTILINE)
_HEADER = re.compile(r"^\s*name\s*,\s*playeruid\b", re.IGNORECASE)
_HEADER_PREFIX = "name,playeruid,steamid"
#: Ids are letters, digits and a few separators (``steam_7656…``); nothing a console could read as syntax.
_WORD = re.compile(r"^[A-Za-z0-9_.:-]+$")
#: A SteamID64 is 17 digits (7656119…); a shorter run of digits after that prefix was cut off.
_STEAM_ID = re.compile(r"^(?:steam_)?(7656\d*)$", re.IGNORECASE)
_FULL_STEAM_ID = re.compile(r"^(?:steam_)?7656\d{13}$", re.IGNORECASE)
_DECIMAL = re.compile(r"^-?\d+$")


def clean(text: str) -> str:
    """A reply without NULs (padding and terminators leak into bodies cut off by the server)."""
    return text.replace("\x00", "")


# -- replies ----------------------------------------------------------------------------------------------


def parse_info(text: str) -> ServerInfo:
    """The reply to ``Info``: ``"Welcome to Pal Server[v0.1.4.1] Default Palworld Server\\n"``.

    Tolerant: the ``v`` is optional, surrounding blank lines and NULs are ignored, and a name cut off by the
    server is kept as far as it goes. A reply that does not look like that gives ``ServerInfo()``
    (version None), never an exception.
    """
    match = _INFO.search(clean(text))
    if match is None:
        return ServerInfo()
    version, name = match.group(1).strip(), match.group(2).strip()
    return ServerInfo(version=version or None, name=name or None)


def parse_players(text: str, partial: bool = False) -> list[Player]:
    """The reply to ``ShowPlayers``: a ``name,playeruid,steamid`` header, then one line per player.

    Args:
        text: The decoded reply, not stripped (its final newline tells a whole reply from a cut one; NULs
            are ignored). A reply without the header is not a ShowPlayers reply and gives no players.
        partial: The transport's flag that the reply is incomplete (its read deadline passed, or the
            framing promised more bytes than came). It does not change the rule below: the server's own
            cut-off is invisible to the transport, so the final newline decides either way, and a partial
            reply that does end with a newline was cut between lines (its players are whole; later ones
            are missing, which the caller knows from the flag).

    Names may contain commas, so the last two columns are the ids and everything before them is the name.

    Truncation (the server's cut-off bug, or a transport deadline): the last line is complete only if the
    reply ends with a newline (Palworld ends every reply with one). In an incomplete last line
    the column after the last comma may be cut, so it is dropped (unless it is a whole 17-digit SteamID64)
    and the player is **kept with what is known**: ``Alice,1234,76561`` gives the name and player id (user
    id None); ``Alice,12`` the name alone; a line with no comma at all (even the name may be cut) is
    skipped. Elsewhere, a SteamID64 shorter than 17 digits is a cut-off one and becomes None too: a user id
    is never half-known, so nobody kicks or bans the wrong player. The player id column is recognised as a
    decimal number where the split is ambiguous.
    """
    body = clean(text)
    lines = body.split("\n")
    ends_cleanly = body.endswith("\n")  # whatever ``partial`` says: see above
    if lines and lines[-1].strip() == "":
        lines.pop()  # what follows the final newline
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines or not (_HEADER.match(lines[0]) or _HEADER_PREFIX.startswith(lines[0].strip().lower())):
        return []  # not a ShowPlayers reply ("Unknown command", an empty reply...)
    players: list[Player] = []
    for index, raw in enumerate(lines):
        line = raw.rstrip("\r")
        if index == 0 or not line.strip():
            continue  # the header (possibly cut off itself), blank lines
        last = index == len(lines) - 1
        player = _player_line(line, complete=ends_cleanly or not last)
        if player is not None:
            players.append(player)
    return players


def _player_line(line: str, *, complete: bool) -> Player | None:
    parts = line.split(",")
    if not complete:
        cut = parts.pop()  # the column after the last comma may be cut off
        if not parts:
            return None  # not even the name is known to be whole
        if len(parts) >= 2 and _FULL_STEAM_ID.match(cut.strip()):
            parts.append(cut)  # 17 digits: nothing can be missing (only the newline was lost)
            complete = True
    if complete and len(parts) >= 3:
        name = ",".join(parts[:-2]).strip()
        return Player(name=name or None, player_id=_id(parts[-2]), user_id=_user_id(parts[-1]))
    if len(parts) >= 2 and _DECIMAL.match(parts[-1].strip()):
        return Player(name=",".join(parts[:-1]).strip() or None, player_id=_id(parts[-1]))
    return Player(name=",".join(parts).strip() or None)


def _id(column: str) -> str | None:
    return column.strip() or None


def _user_id(column: str) -> str | None:
    user_id = _id(column)
    if user_id is None:
        return None
    steam = _STEAM_ID.match(user_id)
    if steam is not None and len(steam.group(1)) != 17:
        return None  # cut off mid-number
    return user_id


def ok_reply(command: str, text: str) -> bool:
    """Whether ``text`` is the success reply to ``command`` (its first word decides, case-insensitively).

    Accepted: ``Save`` → "Complete Save"; ``Broadcast`` → "Broadcasted: …"; ``KickPlayer`` → "Kicked: …";
    ``BanPlayer`` → "Banned: …" or "Baned: …" (the early typo); ``Shutdown`` → "The server will shut down
    in …"; ``DoExit`` → "Shutdown..."; ``Info`` → "Welcome to Pal Server…"; ``ShowPlayers`` → the CSV header.
    ``UnBanPlayer``'s reply is not documented anywhere: any non-empty reply other than "Unknown command"
    counts. An empty reply or "Unknown command" is never a success.
    """
    reply = clean(text).strip()
    if not reply or reply.lower().startswith("unknown command"):
        return False
    words = command.split()
    verb = words[0].lower() if words else ""
    lowered = reply.lower()
    if verb == "unbanplayer":
        return True
    prefixes = _OK_PREFIXES.get(verb)
    return prefixes is not None and lowered.startswith(prefixes)


_OK_PREFIXES: dict[str, tuple[str, ...]] = {
    "save": ("complete save",),
    "broadcast": ("broadcasted:",),
    "kickplayer": ("kicked:",),
    "banplayer": ("banned:", "baned:"),
    "shutdown": ("the server will shut down",),
    "doexit": ("shutdown...",),
    "info": ("welcome to pal server",),
    "showplayers": ("name,playeruid",),
}


# -- commands -----------------------------------------------------------------------------------------------


def rcon_message(text: str, *, limit: int = MESSAGE_LIMIT, space: str = "_") -> str:
    """``text`` made sendable as one RCON word: accents dropped (``é`` → ``e``), other non-ASCII and control
    characters removed, each run of whitespace replaced by ``space`` (``"\\x1f"`` shows as a wide space in
    game, ``"_"`` is the safe default), at most ``limit`` characters. May be empty."""
    if limit < 1:
        raise ValueError(f"the message limit must be positive, not {limit}")
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if c.isspace() or 0x20 < ord(c) < 0x7F)
    words = kept.split()
    return space.join(words)[:limit].rstrip(space)


def _command_message(text: str) -> str:
    message = rcon_message(text)
    if not message:
        raise ValueError(
            "the message has nothing RCON can send (it is ASCII-only): use the REST API for other scripts"
        )
    return message


def _userid(userid: str) -> str:
    if not isinstance(userid, str) or not _WORD.match(userid.strip()):
        raise ValueError(
            "a player id for RCON must be one word of ASCII letters, digits, '_', '-', '.' or ':' "
            f"(as ShowPlayers gives it), not {userid!r}"
        )
    return userid.strip()


def info() -> str:
    return "Info"


def show_players() -> str:
    return "ShowPlayers"


def save() -> str:
    return "Save"


def do_exit() -> str:
    """Stop at once, without a notice or a save (reply "Shutdown...")."""
    return "DoExit"


def broadcast(msg: str) -> str:
    """``Broadcast <message>``; ValueError when nothing sendable is left of ``msg``."""
    return f"Broadcast {_command_message(msg)}"


def kick(userid: str) -> str:
    return f"KickPlayer {_userid(userid)}"


def ban(userid: str) -> str:
    return f"BanPlayer {_userid(userid)}"


def unban(userid: str) -> str:
    return f"UnBanPlayer {_userid(userid)}"


def shutdown(seconds: int, msg: str | None = None) -> str:
    """``Shutdown <seconds> [message]``: a graceful stop after ``seconds`` with a notice to the players.
    A message with nothing sendable in it is left out rather than refused."""
    if isinstance(seconds, bool) or not isinstance(seconds, int) or seconds < 0:
        raise ValueError(f"the shutdown delay must be a whole number of seconds >= 0, not {seconds!r}")
    message = rcon_message(msg) if msg else ""
    return f"Shutdown {seconds} {message}" if message else f"Shutdown {seconds}"
