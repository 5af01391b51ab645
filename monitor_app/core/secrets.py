"""Where secrets live instead of the database: the ``SecretStore`` port and the names (refs) of the secrets in it.

The database keeps only a ``secret_ref`` marker on a record; the values (webhook URLs and signing secrets,
plugin passwords) are kept by a ``SecretStore`` (the OS keyring, or an encrypted file). A ref names one value;
the formats below are a stored contract (migration 8 writes them too): never change them.
"""

from typing import Protocol

from monitor_app.core.errors import MonitorError


class SecretStoreError(MonitorError):
    """The secret store cannot be read or written (says which store and why); nothing in it was lost."""

    code = "secret_store_error"


class SecretStore(Protocol):
    """Keeps small text values by ref. Implementations must be safe to call from any one thread at a time.

    Attributes:
        description: For people (logs, the GUI): which store, e.g. "Windows Credential Manager".
    """

    description: str

    def get(self, ref: str) -> str | None:
        """The value, or None when none is stored. Raises SecretStoreError when the store cannot be read."""
        ...

    def set(self, ref: str, value: str) -> None:
        """Store (or replace) a value. Raises SecretStoreError; the other values are kept either way."""
        ...

    def delete(self, ref: str) -> None:
        """Forget a value (nothing happens if there is none). Raises SecretStoreError."""
        ...


#: Parts of a webhook kept in the store: its URL (Discord/Slack carry the token in it) and its signing secret.
WEBHOOK_URL = "url"
WEBHOOK_SECRET = "secret"


def webhook_ref(endpoint_id: int, part: str) -> str:
    """``webhook/<id>/url`` or ``webhook/<id>/secret``."""
    return f"webhook/{endpoint_id}/{part}"


def plugin_ref(instance_id: int, key: str) -> str:
    """``plugin/<instance id>/<setting key>``, e.g. ``plugin/3/admin_password``."""
    return f"plugin/{instance_id}/{key}"
