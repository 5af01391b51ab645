"""Records with secrets, split for storage: SQLite gets the record with a ``secret_ref`` marker, the secret store
gets the values (webhook URL and signing secret, plugin passwords); loading joins them again.

Values are read once, when the engine loads its records (the registries keep them in memory afterwards), and
written by the storage thread (``RecordChange.secrets``), so neither a delivery nor the GUI thread waits on the
keyring. A value the store cannot give back is reported and its record loaded switched off, never dropped.
"""

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from monitor_app.core.notifications import WebhookEndpoint, endpoint_to_dict, webhook_url_problem
from monitor_app.core.plugins import PluginInstance, instance_to_dict
from monitor_app.core.secrets import (
    WEBHOOK_SECRET,
    WEBHOOK_URL,
    SecretStore,
    SecretStoreError,
    plugin_ref,
    webhook_ref,
)
from monitor_app.storage.repository import RecordChange
from monitor_app.webhooks.delivery import redact_url

log = logging.getLogger(__name__)

#: Stands in for a webhook URL the store lost: valid, so the record loads (switched off), and obviously not real.
MISSING_URL = "https://secret-missing.invalid/"

StoredRecords = tuple[tuple[int, Mapping[str, object]], ...]


def webhook_change(endpoint_id: int, endpoint: WebhookEndpoint | None) -> RecordChange:
    """What to store for an endpoint (None: it was removed, its secrets go too)."""
    url_ref, secret_ref = webhook_ref(endpoint_id, WEBHOOK_URL), webhook_ref(endpoint_id, WEBHOOK_SECRET)
    if endpoint is None:
        return RecordChange("webhooks", endpoint_id, None, secrets=((url_ref, None), (secret_ref, None)))
    spec = {
        **endpoint_to_dict(endpoint),
        "url": redact_url(endpoint.url),
        "secret_ref": f"webhook/{endpoint_id}",
    }
    return RecordChange(
        "webhooks",
        endpoint_id,
        spec,
        secrets=((url_ref, endpoint.url), (secret_ref, endpoint.secret or None)),
    )


def stored_webhooks(records: StoredRecords, store: SecretStore | None) -> StoredRecords:
    """Webhook records as stored, with their URL and secret read back from ``store``."""
    return tuple((record_id, _webhook_spec(record_id, spec, store)) for record_id, spec in records)


def plugin_change(
    instance_id: int, instance: PluginInstance | None, previous: Iterable[str] = ()
) -> RecordChange:
    """What to store for a plugin instance; ``previous``: the secret keys stored before (those gone are deleted)."""
    kept = dict(instance.secrets) if instance is not None else {}
    secrets = tuple(
        (plugin_ref(instance_id, key), kept.get(key) or None) for key in sorted(set(previous) | set(kept))
    )
    if instance is None:
        return RecordChange("plugin_instances", instance_id, None, secrets=secrets)
    spec = {**instance_to_dict(instance), "secret_ref": f"plugin/{instance_id}"}
    return RecordChange("plugin_instances", instance_id, spec, secrets=secrets)


def stored_plugins(records: StoredRecords, store: SecretStore | None) -> StoredRecords:
    """Plugin instance records as stored, with their ``secrets`` read back from ``store``."""
    return tuple((record_id, _plugin_spec(record_id, spec, store)) for record_id, spec in records)


# ------------------------------------------------------------------------------------------------ loading


def _webhook_spec(record_id: int, spec: Mapping[str, object], store: SecretStore | None) -> dict[str, object]:
    data = {key: value for key, value in spec.items() if key != "secret_ref"}
    if "secret_ref" not in spec:
        return data  # never stored by this release (a test's hand-made record): taken as it is
    what = f"webhook {record_id} ({spec.get('name') or spec.get('url')})"
    url = _read(store, webhook_ref(record_id, WEBHOOK_URL), what)
    secret = _read(store, webhook_ref(record_id, WEBHOOK_SECRET), what) if spec.get("has_secret") else None
    data.pop("has_secret", None)
    if url is None or (spec.get("has_secret") and secret is None):
        log.warning("%s is switched off: enter its %s again", what, "URL" if url is None else "secret")
        shown = spec.get("url")
        url = url or (shown if isinstance(shown, str) and webhook_url_problem(shown) is None else MISSING_URL)
        data["enabled"] = False
    data["url"] = url
    data["secret"] = secret
    return data


def _plugin_spec(record_id: int, spec: Mapping[str, object], store: SecretStore | None) -> dict[str, object]:
    data: dict[str, Any] = {
        key: value for key, value in spec.items() if key not in ("secret_ref", "secrets_set")
    }
    if "secret_ref" not in spec:
        return data
    names = spec.get("secrets_set")
    secrets = {}
    for key in names if isinstance(names, list) else ():
        value = _read(
            store, plugin_ref(record_id, str(key)), f"plugin instance {record_id} ({spec.get('plugin')})"
        )
        if value is None:
            log.warning(
                "plugin instance %d (%s): its %s is missing: enter it again",
                record_id,
                spec.get("plugin"),
                key,
            )
        else:
            secrets[str(key)] = value
    data["secrets"] = secrets
    return data


def _read(store: SecretStore | None, ref: str, what: str) -> str | None:
    if store is None:
        log.error("%s: no secret store to read %s from", what, ref)
        return None
    try:
        return store.get(ref)
    except SecretStoreError as exc:
        log.error("%s: %s", what, exc.message)
        return None
