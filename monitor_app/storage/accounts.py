"""Users, sessions and API keys: written as the account service changes them, loaded once at start.

Only hashes are stored (bcrypt for passwords, SHA-256 for bearer secrets). Ids of users and keys are never
reused: the highest ever handed out is kept in ``meta``.
"""

import logging
import sqlite3
from collections.abc import Iterable

from monitor_app.core.accounts import AccountChanges, AccountsState, ApiKey, Role, Session, User
from monitor_app.storage import meta

log = logging.getLogger(__name__)


def apply_account_changes(connection: sqlite3.Connection, changes: AccountChanges) -> None:
    """Write one ``AccountChanges``: removals first, then upserts of users, sessions and keys.

    Sessions and keys of users that do not exist (any more) are dropped rather than failing the whole
    transaction: a late write must not bring back what was deleted, nor block every later write.
    """
    if changes.removed_sessions:
        connection.executemany(
            "DELETE FROM sessions WHERE token_hash = ?",
            [(token_hash,) for token_hash in changes.removed_sessions],
        )
    if changes.removed_api_keys:
        ids = [(key_id,) for key_id in changes.removed_api_keys]
        connection.executemany("DELETE FROM api_keys WHERE id = ?", ids)
        meta.raise_int(connection, meta.LAST_API_KEY_ID, max(row[0] for row in ids))
    if changes.removed_users:
        _remove_users(connection, changes.removed_users)
    if changes.users:
        _upsert_users(connection, changes.users)
    if changes.sessions or changes.api_keys:
        known = {row[0] for row in connection.execute("SELECT id FROM users")}
        sessions = [session for session in changes.sessions if session.user_id in known]
        keys = [key for key in changes.api_keys if key.user_id in known]
        _upsert_sessions(connection, sessions)
        _upsert_api_keys(connection, keys)
        dropped = len(changes.sessions) - len(sessions) + len(changes.api_keys) - len(keys)
        if dropped:
            log.debug(
                "dropped %d sessions or API keys of users that do not exist (deleted meanwhile?)", dropped
            )


def load_accounts(connection: sqlite3.Connection) -> AccountsState:
    """Every user (by id), session (oldest first) and API key (by id), with the id high-water marks."""
    users = tuple(
        _user(row)
        for row in connection.execute(
            "SELECT id, username, role, password_hash, created_at, updated_at FROM users ORDER BY id"
        )
    )
    sessions = tuple(
        Session(token_hash=token_hash, user_id=user_id, created_at=created, expires_at=expires, client=client)
        for token_hash, user_id, created, expires, client in connection.execute(
            "SELECT token_hash, user_id, created_at, expires_at, client FROM sessions ORDER BY created_at"
        )
    )
    keys = tuple(
        ApiKey(
            id=key_id, name=name, key_hash=key_hash, user_id=user_id, created_at=created, last_used_at=used
        )
        for key_id, name, key_hash, user_id, created, used in connection.execute(
            "SELECT id, name, key_hash, user_id, created_at, last_used_at FROM api_keys ORDER BY id"
        )
    )
    return AccountsState(
        users=users,
        sessions=sessions,
        api_keys=keys,
        last_user_id=_high_water(connection, meta.LAST_USER_ID, "users"),
        last_key_id=_high_water(connection, meta.LAST_API_KEY_ID, "api_keys"),
    )


def _user(row: tuple[int, str, str, str, float, float]) -> User:
    user_id, username, role, password_hash, created_at, updated_at = row
    if role not in {r.value for r in Role}:
        # A role from a newer release: give the least privilege rather than refuse to start.
        log.warning("user %r has an unknown role %r; treating them as a guest", username, role)
        role = Role.GUEST
    return User(
        id=user_id,
        username=username,
        role=Role(role),
        password_hash=password_hash,
        created_at=created_at,
        updated_at=updated_at,
    )


def _remove_users(connection: sqlite3.Connection, user_ids: Iterable[int]) -> None:
    ids = [(user_id,) for user_id in user_ids]
    connection.executemany("DELETE FROM sessions WHERE user_id = ?", ids)
    connection.executemany("DELETE FROM api_keys WHERE user_id = ?", ids)
    connection.executemany("DELETE FROM users WHERE id = ?", ids)
    meta.raise_int(connection, meta.LAST_USER_ID, max(row[0] for row in ids))


def _upsert_users(connection: sqlite3.Connection, users: Iterable[User]) -> None:
    rows = [
        (user.id, user.username, user.role.value, user.password_hash, user.created_at, user.updated_at)
        for user in users
    ]
    # Usernames are unique and one change may swap two of them: park the changing rows on names no user can
    # have (usernames have no control characters) so the order of the upserts cannot trip the constraint.
    connection.executemany(
        "UPDATE users SET username = char(1) || id WHERE id = ?", [(row[0],) for row in rows]
    )
    connection.executemany(
        "INSERT INTO users (id, username, role, password_hash, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "username = excluded.username, role = excluded.role, "
        "password_hash = excluded.password_hash, updated_at = excluded.updated_at",
        rows,
    )
    meta.raise_int(connection, meta.LAST_USER_ID, max(row[0] for row in rows))


def _upsert_sessions(connection: sqlite3.Connection, sessions: Iterable[Session]) -> None:
    connection.executemany(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, client) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (token_hash) DO UPDATE SET user_id = excluded.user_id, "
        "created_at = excluded.created_at, expires_at = excluded.expires_at, client = excluded.client",
        [(s.token_hash, s.user_id, s.created_at, s.expires_at, s.client) for s in sessions],
    )


def _upsert_api_keys(connection: sqlite3.Connection, keys: Iterable[ApiKey]) -> None:
    rows = [(k.id, k.name, k.key_hash, k.user_id, k.created_at, k.last_used_at) for k in keys]
    connection.executemany(
        "INSERT INTO api_keys (id, name, key_hash, user_id, created_at, last_used_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "name = excluded.name, key_hash = excluded.key_hash, "
        "user_id = excluded.user_id, last_used_at = excluded.last_used_at",
        rows,
    )
    if rows:
        meta.raise_int(connection, meta.LAST_API_KEY_ID, max(row[0] for row in rows))


def _high_water(connection: sqlite3.Connection, key: str, table: str) -> int:
    recorded = meta.read_int(connection, key) or 0
    (largest,) = connection.execute(f"SELECT MAX(id) FROM {table}").fetchone()
    return max(recorded, largest or 0)
