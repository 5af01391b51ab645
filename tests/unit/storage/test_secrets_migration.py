"""Migration 8: plain-text secrets of an older database move to the secret store, and no copy of them is left in
the database file, its WAL or the backups of earlier migrations."""

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from monitor_app.core.errors import StorageError
from monitor_app.core.secrets import SecretStoreError
from monitor_app.secretstore import EncryptedFileSecretStore
from monitor_app.storage import Storage
from monitor_app.storage.db import open_database
from monitor_app.storage.migrations import LATEST_VERSION, backup_path, migrate

DISCORD = "https://discord.com/api/webhooks/123456/TOKENabcdefghijklmnopqrstuvwxyz"
SIGNING = "signing-secret-0123"
PASSWORD = "pal-admin-password-42"


def _old_database(path: Path) -> None:
    """A schema-7 file written the way releases before the secret store wrote it (secrets in the JSON)."""
    db = open_database(path)
    migrate(db, target=4)
    db.close()
    db = open_database(path)  # a second migration leaves a v4 backup with the secrets in it too
    connection = db.connection()
    connection.execute(
        "PRAGMA secure_delete = OFF"
    )  # as Windows' SQLite builds: freed text stays in the file
    webhook = {
        "id": 1,
        "name": "ops",
        "url": DISCORD,
        "format": "discord",
        "events": [],
        "enabled": True,
        "cooldown_s": 300.0,
        "created_at": 1.0,
        "has_secret": True,
        "secret": SIGNING,
    }
    connection.execute(
        "INSERT INTO webhooks (id, spec, updated_at) VALUES (1, ?, 1.0)", (json.dumps(webhook),)
    )
    # An older version of the same record (edited since): its text lingers in a free page unless vacuumed.
    connection.execute(
        "INSERT INTO webhooks (id, spec, updated_at) VALUES (2, ?, 1.0)",
        (json.dumps({**webhook, "id": 2, "secret": SIGNING + "-old"}),),
    )
    connection.execute("DELETE FROM webhooks WHERE id = 2")
    migrate(db, target=7)
    plugin = {
        "id": 1,
        "program_id": 3,
        "plugin": "palworld",
        "settings": {"rest_port": 8212},
        "enabled": True,
        "created_at": 1.0,
        "secrets": {"admin_password": PASSWORD, "unused": ""},
    }
    db.connection().execute(
        "INSERT INTO plugin_instances (id, spec, updated_at) VALUES (1, ?, 1.0)", (json.dumps(plugin),)
    )
    db.close()


def _raw(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.iterdir() if p.name.startswith(path.name))


def _spec(path: Path, table: str) -> dict:  # type: ignore[type-arg]
    with closing(sqlite3.connect(path)) as connection:
        return json.loads(connection.execute(f"SELECT spec FROM {table} WHERE id = 1").fetchone()[0])


def test_old_plain_secrets_move_to_the_store_and_leave_no_trace_in_the_files(db_path: Path, tmp_path) -> None:
    _old_database(db_path)
    assert DISCORD.encode() in _raw(db_path) and PASSWORD.encode() in _raw(db_path)
    store = EncryptedFileSecretStore(tmp_path / "secrets")
    storage = Storage.open(db_path, secrets=store)
    storage.close()

    assert store.get("webhook/1/url") == DISCORD
    assert store.get("webhook/1/secret") == SIGNING
    assert store.get("plugin/1/admin_password") == PASSWORD
    assert store.refs() == ("plugin/1/admin_password", "webhook/1/secret", "webhook/1/url")
    webhook = _spec(db_path, "webhooks")
    assert webhook["url"] == "https://discord.com/…" and webhook["has_secret"] is True
    assert webhook["secret_ref"] == "webhook/1" and "secret" not in webhook
    plugin = _spec(db_path, "plugin_instances")
    assert plugin["secrets_set"] == ["admin_password"] and plugin["secret_ref"] == "plugin/1"
    assert "secrets" not in plugin and plugin["settings"] == {"rest_port": 8212}
    # Grep every byte of the database, its WAL and every backup: no secret, no token, not even the old edit.
    raw = _raw(db_path)
    for text in (DISCORD, "TOKENabcdefghijklmnopqrstuvwxyz", SIGNING, PASSWORD):
        assert text.encode() not in raw, text
    assert backup_path(db_path, 4).exists() and backup_path(db_path, 7).exists()


def test_a_second_start_moves_nothing_and_keeps_the_refs(db_path: Path, tmp_path) -> None:
    _old_database(db_path)
    store = EncryptedFileSecretStore(tmp_path / "secrets")
    Storage.open(db_path, secrets=store).close()
    before = _spec(db_path, "webhooks")
    Storage.open(db_path, secrets=store).close()
    assert _spec(db_path, "webhooks") == before and store.get("webhook/1/url") == DISCORD


class RefusingStore:
    description = "a broken keyring"

    def get(self, ref: str) -> str | None:
        return None

    def set(self, ref: str, value: str) -> None:
        raise SecretStoreError("the keyring is locked")

    def delete(self, ref: str) -> None:
        pass


def test_a_store_that_refuses_leaves_the_database_as_it_was(db_path: Path) -> None:
    _old_database(db_path)
    with pytest.raises(
        StorageError, match="cannot move the secrets .* a broken keyring: the keyring is locked"
    ):
        Storage.open(db_path, secrets=RefusingStore())
    with closing(sqlite3.connect(db_path)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 7
    assert _spec(db_path, "webhooks")["secret"] == SIGNING
    assert _spec(db_path, "plugin_instances")["secrets"]["admin_password"] == PASSWORD


def test_secrets_without_a_store_are_refused_and_a_new_file_needs_none(db_path: Path, tmp_path) -> None:
    _old_database(db_path)
    with pytest.raises(StorageError, match="no secret store was given"):
        Storage.open(db_path)
    assert _spec(db_path, "webhooks")["secret"] == SIGNING
    fresh = tmp_path / "fresh" / "monitor.db"
    Storage.open(fresh).close()
    with closing(sqlite3.connect(fresh)) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
