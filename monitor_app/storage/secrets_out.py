"""Migration 8: the plain-text secrets of webhooks and plugin instances move from the database to the secret store.

Frozen like the SQL migrations: the record layouts read and written here are those of schema 6 and 7, spelled
out, never today's codecs. For each record the values are written to the store first; the record is rewritten
with a ``secret_ref`` marker only after every write of it succeeded, and all in the migration's transaction,
so a failing store leaves the database as it was. Afterwards the file is vacuumed (an UPDATE leaves the old
text in free pages) and the copies taken before earlier migrations get the same treatment.
"""

import json
import logging
import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

from monitor_app.core.errors import StorageError
from monitor_app.core.secrets import SecretStore, SecretStoreError

log = logging.getLogger(__name__)


def move_secrets_out(connection: sqlite3.Connection, store: SecretStore | None) -> int:
    """Move every plain secret of ``webhooks`` and ``plugin_instances`` into ``store``; return how many.

    With ``store`` None the values are only blanked (for backups, whose values the store already holds).

    Raises:
        StorageError: the store refused a value (the caller's transaction is rolled back), or secrets are
            found and no store was given.
    """
    moved = 0
    for record_id, text in connection.execute("SELECT id, spec FROM webhooks").fetchall():
        spec = json.loads(text)
        if "secret_ref" in spec:
            continue
        url, secret = spec.pop("url", None), spec.pop("secret", None)
        values = {f"webhook/{record_id}/url": url, f"webhook/{record_id}/secret": secret}
        moved += _keep(store, values)
        spec.update(url=_redacted(url), has_secret=bool(secret), secret_ref=f"webhook/{record_id}")
        connection.execute("UPDATE webhooks SET spec = ? WHERE id = ?", (_json(spec), record_id))
    if _has_table(connection, "plugin_instances"):
        for record_id, text in connection.execute("SELECT id, spec FROM plugin_instances").fetchall():
            spec = json.loads(text)
            if "secret_ref" in spec:
                continue
            secrets = spec.pop("secrets", None) or {}
            moved += _keep(store, {f"plugin/{record_id}/{key}": value for key, value in secrets.items()})
            spec.pop("secrets_set", None)
            spec.update(
                secrets_set=sorted(key for key, value in secrets.items() if value),
                secret_ref=f"plugin/{record_id}",
            )
            connection.execute("UPDATE plugin_instances SET spec = ? WHERE id = ?", (_json(spec), record_id))
    return moved


def forget_freed_text(connection: sqlite3.Connection, path: Path) -> None:
    """Rebuild the file so no old record text survives in free pages or the WAL (outside any transaction)."""
    try:
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error as exc:
        log.warning(
            "could not vacuum %s after moving its secrets out (old text may remain in free pages): %s",
            path,
            exc,
        )


def scrub_backups(path: Path, before_version: int) -> None:
    """Blank the secrets in the copies ``<name>.v<N>.bak`` taken before earlier migrations (N < before_version)."""
    for version in range(1, before_version):
        backup = path.with_name(f"{path.name}.v{version}.bak")
        if not backup.exists():
            continue
        try:
            with closing(sqlite3.connect(backup, isolation_level=None)) as connection:
                if not _has_table(connection, "webhooks"):
                    continue
                connection.execute("BEGIN IMMEDIATE")
                move_secrets_out(connection, None)
                connection.execute("COMMIT")
                forget_freed_text(connection, backup)
        except (sqlite3.Error, ValueError, StorageError) as exc:
            log.warning(
                "could not remove the secrets from the old backup %s (delete it yourself): %s", backup, exc
            )
        else:
            log.info("secrets removed from the old backup %s", backup)


def _keep(store: SecretStore | None, values: dict[str, object]) -> int:
    present = {ref: value for ref, value in values.items() if isinstance(value, str) and value}
    if store is None:
        return len(present)
    for ref, value in present.items():
        try:
            store.set(ref, value)
        except SecretStoreError as exc:
            raise StorageError(
                f"cannot move the secrets out of the database into {store.description}: {exc.message}"
            ) from exc
    return len(present)


def _redacted(url: object) -> str:
    """``https://discord.com/api/webhooks/1/TOKEN`` -> ``https://discord.com/…`` (what lists show)."""
    if not isinstance(url, str):
        return ""
    try:
        parts = urlsplit(url)
        netloc = parts.hostname or ""
        if parts.port is not None:
            netloc = f"{netloc}:{parts.port}"
    except ValueError:
        return ""
    rest = "/…" if parts.path.strip("/") or parts.query or parts.fragment else ""
    return f"{parts.scheme.lower()}://{netloc}{rest}" if parts.scheme and netloc else ""


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    row = connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
    return bool(row.fetchone()[0])


def _json(spec: dict[str, object]) -> str:
    return json.dumps(spec, separators=(",", ":"))
