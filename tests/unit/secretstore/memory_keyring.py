"""A keyring backend in memory that enforces Windows' credential size limit (UTF-16 bytes)."""

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError, PasswordSetError

from monitor_app.secretstore.keyring_store import MAX_ENTRY_BYTES


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}
        self.fail_writes = False

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.fail_writes:
            raise PasswordSetError("the credential store is locked")
        if len(password.encode("utf-16-le")) > MAX_ENTRY_BYTES:
            raise PasswordSetError("(1783, 'CredWrite', 'The stub received bad data.')")  # what Windows says
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")
