"""Accounts shared by ``auth`` (which decides) and ``storage`` (which keeps): users, sessions, API keys.

Secrets never appear here in plain form: a session token or an API key is stored as the SHA-256 of the
secret the client holds, a password as its bcrypt hash. The hashes are left out of ``repr`` so a logged
record cannot leak them. Times are wall-clock seconds since the Unix epoch.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal


class Role(StrEnum):
    """What a user may do: guests read, admins also change things."""

    ADMIN = "admin"
    GUEST = "guest"


@dataclass(frozen=True, slots=True)
class User:
    """A person (or script owner) who can sign in.

    Attributes:
        id: Stable identifier, never reused after the user is deleted.
        username: Unique ignoring case; ASCII letters, digits, ``.``, ``_``, ``-``.
        role: What the user may do.
        password_hash: bcrypt hash (``$2b$...``).
        created_at: When the user was created.
        updated_at: When the role or password last changed.
    """

    id: int
    username: str
    role: Role
    password_hash: str = field(repr=False)
    created_at: float
    updated_at: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "role", Role(self.role))


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in client: the hash of the bearer token it was given at login.

    Attributes:
        token_hash: SHA-256 (hex) of the token; the token itself is only ever shown to the client.
        user_id: Who signed in.
        created_at: Login time.
        expires_at: After this the token no longer works.
        client: The client's address at login (for the user's overview and the audit log).
    """

    token_hash: str = field(repr=False)
    user_id: int
    created_at: float
    expires_at: float
    client: str = ""


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A long-lived bearer secret for scripts; it acts with its owner's current role.

    Attributes:
        id: Stable identifier, never reused after the key is revoked.
        name: What the admin called it ("backup script").
        key_hash: SHA-256 (hex) of the key; the key itself is shown once, when created.
        user_id: The owner.
        created_at: When it was created.
        last_used_at: Last successful use (recorded at most about once a minute), ``None`` if never used.
    """

    id: int
    name: str
    key_hash: str = field(repr=False)
    user_id: int
    created_at: float
    last_used_at: float | None = None


@dataclass(frozen=True, slots=True)
class AccountsState:
    """Every account record, as storage loads it at start.

    Attributes:
        last_user_id: Highest user id ever handed out (ids are never reused).
        last_key_id: Highest API key id ever handed out.
    """

    users: tuple[User, ...] = ()
    sessions: tuple[Session, ...] = ()
    api_keys: tuple[ApiKey, ...] = ()
    last_user_id: int = 0
    last_key_id: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "users", tuple(self.users))
        object.__setattr__(self, "sessions", tuple(self.sessions))
        object.__setattr__(self, "api_keys", tuple(self.api_keys))


@dataclass(frozen=True, slots=True)
class AccountChanges:
    """What one account operation asks storage to write, applied in one transaction.

    Removals are applied before upserts (so a username freed by a removal can be taken in the same change);
    removing a user also removes their sessions and keys. Records are matched by ``id`` (sessions by
    ``token_hash``) and replaced whole.
    """

    users: tuple[User, ...] = ()
    removed_users: tuple[int, ...] = ()
    sessions: tuple[Session, ...] = ()
    removed_sessions: tuple[str, ...] = ()
    api_keys: tuple[ApiKey, ...] = ()
    removed_api_keys: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        for name in (
            "users",
            "removed_users",
            "sessions",
            "removed_sessions",
            "api_keys",
            "removed_api_keys",
        ):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def is_empty(self) -> bool:
        return not (
            self.users
            or self.removed_users
            or self.sessions
            or self.removed_sessions
            or self.api_keys
            or self.removed_api_keys
        )


#: How a principal proved who it is: a login token, an API key, or sitting at the PC (the GUI).
Via = Literal["session", "key", "local"]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking, as far as permission checks and the audit log are concerned.

    Attributes:
        user_id: The user (0 for the local GUI, which needs no account).
        username: Their name, for the audit log.
        role: Their role at the moment the request was authenticated.
        via: ``"session"``, ``"key"`` or ``"local"``.
    """

    user_id: int
    username: str
    role: Role
    via: Via

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


#: The person at the PC using the GUI: the operating system already decided they may do everything.
LOCAL_PRINCIPAL = Principal(user_id=0, username="local", role=Role.ADMIN, via="local")
