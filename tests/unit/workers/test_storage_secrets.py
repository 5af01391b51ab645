"""The storage thread as the secret store's writer: values before their record, deletions after the commit,
and a store that fails is reported and retried without losing the values."""

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from monitor_app.core.clock import SystemClock
from monitor_app.core.secrets import SecretStoreError
from monitor_app.secretstore import EncryptedFileSecretStore
from monitor_app.storage import Storage
from monitor_app.storage.repository import RecordChange
from monitor_app.workers.storage import StorageWorker


class FlakyStore(EncryptedFileSecretStore):
    broken = False

    def set(self, ref: str, value: str) -> None:
        if self.broken:
            raise SecretStoreError("the keyring is locked")
        super().set(ref, value)


def _specs(path: Path) -> dict[int, dict]:  # type: ignore[type-arg]
    with closing(sqlite3.connect(path)) as connection:
        return {i: json.loads(s) for i, s in connection.execute("SELECT id, spec FROM webhooks")}


@pytest.mark.allow_error_log
def test_secrets_are_written_beside_the_record_and_retried_when_the_store_fails(
    qtbot, tmp_path: Path
) -> None:
    store = FlakyStore(tmp_path / "data")
    storage = Storage.open(tmp_path / "data" / "monitor.db", secrets=store)
    worker = StorageWorker(storage, clock=SystemClock(), secrets=store)
    spec = {"name": "ops", "url": "https://example.com/…", "secret_ref": "webhook/1"}
    worker.save_record(
        RecordChange("webhooks", 1, spec, secrets=(("webhook/1/url", "https://example.com/x"),))
    )
    assert worker.flush()
    assert store.get("webhook/1/url") == "https://example.com/x"
    assert _specs(storage.path) == {1: spec}  # the record itself, without the value

    store.broken = True
    failures: list[str] = []
    worker.write_failed.connect(failures.append)
    worker.save_record(
        RecordChange("webhooks", 1, spec, secrets=(("webhook/1/url", "https://example.com/y"),))
    )
    worker.flush()
    assert failures and "locked" in failures[0]
    assert store.get("webhook/1/url") == "https://example.com/x"
    store.broken = False
    with qtbot.waitSignal(worker.write_recovered, timeout=10_000):
        pass  # the retry timer writes it
    assert store.get("webhook/1/url") == "https://example.com/y"

    # A removal: the record goes first, then (after the commit) its secrets.
    worker.save_record(RecordChange("webhooks", 1, None, secrets=(("webhook/1/url", None),)))
    assert worker.flush()
    assert _specs(storage.path) == {} and store.get("webhook/1/url") is None
    worker.shutdown()
