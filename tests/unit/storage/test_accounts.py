"""Accounts in the database: round trips, removals, cascades, ids never reused, migration from version 2."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from monitor_app.core.accounts import AccountChanges, AccountsState, ApiKey, Role, Session, User
from monitor_app.core.errors import StorageError
from monitor_app.core.model import Event
from monitor_app.core.states import EventKind
from monitor_app.storage import Storage, WriteBatch
from monitor_app.storage.db import open_database
from monitor_app.storage.migrations import LATEST_VERSION, backup_path, migrate
from tests.unit.storage.builders import T0, spec

HASH = "$2b$04$" + "a" * 53


def user(user_id: int, username: str | None = None, role: Role = Role.GUEST, **changes: object) -> User:
    values: dict[str, object] = {
        "username": username or f"user{user_id}",
        "role": role,
        "password_hash": HASH,
        "created_at": T0,
        "updated_at": T0,
    }
    values.update(changes)
    return User(id=user_id, **values)  # type: ignore[arg-type]


def session(token_hash: str, user_id: int, **changes: object) -> Session:
    values: dict[str, object] = {"created_at": T0, "expires_at": T0 + 43_200, "client": "192.168.0.7"}
    values.update(changes)
    return Session(token_hash=token_hash, user_id=user_id, **values)  # type: ignore[arg-type]


def key(key_id: int, user_id: int, **changes: object) -> ApiKey:
    values: dict[str, object] = {"name": f"key {key_id}", "key_hash": f"{key_id:064x}", "created_at": T0}
    values.update(changes)
    return ApiKey(id=key_id, user_id=user_id, **values)  # type: ignore[arg-type]


def write(storage: Storage, *changes: AccountChanges) -> None:
    storage.write(WriteBatch(accounts=changes))


def test_a_new_database_has_no_accounts(storage: Storage) -> None:
    assert storage.load_accounts() == AccountsState()


def test_accounts_round_trip(storage: Storage) -> None:
    admin = user(1, "admin", Role.ADMIN, updated_at=T0 + 5)
    guest = user(2, "김민수-guest")
    sessions = (session("a" * 64, 1), session("b" * 64, 2, created_at=T0 + 1, client=""))
    keys = (key(1, 1, last_used_at=T0 + 9), key(2, 2))

    write(storage, AccountChanges(users=(admin, guest), sessions=sessions, api_keys=keys))

    assert storage.load_accounts() == AccountsState(
        users=(admin, guest), sessions=sessions, api_keys=keys, last_user_id=2, last_key_id=2
    )


def test_upserts_replace_by_id_and_keep_creation_time(storage: Storage) -> None:
    write(storage, AccountChanges(users=(user(1, "alice"),), api_keys=(key(1, 1),)))

    changed = user(1, "Alice", Role.ADMIN, password_hash="$2b$04$" + "b" * 53, updated_at=T0 + 60)
    used = key(1, 1, last_used_at=T0 + 60)
    write(storage, AccountChanges(users=(changed,), api_keys=(used,)))

    state = storage.load_accounts()
    assert state.users == (changed,)
    assert state.api_keys == (used,)


def test_changes_apply_in_order_removals_first(storage: Storage) -> None:
    write(storage, AccountChanges(users=(user(1, "alice"), user(2, "bob"))))

    write(
        storage,
        AccountChanges(sessions=(session("a" * 64, 1), session("b" * 64, 2))),
        AccountChanges(removed_sessions=("a" * 64,)),
        # One change may free a name and give it to someone else, and swap two names.
        AccountChanges(users=(user(3, "ALICE"), user(2, "carol")), removed_users=(1,)),
        AccountChanges(users=(user(2, "alice"), user(3, "carol"))),
    )

    state = storage.load_accounts()
    assert [(u.id, u.username) for u in state.users] == [(2, "alice"), (3, "carol")]
    assert [s.token_hash for s in state.sessions] == ["b" * 64]


def test_usernames_are_unique_ignoring_case(storage: Storage) -> None:
    write(storage, AccountChanges(users=(user(1, "alice"),)))

    with pytest.raises(StorageError, match="UNIQUE"):
        write(storage, AccountChanges(users=(user(2, "ALICE"),)))

    assert [u.username for u in storage.load_accounts().users] == ["alice"]


def test_removing_a_user_removes_their_sessions_and_keys(storage: Storage) -> None:
    write(
        storage,
        AccountChanges(
            users=(user(1), user(2)),
            sessions=(session("a" * 64, 1), session("b" * 64, 2)),
            api_keys=(key(1, 1), key(2, 2)),
        ),
    )

    write(storage, AccountChanges(removed_users=(2,)))

    state = storage.load_accounts()
    assert [u.id for u in state.users] == [1]
    assert [s.user_id for s in state.sessions] == [1]
    assert [k.id for k in state.api_keys] == [1]


def test_sessions_and_keys_of_unknown_users_are_dropped(storage: Storage) -> None:
    write(storage, AccountChanges(users=(user(1),)))

    write(
        storage,
        AccountChanges(removed_users=(1,)),
        AccountChanges(sessions=(session("a" * 64, 1),), api_keys=(key(1, 1),)),  # late writes
        AccountChanges(users=(user(2),), sessions=(session("b" * 64, 2), session("c" * 64, 7))),
    )

    state = storage.load_accounts()
    assert [s.token_hash for s in state.sessions] == ["b" * 64]
    assert state.api_keys == ()


def test_ids_are_never_reused(storage: Storage) -> None:
    write(storage, AccountChanges(users=(user(1), user(2)), api_keys=(key(1, 1), key(2, 1))))

    write(storage, AccountChanges(removed_users=(2,), removed_api_keys=(2,)))
    write(storage, AccountChanges(removed_users=(1,)))

    state = storage.load_accounts()
    assert (state.users, state.api_keys) == ((), ())
    assert (state.last_user_id, state.last_key_id) == (2, 2)


def test_accounts_share_the_transaction_of_their_batch(storage: Storage) -> None:
    write(storage, AccountChanges(users=(user(1, "alice"),)))

    with pytest.raises(StorageError):
        storage.write(
            WriteBatch(
                programs=(spec(1),),
                accounts=(AccountChanges(users=(user(2, "bob"),)), AccountChanges(users=(user(3, "Alice"),))),
            )
        )

    assert storage.load_programs() == ()
    assert [u.username for u in storage.load_accounts().users] == ["alice"]


def test_a_batch_of_empty_account_changes_is_empty() -> None:
    assert WriteBatch(accounts=(AccountChanges(),)).is_empty()
    assert not WriteBatch(accounts=(AccountChanges(removed_sessions=("a" * 64,)),)).is_empty()


def test_records_without_an_id_are_refused(storage: Storage) -> None:
    with pytest.raises(ValueError, match="positive id"):
        write(storage, AccountChanges(users=(user(0),)))
    with pytest.raises(ValueError, match="positive id"):
        write(storage, AccountChanges(users=(user(1),), api_keys=(key(0, 1),)))
    assert storage.load_accounts() == AccountsState()


def test_an_unknown_role_loads_as_guest(
    storage: Storage, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(storage, AccountChanges(users=(user(1, "alice", Role.ADMIN),)))
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute("UPDATE users SET role = 'owner'")
        connection.commit()

    (loaded,) = storage.load_accounts().users

    assert loaded.role == Role.GUEST
    assert "unknown role 'owner'" in caplog.text


def test_sessions_are_stored_without_rowid(db_path: Path, storage: Storage) -> None:
    with closing(sqlite3.connect(db_path)) as connection:
        (sql,) = connection.execute("SELECT sql FROM sqlite_master WHERE name = 'sessions'").fetchone()
    assert "WITHOUT ROWID" in sql


def test_migrate_from_version_2_keeps_data_and_leaves_a_backup(db_path: Path) -> None:
    db = open_database(db_path)
    assert migrate(db, target=2) == 2
    connection = db.connection()
    connection.execute(
        "INSERT INTO programs (id, name, spec, created_at, updated_at) "
        "VALUES (3, 'Palworld', '{\"path\": \"C:/pal/PalServer.exe\"}', 1.0, 1.0)"
    )
    connection.execute(
        "INSERT INTO events (time, program_id, kind, cause, details) VALUES (5.0, 3, 'program_added', 'user', '{}')"
    )
    connection.execute("INSERT INTO program_samples (program_id, t, cpu) VALUES (3, 5000, 1234)")
    connection.execute("INSERT INTO meta (key, value) VALUES ('last_program_id', '4')")
    db.close()

    storage = Storage.open(db_path)
    try:
        (program,) = storage.load_programs()
        assert (program.id, program.name, program.path) == (3, "Palworld", "C:/pal/PalServer.exe")
        (event,) = storage.events()
        assert (event.program_id, event.kind) == (3, EventKind.PROGRAM_ADDED)
        assert storage.last_program_id() == 4
        assert storage.load_accounts() == AccountsState()
        write(storage, AccountChanges(users=(user(1, "admin", Role.ADMIN),)))
        storage.write(WriteBatch(events=(Event(time=6.0, kind=EventKind.PROGRAM_ADDED, program_id=3),)))
        assert [u.username for u in storage.load_accounts().users] == ["admin"]
    finally:
        storage.close()
    with closing(sqlite3.connect(db_path)) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert check.execute("SELECT count(*) FROM program_samples").fetchone()[0] == 1
    backup = backup_path(db_path, 2)
    assert backup.name == "monitor.db.v2.bak"
    with closing(sqlite3.connect(backup)) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == 2
        assert check.execute("SELECT name FROM programs").fetchall() == [("Palworld",)]
        tables = {row[0] for row in check.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "users" not in tables
