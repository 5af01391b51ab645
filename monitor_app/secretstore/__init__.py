"""Secrets out of the database: the OS keyring (``keyring``) or, where there is none, an encrypted file."""

from monitor_app.secretstore.choice import (
    MODES,
    LazySecretStore,
    UnavailableSecretStore,
    choose_secret_store,
    store_kind,
)
from monitor_app.secretstore.file_store import EncryptedFileSecretStore
from monitor_app.secretstore.keyring_store import KeyringSecretStore

__all__ = [
    "MODES",
    "EncryptedFileSecretStore",
    "KeyringSecretStore",
    "LazySecretStore",
    "UnavailableSecretStore",
    "choose_secret_store",
    "store_kind",
]
