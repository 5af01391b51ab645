"""How a window finds the engine already running for its data dir: a small advertisement file.

The process that owns the engine (headless at boot, or a window running it in-process) writes ``engine.json``
into the data dir once its REST API listens: the API address, its pid, whether it is headless, and a random
local access token. The file is created readable by the owner only (mode 0600; on Windows the data dir lives in
the user's profile, whose ACL already keeps other users out), so only the same OS user can attach with admin
rights without a password. The token is new for every engine run and dies with it; the file is removed on a
clean shutdown and a stale one (crash) is recognised because its engine no longer answers.
"""

import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

from monitor_app.settings.files import replace_file

ADVERTISEMENT_FILE = "engine.json"
#: Bytes of randomness in a local token (256 bits, URL-safe text).
TOKEN_BYTES = 32


@dataclass(frozen=True, slots=True)
class Advertisement:
    """A running engine, as its owner announced it.

    Attributes:
        pid: The engine process.
        api_url: Where its REST API answers, e.g. ``http://127.0.0.1:8000``.
        headless: Runs without a window (the background engine).
        started_at: Wall time the engine started.
        token: The local access token (admin rights; never shown, never sent anywhere but ``api_url``).
        version: monitor_app version of the engine.
        tls_sha256: SHA-256 of the API's TLS certificate (DER, hex) when it serves https: the window pins it.
    """

    pid: int
    api_url: str
    headless: bool
    started_at: float
    token: str = ""
    version: str = ""
    tls_sha256: str = ""


def new_local_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def write_advertisement(data_dir: Path, advertisement: Advertisement) -> Path:
    """Write (atomically, owner-only) the advertisement; returns its path. Raises OSError."""
    path = data_dir / ADVERTISEMENT_FILE
    replace_file(path, json.dumps(asdict(advertisement)))  # owner-only: the token is an admin credential
    return path


def read_advertisement(data_dir: Path) -> Advertisement | None:
    """The advertisement in ``data_dir``, or None if there is none or it cannot be read (never raises)."""
    try:
        raw = json.loads((data_dir / ADVERTISEMENT_FILE).read_text(encoding="utf-8"))
        return Advertisement(
            pid=int(raw["pid"]),
            api_url=str(raw["api_url"]),
            headless=bool(raw["headless"]),
            started_at=float(raw["started_at"]),
            token=str(raw.get("token", "")),
            version=str(raw.get("version", "")),
            tls_sha256=str(raw.get("tls_sha256", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_advertisement(data_dir: Path, pid: int | None = None) -> None:
    """Remove the advertisement (only if it is ``pid``'s, when given: a newer engine's file stays)."""
    path = data_dir / ADVERTISEMENT_FILE
    if pid is not None:
        current = read_advertisement(data_dir)
        if current is not None and current.pid != pid:
            return
    path.unlink(missing_ok=True)
