"""The other PCs this window connected to, newest first: address, username, sign-in kind and pinned certificate.

Kept in a small JSON file in the data dir so "Connect to another PC…" can offer them again and keep trusting a
certificate once the user accepted it. Passwords, tokens and API keys are never part of an entry, so none can
end up in the file. A missing or damaged file is an empty list (logged), never a failure.
"""

import json
import logging
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from monitor_app.settings.files import replace_file

log = logging.getLogger(__name__)

RECENT_FILE_NAME = "connections.json"
#: Entries kept; the oldest drops out.
MAX_RECENT = 10


@dataclass(frozen=True, slots=True)
class RecentConnection:
    """One remembered engine (no secret by construction).

    Attributes:
        url: ``scheme://host:port`` as ``parse_address`` writes it.
        username: The account last used with a password ("" with an API key).
        method: ``password`` or ``key``.
        tls_sha256: The certificate's SHA-256 the user trusted (https); empty for http or not yet trusted.
    """

    url: str
    username: str = ""
    method: str = "password"
    tls_sha256: str = ""


class RecentConnections:
    """Reads and writes the list; every change is saved at once (atomically)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def entries(self) -> list[RecentConnection]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            log.warning("ignoring the recent connections in %s: %s", self.path, exc)
            return []
        entries = []
        for item in document.get("recent", []) if isinstance(document, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("url"), str):
                entries.append(
                    RecentConnection(
                        url=item["url"],
                        username=str(item.get("username", "")),
                        method="key" if item.get("method") == "key" else "password",
                        tls_sha256=str(item.get("tls_sha256", "")).lower(),
                    )
                )
        return entries[:MAX_RECENT]

    def find(self, url: str) -> RecentConnection | None:
        return next((entry for entry in self.entries() if entry.url == url), None)

    def pin_for(self, url: str) -> str:
        entry = self.find(url)
        return entry.tls_sha256 if entry is not None else ""

    def remember(self, entry: RecentConnection) -> None:
        """Put ``entry`` first (replacing the one with its address)."""
        rest = [old for old in self.entries() if old.url != entry.url]
        self._save([entry, *rest][:MAX_RECENT])

    def forget_pin(self, url: str) -> None:
        """The user chose to stop trusting the certificate recorded for ``url``: the next connection asks again."""
        self._save([replace(e, tls_sha256="") if e.url == url else e for e in self.entries()])

    def remove(self, url: str) -> None:
        self._save([entry for entry in self.entries() if entry.url != url])

    def _save(self, entries: list[RecentConnection]) -> None:
        """Write the list; a failure is logged (the connection itself still works, it is just not remembered)."""
        text = json.dumps({"version": 1, "recent": [asdict(entry) for entry in entries]}, indent=2)
        try:
            replace_file(self.path, text)
        except OSError as exc:
            log.warning("cannot save the recent connections in %s: %s", self.path, exc)
