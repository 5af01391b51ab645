"""Secrets in a real engine: webhook URLs and signing secrets, plugin passwords kept in the secret store (here the
encrypted file of the test's data dir), never in the database; still working after a restart; deleted with
their webhook or plugin; absent from every export."""

import sys
from pathlib import Path

from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause
from monitor_app.engine.automation import AutomationConfig
from monitor_app.jobs.retry import RetryPolicy
from monitor_app.resources import bundled_plugins_dir
from monitor_app.secretstore import EncryptedFileSecretStore
from monitor_app.ui.events_view import EventColumn, EventsModel, write_csv
from monitor_app.webhooks.signing import verify_signature
from tests.helpers.palworld_rest import FakePalworldRest
from tests.helpers.processes import child_args
from tests.helpers.receiver import WebhookReceiver

FAST = AutomationConfig(retry=RetryPolicy(initial_s=0.05, max_s=0.2, jitter=0.0), webhook_timeout_s=2.0)
TOKEN = "TOKENabcdefghijklmnopqrstuvwxyz0123456789"
SIGNING = "signing-secret-for-the-test"
PASSWORD = "pal-admin-password-for-the-test"


def database_bytes(data_dir: Path) -> bytes:
    """The database file with its WAL and shared-memory files, as a thief copying them would get them."""
    return b"".join(p.read_bytes() for p in data_dir.iterdir() if p.name.startswith("monitor.db"))


def store_of(data_dir: Path) -> EncryptedFileSecretStore:
    return EncryptedFileSecretStore(data_dir)


def test_a_signed_webhook_keeps_working_after_a_restart_and_its_secrets_stay_out_of_the_db(qtbot, engines,
                                                                                          tmp_path) -> None:
    data_dir = tmp_path / "data"
    engine = engines(automation=FAST)
    assert "encrypted file" in engine.secrets.description  # tests never reach the developer's keyring
    with WebhookReceiver(path=f"/api/webhooks/1/{TOKEN}") as receiver:
        endpoint = engine.automation.add_webhook({"url": receiver.url, "format": "generic", "secret": SIGNING,
                                                  "name": "ops"})
        engine.shutdown()
        raw = database_bytes(data_dir)
        assert b'"secret_ref":"webhook/1"' in raw  # the record is there, with its marker
        for text in (TOKEN, SIGNING, receiver.url):
            assert text.encode() not in raw, text
        assert store_of(data_dir).get("webhook/1/url") == receiver.url

        restarted = engines(automation=FAST)
        loaded = restarted.automation.webhook(endpoint.id)
        assert (loaded.url, loaded.secret, loaded.enabled) == (receiver.url, SIGNING, True)
        restarted.automation.test_webhook(endpoint.id)
        qtbot.waitUntil(lambda: len(receiver.requests) >= 1, timeout=10_000)
        request = receiver.requests[0]
        assert verify_signature(SIGNING, request.body, request.headers["X-Monitor-Signature"])

        # Exports: the webhook list of the API shape has no secret; jobs and events name no URL or secret.
        from monitor_app.httpapi.schemas import webhook_json

        listed = str(webhook_json(loaded))
        assert SIGNING not in listed and "'has_secret': True" in listed
        jobs = str([(j.title, dict(j.payload)) for j in restarted.automation.jobs()])
        assert TOKEN not in jobs and SIGNING not in jobs

        # Removing the secret, then the webhook, removes them from the store too.
        restarted.automation.update_webhook(endpoint.id, {"secret": None})
        restarted.automation.remove_webhook(endpoint.id)
        restarted.shutdown()
    assert store_of(data_dir).refs() == ()


def test_the_palworld_password_is_kept_out_of_the_db_and_still_authenticates_after_a_restart(
    qtbot, engines, tmp_path
) -> None:
    data_dir = tmp_path / "data"
    engine = engines(plugin_dirs=(bundled_plugins_dir(),))
    with FakePalworldRest(password=PASSWORD) as fake:
        spec = engine.add_program(ProgramSpec(name="pal", path=sys.executable, args=child_args("--sleep", "60")),
                                  cause=Cause.USER, actor="t")
        instance = engine.plugins.attach(spec.id, "palworld", {"transport": "rest", "rest_port": fake.port,
                                                                "admin_password": PASSWORD})
        engine.shutdown()
        assert PASSWORD.encode() not in database_bytes(data_dir)
        assert store_of(data_dir).refs() == (f"plugin/{instance.id}/admin_password",)

        restarted = engines(plugin_dirs=(bundled_plugins_dir(),))
        loaded = restarted.plugins.instance(instance.id)
        assert dict(loaded.secrets) == {"admin_password": PASSWORD}
        assert restarted.plugins.describe(loaded)["secrets_set"] == ["admin_password"]
        assert PASSWORD not in str(restarted.plugins.describe(loaded))
        qtbot.waitUntil(lambda: restarted.plugins.describe(loaded)["status"] == "running", timeout=5000)
        info = restarted.plugins.run_action(instance.id, "info", {})  # the fake answers 401 to a wrong password
        assert info["name"]

        # Events and their CSV export name no secret.
        model = EventsModel(lambda pid: "pal")
        events = restarted.events(limit=1000)
        rows = [[model.cell_text(e, c) for c in EventColumn] + [str(dict(e.details))] for e in events]
        csv_path = tmp_path / "events.csv"
        write_csv(str(csv_path), [c.name for c in EventColumn] + ["details"], rows)
        assert rows and PASSWORD not in csv_path.read_text(encoding="utf-8-sig")

        restarted.plugins.detach(instance.id)
        restarted.shutdown()
    assert store_of(data_dir).refs() == ()


def test_a_secret_changed_while_running_replaces_the_stored_one(qtbot, engines, tmp_path) -> None:
    engine = engines(plugin_dirs=(bundled_plugins_dir(),))
    spec = engine.add_program(ProgramSpec(name="pal", path=sys.executable, args=child_args("--sleep", "60")),
                              cause=Cause.USER, actor="t")
    instance = engine.plugins.attach(spec.id, "palworld", {"transport": "rest", "admin_password": "first"})
    engine.plugins.update(instance.id, {"settings": {"admin_password": "second"}})
    hook = engine.automation.add_webhook({"url": "https://example.com/hook/one", "secret": "one"})
    engine.automation.update_webhook(hook.id, {"url": "https://example.com/hook/two", "secret": "two"})
    engine.shutdown()
    store = store_of(tmp_path / "data")
    assert store.get(f"plugin/{instance.id}/admin_password") == "second"
    assert (store.get(f"webhook/{hook.id}/url"), store.get(f"webhook/{hook.id}/secret")) == (
        "https://example.com/hook/two", "two")
