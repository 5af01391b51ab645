"""The first administrator of a headless monitor: from the environment, or generated into an owner-only file."""

import os
import stat
from pathlib import Path

import pytest

from monitor_app.auth.bootstrap import (
    ENV_ADMIN_PASSWORD,
    PASSWORD_FILE_NAME,
    generate_password,
    initial_admin_password,
)
from monitor_app.auth.errors import BootstrapError
from monitor_app.auth.passwords import check_password_policy
from monitor_app.auth.service import AccountService
from monitor_app.core.accounts import Role
from tests.unit.auth.conftest import PASSWORD, Recorder


def test_the_environment_password_is_used(service: AccountService, tmp_path: Path) -> None:
    created = initial_admin_password(service, tmp_path, environ={ENV_ADMIN_PASSWORD: "from the environment"})

    assert created is not None
    assert (created.source, created.password_file) == ("env", None)
    assert (created.user.username, created.user.role) == ("admin", Role.ADMIN)
    service.login("admin", "from the environment", client="")
    assert list(tmp_path.iterdir()) == [], "no password file when the password came from the environment"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short", "must be at least 8 characters long"),
        ("12345678", "must not be only digits"),
        ("Admin", "must not be the same as the username"),
    ],
)
def test_a_weak_environment_password_is_refused_clearly(
    service: AccountService, tmp_path: Path, password: str, reason: str
) -> None:
    with pytest.raises(BootstrapError) as caught:
        initial_admin_password(service, tmp_path, environ={ENV_ADMIN_PASSWORD: password})

    assert ENV_ADMIN_PASSWORD in caught.value.message
    assert reason in caught.value.message
    assert password not in caught.value.message.replace(ENV_ADMIN_PASSWORD, "")
    assert not service.has_users()


def test_a_password_is_generated_into_an_owner_only_file(
    service: AccountService, persisted: Recorder, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir = tmp_path / "data"

    created = initial_admin_password(service, data_dir, environ={})

    assert created is not None and created.source == "generated"
    path = data_dir / PASSWORD_FILE_NAME
    assert created.password_file == path
    password = path.read_text(encoding="utf-8").splitlines()[0]
    check_password_policy(password, username="admin")
    service.login("admin", password, client="")
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert str(path) in messages
    assert password not in messages
    assert password not in repr(persisted.changes)


def test_an_existing_password_file_is_never_overwritten(service: AccountService, tmp_path: Path) -> None:
    path = tmp_path / PASSWORD_FILE_NAME
    path.write_text("an older password\n", encoding="utf-8")

    with pytest.raises(BootstrapError, match="already exists"):
        initial_admin_password(service, tmp_path, environ={})

    assert path.read_text(encoding="utf-8") == "an older password\n"
    assert not service.has_users()


def test_nothing_happens_when_accounts_exist(service: AccountService, tmp_path: Path) -> None:
    service.ensure_admin(PASSWORD)

    assert (
        initial_admin_password(service, tmp_path, environ={ENV_ADMIN_PASSWORD: "from the environment"})
        is None
    )
    assert initial_admin_password(service, tmp_path, environ={}) is None
    assert list(tmp_path.iterdir()) == []
    service.login("admin", PASSWORD, client="")


def test_an_empty_environment_variable_counts_as_unset(service: AccountService, tmp_path: Path) -> None:
    created = initial_admin_password(service, tmp_path, environ={ENV_ADMIN_PASSWORD: ""})

    assert created is not None and created.source == "generated"


def test_an_unwritable_folder_creates_no_admin(service: AccountService, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")

    with pytest.raises(BootstrapError, match="cannot write"):
        initial_admin_password(service, blocker, environ={})

    assert not service.has_users()


def test_a_failed_account_creation_removes_the_file(
    service: AccountService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(_password: str) -> None:
        raise OSError("simulated")

    monkeypatch.setattr(service, "ensure_admin", refuse)

    with pytest.raises(OSError, match="simulated"):
        initial_admin_password(service, tmp_path, environ={})

    assert list(tmp_path.iterdir()) == []


def test_generated_passwords_are_random_and_acceptable() -> None:
    passwords = {generate_password() for _ in range(100)}

    assert len(passwords) == 100
    for password in passwords:
        check_password_policy(password, username="admin")
        assert len(password) == 16
