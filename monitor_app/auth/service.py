"""``AccountService``: users, sessions and API keys in memory, checked on every API call.

The service is authoritative: it answers from memory (a bearer lookup is one SHA-256 and a dict access) and
writes behind, handing each change to ``persist`` as an ``AccountChanges`` after memory was updated. The
composition root wires ``persist`` to the storage thread, so storage's transaction order is the order of the
changes here.

Threads: the HTTP thread and the GUI both call in. One lock guards the state; ``persist`` is called while it
is held so changes reach storage in the order they were made (``persist`` must therefore be quick and must
not call back into the service: queue the change, as a queued signal does). bcrypt runs outside the lock, so
a login in progress never delays other requests.
"""

import hmac
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import replace

from monitor_app.auth import passwords, tokens
from monitor_app.auth.errors import AccountLockedError, InvalidCredentialsError
from monitor_app.auth.lockout import LoginThrottle
from monitor_app.core.accounts import AccountChanges, AccountsState, ApiKey, Principal, Role, Session, User
from monitor_app.core.clock import Clock, SystemClock
from monitor_app.core.errors import ConflictError, FieldError, NotFoundError, ValidationError

log = logging.getLogger(__name__)

#: Name of the first administrator (created by ``ensure_admin``).
ADMIN_USERNAME = "admin"
DEFAULT_SESSION_TTL_S = 12 * 3600.0
#: ``last_used_at`` of an API key is written at most this often (a busy script must not write per request).
KEY_USE_RESOLUTION_S = 60.0
#: Sessions one user may hold; the oldest are signed out beyond it (a script that logs in per run).
MAX_SESSIONS_PER_USER = 100
MAX_USERNAME_LENGTH = 32
MAX_KEY_NAME_LENGTH = 64
#: Longer bearer strings are not even hashed: no secret of ours is that long.
MAX_BEARER_LENGTH = 256

_USERNAME = re.compile(r"[A-Za-z0-9._-]+")


class AccountService:
    """Signs users in, checks bearer tokens and API keys, and manages users and keys.

    Args:
        state: What storage loaded at start.
        persist: Receives every change after it is made in memory (write-behind).
        clock: Wall time for session expiry and records; monotonic time for the login throttle.
        session_ttl_s: How long a login token works.
        bcrypt_rounds: Work factor of new password hashes (4 in tests, 12 by default).
        throttle: Login lock-out; by default 5 failures in 5 minutes lock a username for 5 minutes.
    """

    def __init__(
        self,
        state: AccountsState,
        *,
        persist: Callable[[AccountChanges], None],
        clock: Clock | None = None,
        session_ttl_s: float = DEFAULT_SESSION_TTL_S,
        bcrypt_rounds: int = passwords.DEFAULT_ROUNDS,
        throttle: LoginThrottle | None = None,
    ) -> None:
        if session_ttl_s <= 0:
            raise ValueError("session_ttl_s must be positive")
        self._persist = persist
        self._clock = clock if clock is not None else SystemClock()
        self._session_ttl_s = float(session_ttl_s)
        self._rounds = bcrypt_rounds
        self._throttle = throttle if throttle is not None else LoginThrottle(clock=self._clock.monotonic)
        self._lock = threading.Lock()
        self._users: dict[int, User] = {user.id: user for user in state.users}
        self._ids_by_name: dict[str, int] = {_name_key(user.username): user.id for user in state.users}
        self._sessions: dict[str, Session] = {}
        for session in state.sessions:
            if session.user_id in self._users:
                self._sessions[session.token_hash] = session
        self._keys: dict[int, ApiKey] = {}
        self._key_ids_by_hash: dict[str, int] = {}
        for key in state.api_keys:
            if key.user_id in self._users:
                self._keys[key.id] = key
                self._key_ids_by_hash[key.key_hash] = key.id
        self._last_user_id = max([state.last_user_id, *self._users])
        self._last_key_id = max([state.last_key_id, *(key.id for key in state.api_keys)])
        self._dummy_hash: str | None = None
        self._local_token_hash = ""
        self._local_name = ""

    @property
    def session_ttl_s(self) -> float:
        return self._session_ttl_s

    # ------------------------------------------------------------------ first run

    def has_users(self) -> bool:
        with self._lock:
            return bool(self._users)

    def ensure_admin(self, password: str) -> User:
        """Create the first administrator, ``admin``, with ``password``.

        Raises:
            ValidationError: the password breaks the policy.
            ConflictError: an account already exists (the first admin is only made on an empty system).
        """
        passwords.check_password_policy(password, username=ADMIN_USERNAME)
        if self.has_users():
            raise ConflictError(
                "accounts already exist; the first administrator is only created on first run"
            )
        password_hash = passwords.hash_password(password, self._rounds)
        with self._lock:
            if self._users:
                raise ConflictError(
                    "accounts already exist; the first administrator is only created on first run"
                )
            user = self._add_user_locked(ADMIN_USERNAME, password_hash, Role.ADMIN)
        log.info("first administrator %r created", user.username)
        return user

    # ------------------------------------------------------------------ signing in

    def login(self, username: str, password: str, *, client: str) -> tuple[str, Session, User]:
        """Check a username and password and open a session.

        Returns:
            The bearer token (shown to the client once, never stored), its session and the user.

        Raises:
            AccountLockedError: too many recent failures for this username (``retry_after`` seconds left).
            InvalidCredentialsError: unknown user or wrong password (the same error and about the same time
                for both).
        """
        remaining = self._throttle.check(username)
        if remaining is not None:
            raise AccountLockedError(remaining)
        with self._lock:
            user = self._user_by_name_locked(username)
        if user is None:
            # Spend the same bcrypt time as for a real user, so timing does not tell who exists.
            passwords.verify_password(password, self._dummy())
            raise self._failed(username, client)
        if not passwords.verify_password(password, user.password_hash):
            raise self._failed(username, client)
        self._throttle.record_success(username)
        rehashed = None
        if passwords.needs_rehash(user.password_hash, self._rounds):
            rehashed = passwords.hash_password(password, self._rounds)
        token = tokens.new_secret(tokens.SESSION_PREFIX)
        now = self._clock.time()
        with self._lock:
            current = self._users.get(user.id)
            if current is None or current.password_hash != user.password_hash:
                # Deleted, or the password changed, while bcrypt ran: the password just checked is stale.
                raise InvalidCredentialsError()
            users: tuple[User, ...] = ()
            if rehashed is not None:
                current = replace(current, password_hash=rehashed)
                self._users[current.id] = current
                users = (current,)
            session = Session(
                token_hash=tokens.secret_hash(token),
                user_id=current.id,
                created_at=now,
                expires_at=now + self._session_ttl_s,
                client=client,
            )
            removed = self._expired_locked(now)
            for token_hash in removed:
                del self._sessions[token_hash]
            excess = self._excess_sessions_locked(current.id)
            for token_hash in excess:
                del self._sessions[token_hash]
            removed += excess
            self._sessions[session.token_hash] = session
            self._persist_locked(AccountChanges(users=users, sessions=(session,), removed_sessions=removed))
        log.info("%r signed in from %s", current.username, client or "?")
        return token, session, current

    def logout(self, token: str) -> None:
        """End the session of ``token``; nothing happens for an unknown token or an API key."""
        if not token or len(token) > MAX_BEARER_LENGTH:
            return
        token_hash = tokens.secret_hash(token)
        with self._lock:
            if self._sessions.pop(token_hash, None) is not None:
                self._persist_locked(AccountChanges(removed_sessions=(token_hash,)))

    def set_local_token(self, token: str, name: str) -> None:
        """Accept ``token`` as the engine owner's own admin credential (see ``engine.discovery``).

        It is what a window on the same machine, run by the same OS user, presents to attach without a password;
        ``name`` (the OS login name) appears as the actor in the audit log. An empty token switches it off.
        """
        with self._lock:
            self._local_token_hash = tokens.secret_hash(token) if token else ""
            self._local_name = name or "local"

    def resolve(self, bearer: str) -> Principal | None:
        """Who a bearer secret (login token or API key) belongs to; ``None`` if it is unknown or expired.

        The role is the user's current one, so a demotion takes effect on the next request.
        """
        if not bearer or len(bearer) > MAX_BEARER_LENGTH:
            return None
        secret_hash = tokens.secret_hash(bearer)
        now = self._clock.time()
        with self._lock:
            if self._local_token_hash and hmac.compare_digest(secret_hash, self._local_token_hash):
                return Principal(user_id=0, username=self._local_name, role=Role.ADMIN, via="local")
            session = self._sessions.get(secret_hash)
            if session is not None:
                user = self._users.get(session.user_id)
                if session.expires_at <= now or user is None:
                    del self._sessions[secret_hash]
                    self._persist_locked(AccountChanges(removed_sessions=(secret_hash,)))
                    return None
                return Principal(user_id=user.id, username=user.username, role=user.role, via="session")
            key_id = self._key_ids_by_hash.get(secret_hash)
            if key_id is None:
                return None
            key = self._keys[key_id]
            user = self._users.get(key.user_id)
            if user is None:
                return None
            if key.last_used_at is None or now - key.last_used_at >= KEY_USE_RESOLUTION_S:
                key = replace(key, last_used_at=now)
                self._keys[key.id] = key
                self._persist_locked(AccountChanges(api_keys=(key,)))
            return Principal(user_id=user.id, username=user.username, role=user.role, via="key")

    def purge_expired(self, now: float | None = None) -> int:
        """Drop sessions that have expired by ``now`` (default: the clock); return how many."""
        now = self._clock.time() if now is None else now
        with self._lock:
            removed = self._expired_locked(now)
            for token_hash in removed:
                del self._sessions[token_hash]
            if removed:
                self._persist_locked(AccountChanges(removed_sessions=removed))
        return len(removed)

    def sessions(self) -> tuple[Session, ...]:
        """Open sessions (expired ones may linger until the next purge), oldest first."""
        with self._lock:
            return tuple(sorted(self._sessions.values(), key=lambda s: s.created_at))

    # ------------------------------------------------------------------ users

    def users(self) -> tuple[User, ...]:
        """Every user, by id."""
        with self._lock:
            return tuple(self._users[user_id] for user_id in sorted(self._users))

    def user(self, user_id: int) -> User:
        """One user.

        Raises:
            NotFoundError: no user has that id.
        """
        with self._lock:
            return self._get_user_locked(user_id)

    def create_user(self, username: str, password: str, role: Role | str = Role.GUEST) -> User:
        """Add a user.

        Raises:
            ValidationError: a bad username, role or password (every problem listed).
            ConflictError: the username is taken (ignoring case).
        """
        errors = _username_problems(username)
        errors += passwords.password_problems(password, username=username)
        parsed_role = _parse_role(role, errors)
        if errors:
            raise ValidationError(errors)
        assert parsed_role is not None
        with self._lock:
            self._check_name_free_locked(username)
        password_hash = passwords.hash_password(password, self._rounds)
        with self._lock:
            self._check_name_free_locked(username)  # again: bcrypt ran without the lock
            user = self._add_user_locked(username, password_hash, parsed_role)
        log.info("user %r created (%s)", user.username, user.role.value)
        return user

    def update_user(
        self, user_id: int, *, role: Role | str | None = None, password: str | None = None
    ) -> User:
        """Change a user's role and/or password; a new password signs out all of the user's sessions.

        Raises:
            NotFoundError: no user has that id.
            ValidationError: a bad role or password.
            ConflictError: the change would leave no administrator.
        """
        errors: list[FieldError] = []
        parsed_role = _parse_role(role, errors) if role is not None else None
        with self._lock:
            user = self._get_user_locked(user_id)
        if password is not None:
            errors += passwords.password_problems(password, username=user.username)
        if errors:
            raise ValidationError(errors)
        with self._lock:
            self._check_keeps_an_admin_locked(self._get_user_locked(user_id), parsed_role)
        password_hash = passwords.hash_password(password, self._rounds) if password is not None else None
        with self._lock:
            user = self._get_user_locked(user_id)
            self._check_keeps_an_admin_locked(user, parsed_role)
            changes: dict[str, object] = {}
            if parsed_role is not None and parsed_role != user.role:
                changes["role"] = parsed_role
            if password_hash is not None:
                changes["password_hash"] = password_hash
            if not changes:
                return user
            user = replace(user, **changes, updated_at=self._clock.time())  # type: ignore[arg-type]
            self._users[user.id] = user
            removed: tuple[str, ...] = ()
            if password_hash is not None:
                removed = self._user_sessions_locked(user.id)
                for token_hash in removed:
                    del self._sessions[token_hash]
            self._persist_locked(AccountChanges(users=(user,), removed_sessions=removed))
        log.info("user %r changed (%s)", user.username, ", ".join(sorted(changes)).replace("_hash", ""))
        return user

    def delete_user(self, user_id: int) -> None:
        """Remove a user with their sessions and API keys.

        Raises:
            NotFoundError: no user has that id.
            ConflictError: the user is the last administrator.
        """
        with self._lock:
            user = self._get_user_locked(user_id)
            self._check_keeps_an_admin_locked(user, None, deleting=True)
            sessions = self._user_sessions_locked(user_id)
            for token_hash in sessions:
                del self._sessions[token_hash]
            keys = tuple(key.id for key in self._keys.values() if key.user_id == user_id)
            for key_id in keys:
                self._forget_key_locked(key_id)
            del self._users[user_id]
            del self._ids_by_name[_name_key(user.username)]
            self._persist_locked(
                AccountChanges(removed_users=(user_id,), removed_sessions=sessions, removed_api_keys=keys)
            )
        log.info("user %r deleted", user.username)

    # ------------------------------------------------------------------ API keys

    def api_keys(self) -> tuple[ApiKey, ...]:
        """Every API key, by id."""
        with self._lock:
            return tuple(self._keys[key_id] for key_id in sorted(self._keys))

    def create_api_key(self, name: str, *, user_id: int) -> tuple[str, ApiKey]:
        """Make a key acting as ``user_id``.

        Returns:
            The key (shown once, never stored) and its record.

        Raises:
            ValidationError: the name is empty, too long or has control characters.
            NotFoundError: no user has that id.
        """
        name = name.strip() if isinstance(name, str) else name
        if not isinstance(name, str) or not 1 <= len(name) <= MAX_KEY_NAME_LENGTH or not name.isprintable():
            raise ValidationError(
                [FieldError("name", f"must be 1 to {MAX_KEY_NAME_LENGTH} printable characters")]
            )
        secret = tokens.new_secret(tokens.API_KEY_PREFIX)
        with self._lock:
            self._get_user_locked(user_id)
            self._last_key_id += 1
            key = ApiKey(
                id=self._last_key_id,
                name=name,
                key_hash=tokens.secret_hash(secret),
                user_id=user_id,
                created_at=self._clock.time(),
            )
            self._keys[key.id] = key
            self._key_ids_by_hash[key.key_hash] = key.id
            self._persist_locked(AccountChanges(api_keys=(key,)))
        log.info("API key %d (%r) created", key.id, key.name)
        return secret, key

    def revoke_api_key(self, key_id: int) -> None:
        """Delete a key; it stops working at once.

        Raises:
            NotFoundError: no key has that id.
        """
        with self._lock:
            if key_id not in self._keys:
                raise NotFoundError(f"no API key with id {key_id}")
            self._forget_key_locked(key_id)
            self._persist_locked(AccountChanges(removed_api_keys=(key_id,)))
        log.info("API key %d revoked", key_id)

    # ------------------------------------------------------------------ helpers (caller holds the lock)

    def _persist_locked(self, changes: AccountChanges) -> None:
        self._persist(changes)

    def _failed(self, username: str, client: str) -> InvalidCredentialsError:
        """Count a failed sign-in; return the error the client sees (no hint of why it failed)."""
        if self._throttle.record_failure(username) is not None:
            log.warning(
                "username %r locked for %.0f s after repeated failed sign-ins (last from %s)",
                username[: MAX_USERNAME_LENGTH + 1],
                self._throttle.lock_s,
                client or "?",
            )
        return InvalidCredentialsError()

    def _dummy(self) -> str:
        if self._dummy_hash is None:  # a race makes two; harmless
            self._dummy_hash = passwords.hash_password(tokens.new_secret(""), self._rounds)
        return self._dummy_hash

    def _user_by_name_locked(self, username: str) -> User | None:
        user_id = self._ids_by_name.get(_name_key(username))
        return None if user_id is None else self._users[user_id]

    def _get_user_locked(self, user_id: int) -> User:
        user = self._users.get(user_id)
        if user is None:
            raise NotFoundError(f"no user with id {user_id}")
        return user

    def _check_name_free_locked(self, username: str) -> None:
        if _name_key(username) in self._ids_by_name:
            raise ConflictError(f"the username {username!r} is taken")

    def _add_user_locked(self, username: str, password_hash: str, role: Role) -> User:
        now = self._clock.time()
        self._last_user_id += 1
        user = User(
            id=self._last_user_id,
            username=username,
            role=role,
            password_hash=password_hash,
            created_at=now,
            updated_at=now,
        )
        self._users[user.id] = user
        self._ids_by_name[_name_key(username)] = user.id
        self._persist_locked(AccountChanges(users=(user,)))
        return user

    def _check_keeps_an_admin_locked(
        self, user: User, new_role: Role | None, *, deleting: bool = False
    ) -> None:
        if user.role != Role.ADMIN or not (deleting or (new_role is not None and new_role != Role.ADMIN)):
            return
        admins = sum(1 for other in self._users.values() if other.role == Role.ADMIN)
        if admins <= 1:
            action = "deleted" if deleting else "demoted"
            raise ConflictError(f"{user.username!r} is the last administrator and cannot be {action}")

    def _user_sessions_locked(self, user_id: int) -> tuple[str, ...]:
        return tuple(h for h, session in self._sessions.items() if session.user_id == user_id)

    def _expired_locked(self, now: float) -> tuple[str, ...]:
        return tuple(h for h, session in self._sessions.items() if session.expires_at <= now)

    def _excess_sessions_locked(self, user_id: int) -> tuple[str, ...]:
        """The oldest sessions of a user beyond ``MAX_SESSIONS_PER_USER - 1`` (room for one more)."""
        own = sorted(
            (session for session in self._sessions.values() if session.user_id == user_id),
            key=lambda session: session.created_at,
        )
        excess = len(own) - (MAX_SESSIONS_PER_USER - 1)
        return tuple(session.token_hash for session in own[:excess]) if excess > 0 else ()

    def _forget_key_locked(self, key_id: int) -> None:
        key = self._keys.pop(key_id)
        self._key_ids_by_hash.pop(key.key_hash, None)


def _name_key(username: str) -> str:
    return username.casefold()


def _username_problems(username: object) -> list[FieldError]:
    if not isinstance(username, str) or not 1 <= len(username) <= MAX_USERNAME_LENGTH:
        return [FieldError("username", f"must be 1 to {MAX_USERNAME_LENGTH} characters long")]
    if not _USERNAME.fullmatch(username):
        return [FieldError("username", "may only contain letters A-Z and a-z, digits, '.', '_' and '-'")]
    return []


def _parse_role(role: object, errors: list[FieldError]) -> Role | None:
    try:
        return Role(role)
    except ValueError:
        errors.append(FieldError("role", "must be one of: " + ", ".join(r.value for r in Role)))
        return None
