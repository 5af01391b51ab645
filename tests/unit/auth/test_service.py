"""The account service: sign-in, bearer checks, users and keys, and what it hands to storage."""

import threading

import pytest

from monitor_app.auth.errors import AccountLockedError, InvalidCredentialsError
from monitor_app.auth.lockout import LoginThrottle
from monitor_app.auth.passwords import MIN_ROUNDS, hash_password, hash_rounds, verify_password
from monitor_app.auth.service import KEY_USE_RESOLUTION_S, MAX_SESSIONS_PER_USER, AccountService
from monitor_app.auth.tokens import secret_hash
from monitor_app.core.accounts import (
    LOCAL_PRINCIPAL,
    AccountChanges,
    AccountsState,
    ApiKey,
    Principal,
    Role,
    Session,
    User,
)
from monitor_app.core.errors import ConflictError, NotFoundError, ValidationError
from tests.helpers.fakes import FakeClock
from tests.unit.auth.conftest import PASSWORD, Recorder, make_service

T0 = 1_700_000_000.0


def _with_admin(service: AccountService, persisted: Recorder) -> User:
    admin = service.ensure_admin(PASSWORD)
    persisted.take()
    return admin


# ---------------------------------------------------------------------- first admin


def test_ensure_admin_creates_admin_once(service: AccountService, persisted: Recorder) -> None:
    assert not service.has_users()

    admin = service.ensure_admin(PASSWORD)

    assert (admin.id, admin.username, admin.role) == (1, "admin", Role.ADMIN)
    assert verify_password(PASSWORD, admin.password_hash)
    assert service.has_users()
    assert persisted.take() == [AccountChanges(users=(admin,))]
    with pytest.raises(ConflictError, match="already exist"):
        service.ensure_admin("another password")
    assert persisted.take() == []


def test_ensure_admin_checks_the_policy(service: AccountService) -> None:
    with pytest.raises(ValidationError, match="at least 8"):
        service.ensure_admin("short")
    with pytest.raises(ValidationError, match="same as the username"):
        service.ensure_admin("ADMIN")
    assert not service.has_users()


# ---------------------------------------------------------------------- login, resolve, logout


def test_login_then_resolve_gives_the_principal(
    service: AccountService, persisted: Recorder, clock: FakeClock
) -> None:
    admin = _with_admin(service, persisted)

    token, session, user = service.login("admin", PASSWORD, client="192.168.0.5")

    assert token.startswith("mas_")
    assert user == admin
    assert session == Session(
        token_hash=secret_hash(token),
        user_id=admin.id,
        created_at=clock.time(),
        expires_at=clock.time() + 12 * 3600,
        client="192.168.0.5",
    )
    assert persisted.take() == [AccountChanges(sessions=(session,))]
    assert service.resolve(token) == Principal(admin.id, "admin", Role.ADMIN, "session")
    assert service.resolve(token).is_admin  # type: ignore[union-attr]
    assert persisted.take() == [], "resolving a session writes nothing"


def test_login_ignores_the_case_of_the_username(service: AccountService, persisted: Recorder) -> None:
    _with_admin(service, persisted)

    _token, _session, user = service.login("ADMIN", PASSWORD, client="")

    assert user.username == "admin"


def test_the_token_is_never_kept(service: AccountService, persisted: Recorder) -> None:
    _with_admin(service, persisted)

    token, session, _user = service.login("admin", PASSWORD, client="")

    assert token not in repr(service.sessions())
    assert token not in repr(persisted.changes)
    assert session.token_hash not in repr(session)


def test_wrong_password_and_unknown_user_fail_alike(service: AccountService, persisted: Recorder) -> None:
    _with_admin(service, persisted)

    with pytest.raises(InvalidCredentialsError) as wrong_password:
        service.login("admin", "not the password", client="")
    with pytest.raises(InvalidCredentialsError) as unknown_user:
        service.login("nobody", PASSWORD, client="")

    assert wrong_password.value.message == unknown_user.value.message == "wrong username or password"
    assert wrong_password.value.code == unknown_user.value.code == "invalid_credentials"
    assert persisted.take() == []


def test_unknown_users_cost_a_bcrypt_verify_too(
    service: AccountService, persisted: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor_app.auth import passwords

    calls: list[str] = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda p, h: calls.append(h) or real(p, h))

    with pytest.raises(InvalidCredentialsError):
        service.login("nobody", PASSWORD, client="")

    assert len(calls) == 1 and hash_rounds(calls[0]) == MIN_ROUNDS


def test_repeated_failures_lock_the_username(clock: FakeClock, persisted: Recorder) -> None:
    service = make_service(clock, persisted, throttle=LoginThrottle(3, 300, 60, clock=clock.monotonic))
    _with_admin(service, persisted)
    for _ in range(3):
        with pytest.raises(InvalidCredentialsError):
            service.login("admin", "wrong password", client="10.0.0.9")

    with pytest.raises(AccountLockedError) as locked:
        service.login("admin", PASSWORD, client="10.0.0.9")
    assert locked.value.code == "locked"
    assert locked.value.retry_after == 60
    assert "try again in 60 s" in locked.value.message

    clock.advance(59.5)
    with pytest.raises(AccountLockedError) as still_locked:
        service.login("admin", PASSWORD, client="10.0.0.9")
    assert still_locked.value.retry_after == pytest.approx(0.5)
    assert "try again in 1 s" in still_locked.value.message

    clock.advance(0.5)
    service.login("admin", PASSWORD, client="10.0.0.9")


def test_unknown_usernames_are_locked_too(clock: FakeClock, persisted: Recorder) -> None:
    service = make_service(clock, persisted, throttle=LoginThrottle(2, 300, 60, clock=clock.monotonic))
    for _ in range(2):
        with pytest.raises(InvalidCredentialsError):
            service.login("ghost", "wrong password", client="")

    with pytest.raises(AccountLockedError):
        service.login("ghost", "wrong password", client="")


def test_a_lock_is_logged(clock: FakeClock, persisted: Recorder, caplog: pytest.LogCaptureFixture) -> None:
    service = make_service(clock, persisted, throttle=LoginThrottle(1, 300, 60, clock=clock.monotonic))

    with pytest.raises(InvalidCredentialsError):
        service.login("admin", "wrong password", client="10.0.0.9")

    assert any("locked for 60 s" in r.getMessage() and "10.0.0.9" in r.getMessage() for r in caplog.records)


def test_a_success_resets_the_failures(clock: FakeClock, persisted: Recorder) -> None:
    service = make_service(clock, persisted, throttle=LoginThrottle(2, 300, 60, clock=clock.monotonic))
    _with_admin(service, persisted)
    with pytest.raises(InvalidCredentialsError):
        service.login("admin", "wrong password", client="")
    service.login("admin", PASSWORD, client="")

    with pytest.raises(InvalidCredentialsError):
        service.login("admin", "wrong password", client="")
    service.login("admin", PASSWORD, client="")


def test_an_expired_session_resolves_to_none_and_is_removed(clock: FakeClock, persisted: Recorder) -> None:
    service = make_service(clock, persisted, session_ttl_s=600)
    _with_admin(service, persisted)
    token, session, _user = service.login("admin", PASSWORD, client="")
    persisted.take()

    clock.advance(599)
    assert service.resolve(token) is not None
    clock.advance(1)
    assert service.resolve(token) is None

    assert persisted.take() == [AccountChanges(removed_sessions=(session.token_hash,))]
    assert service.sessions() == ()
    assert service.resolve(token) is None
    assert persisted.take() == []


def test_unknown_and_silly_bearers_resolve_to_none(service: AccountService, persisted: Recorder) -> None:
    _with_admin(service, persisted)

    for bearer in ("", "mas_forged", "x" * 10_000, "\ud800"):
        assert service.resolve(bearer) is None
    assert persisted.take() == []


def test_logout_ends_only_that_session(service: AccountService, persisted: Recorder) -> None:
    _with_admin(service, persisted)
    first, first_session, _ = service.login("admin", PASSWORD, client="")
    second, _, _ = service.login("admin", PASSWORD, client="")
    persisted.take()

    service.logout(first)

    assert service.resolve(first) is None
    assert service.resolve(second) is not None
    assert persisted.take() == [AccountChanges(removed_sessions=(first_session.token_hash,))]
    service.logout(first)
    service.logout("mas_unknown")
    service.logout("")
    assert persisted.take() == []


def test_purge_expired(clock: FakeClock, persisted: Recorder) -> None:
    service = make_service(clock, persisted, session_ttl_s=100)
    _with_admin(service, persisted)
    _old, old_session, _ = service.login("admin", PASSWORD, client="")
    clock.advance(50)
    young, _, _ = service.login("admin", PASSWORD, client="")
    persisted.take()

    assert service.purge_expired(clock.time() + 60) == 1

    assert persisted.take() == [AccountChanges(removed_sessions=(old_session.token_hash,))]
    assert service.resolve(young) is not None
    assert service.purge_expired() == 0
    assert persisted.take() == []


def test_login_sweeps_expired_sessions(clock: FakeClock, persisted: Recorder) -> None:
    service = make_service(clock, persisted, session_ttl_s=100)
    _with_admin(service, persisted)
    _old, old_session, _ = service.login("admin", PASSWORD, client="")
    clock.advance(100)
    persisted.take()

    _new, new_session, _ = service.login("admin", PASSWORD, client="")

    assert persisted.take() == [
        AccountChanges(sessions=(new_session,), removed_sessions=(old_session.token_hash,))
    ]


def test_a_user_keeps_a_bounded_number_of_sessions(
    service: AccountService, persisted: Recorder, clock: FakeClock
) -> None:
    _with_admin(service, persisted)
    first, _, _ = service.login("admin", PASSWORD, client="")
    for _ in range(MAX_SESSIONS_PER_USER):
        clock.advance(1)
        service.login("admin", PASSWORD, client="")

    assert len(service.sessions()) == MAX_SESSIONS_PER_USER
    assert service.resolve(first) is None


def test_an_old_hash_is_upgraded_at_login(clock: FakeClock, persisted: Recorder) -> None:
    weak = User(1, "alice", Role.ADMIN, hash_password(PASSWORD, MIN_ROUNDS), T0, T0)
    service = make_service(
        clock, persisted, AccountsState(users=(weak,), last_user_id=1), bcrypt_rounds=MIN_ROUNDS + 1
    )

    _token, session, user = service.login("alice", PASSWORD, client="")

    assert hash_rounds(user.password_hash) == MIN_ROUNDS + 1
    assert verify_password(PASSWORD, user.password_hash)
    assert persisted.take() == [AccountChanges(users=(user,), sessions=(session,))]


# ---------------------------------------------------------------------- roles and API keys


def test_guest_and_admin_principals(service: AccountService, persisted: Recorder) -> None:
    _with_admin(service, persisted)
    guest = service.create_user("viewer", PASSWORD, Role.GUEST)
    token, _, _ = service.login("viewer", PASSWORD, client="")

    principal = service.resolve(token)

    assert principal == Principal(guest.id, "viewer", Role.GUEST, "session")
    assert principal is not None and not principal.is_admin
    assert LOCAL_PRINCIPAL.is_admin and LOCAL_PRINCIPAL.via == "local"


def test_a_role_change_applies_to_open_sessions(service: AccountService, persisted: Recorder) -> None:
    _with_admin(service, persisted)
    guest = service.create_user("viewer", PASSWORD, Role.GUEST)
    token, _, _ = service.login("viewer", PASSWORD, client="")

    service.update_user(guest.id, role=Role.ADMIN)

    assert service.resolve(token) == Principal(guest.id, "viewer", Role.ADMIN, "session")


def test_api_key_acts_with_its_owners_role(
    service: AccountService, persisted: Recorder, clock: FakeClock
) -> None:
    admin = _with_admin(service, persisted)
    guest = service.create_user("script", PASSWORD, "guest")
    persisted.take()

    plain, key = service.create_api_key("  backup script ", user_id=guest.id)

    assert plain.startswith("mak_")
    assert key == ApiKey(1, "backup script", secret_hash(plain), guest.id, clock.time(), None)
    assert persisted.take() == [AccountChanges(api_keys=(key,))]
    assert service.resolve(plain) == Principal(guest.id, "script", Role.GUEST, "key")
    (used,) = persisted.take()[0].api_keys
    assert used.last_used_at == clock.time()
    assert service.api_keys() == (used,)

    service.update_user(guest.id, role=Role.ADMIN)
    assert service.resolve(plain) == Principal(guest.id, "script", Role.ADMIN, "key")
    assert admin.role == Role.ADMIN


def test_key_use_is_written_at_most_once_a_minute(
    service: AccountService, persisted: Recorder, clock: FakeClock
) -> None:
    admin = _with_admin(service, persisted)
    plain, _key = service.create_api_key("cron", user_id=admin.id)
    service.resolve(plain)
    persisted.take()

    for _ in range(10):
        clock.advance(KEY_USE_RESOLUTION_S / 10 - 0.01)
        assert service.resolve(plain) is not None
    assert persisted.take() == []

    clock.advance(1)
    service.resolve(plain)
    (changes,) = persisted.take()
    assert changes.api_keys[0].last_used_at == clock.time()


def test_revoked_keys_stop_working(service: AccountService, persisted: Recorder) -> None:
    admin = _with_admin(service, persisted)
    plain, key = service.create_api_key("cron", user_id=admin.id)
    persisted.take()

    service.revoke_api_key(key.id)

    assert service.resolve(plain) is None
    assert service.api_keys() == ()
    assert persisted.take() == [AccountChanges(removed_api_keys=(key.id,))]
    with pytest.raises(NotFoundError):
        service.revoke_api_key(key.id)


def test_key_ids_are_never_reused(service: AccountService, persisted: Recorder) -> None:
    admin = _with_admin(service, persisted)
    _, first = service.create_api_key("a", user_id=admin.id)
    service.revoke_api_key(first.id)

    _, second = service.create_api_key("b", user_id=admin.id)

    assert second.id == first.id + 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 65, "tab\there"])
def test_key_names_are_checked(service: AccountService, persisted: Recorder, name: str) -> None:
    admin = _with_admin(service, persisted)

    with pytest.raises(ValidationError) as caught:
        service.create_api_key(name, user_id=admin.id)

    assert list(caught.value.by_field()) == ["name"]


def test_a_key_needs_an_existing_owner(service: AccountService) -> None:
    with pytest.raises(NotFoundError):
        service.create_api_key("cron", user_id=42)


# ---------------------------------------------------------------------- users


def test_create_user(service: AccountService, persisted: Recorder, clock: FakeClock) -> None:
    _with_admin(service, persisted)

    user = service.create_user("Kim.Min-su_2", PASSWORD, Role.GUEST)

    assert (user.id, user.username, user.role, user.created_at) == (
        2,
        "Kim.Min-su_2",
        Role.GUEST,
        clock.time(),
    )
    assert persisted.take() == [AccountChanges(users=(user,))]
    assert [u.username for u in service.users()] == ["admin", "Kim.Min-su_2"]
    assert service.user(user.id) == user


@pytest.mark.parametrize(
    ("username", "password", "role", "fields"),
    [
        ("", PASSWORD, "guest", ["username"]),
        ("x" * 33, PASSWORD, "guest", ["username"]),
        ("has space", PASSWORD, "guest", ["username"]),
        ("김민수", PASSWORD, "guest", ["username"]),
        ("bob", "short", "guest", ["password"]),
        ("bob", PASSWORD, "owner", ["role"]),
        ("bad/name", "1234", "root", ["username", "password", "role"]),
    ],
)
def test_create_user_lists_every_problem(
    service: AccountService, username: str, password: str, role: str, fields: list[str]
) -> None:
    with pytest.raises(ValidationError) as caught:
        service.create_user(username, password, role)

    assert list(caught.value.by_field()) == fields
    assert service.users() == ()


def test_usernames_are_unique_ignoring_case(service: AccountService, persisted: Recorder) -> None:
    _with_admin(service, persisted)

    with pytest.raises(ConflictError, match="taken"):
        service.create_user("Admin", PASSWORD, Role.GUEST)
    assert persisted.take() == []


def test_user_ids_are_never_reused(service: AccountService, persisted: Recorder) -> None:
    _with_admin(service, persisted)
    bob = service.create_user("bob", PASSWORD, Role.GUEST)
    service.delete_user(bob.id)

    again = service.create_user("bob", PASSWORD, Role.GUEST)

    assert again.id == bob.id + 1


def test_ids_continue_from_the_loaded_high_water_marks(clock: FakeClock, persisted: Recorder) -> None:
    service = make_service(clock, persisted, AccountsState(last_user_id=7, last_key_id=9))

    admin = service.ensure_admin(PASSWORD)
    _, key = service.create_api_key("cron", user_id=admin.id)

    assert (admin.id, key.id) == (8, 10)


def test_password_change_revokes_that_users_sessions(
    service: AccountService, persisted: Recorder, clock: FakeClock
) -> None:
    admin = _with_admin(service, persisted)
    bob = service.create_user("bob", PASSWORD, Role.GUEST)
    bob_token, bob_session, _ = service.login("bob", PASSWORD, client="")
    admin_token, _, _ = service.login("admin", PASSWORD, client="")
    plain_key, _key = service.create_api_key("bob's script", user_id=bob.id)
    persisted.take()
    clock.advance(5)

    changed = service.update_user(bob.id, password="a new password")

    assert changed.updated_at == clock.time() and changed.created_at == bob.created_at
    assert verify_password("a new password", changed.password_hash)
    assert persisted.take() == [AccountChanges(users=(changed,), removed_sessions=(bob_session.token_hash,))]
    assert service.resolve(bob_token) is None
    assert service.resolve(admin_token) is not None
    assert service.resolve(plain_key) is not None, "keys are revoked one by one, not by a password change"
    with pytest.raises(InvalidCredentialsError):
        service.login("bob", PASSWORD, client="")
    service.login("bob", "a new password", client="")
    assert admin.role == Role.ADMIN


def test_update_user_checks_its_input(service: AccountService, persisted: Recorder) -> None:
    admin = _with_admin(service, persisted)

    with pytest.raises(NotFoundError):
        service.update_user(99, role=Role.GUEST)
    with pytest.raises(ValidationError, match="password"):
        service.update_user(admin.id, password="admin")
    with pytest.raises(ValidationError, match="role"):
        service.update_user(admin.id, role="superuser")
    assert persisted.take() == []


def test_an_update_that_changes_nothing_writes_nothing(service: AccountService, persisted: Recorder) -> None:
    admin = _with_admin(service, persisted)

    assert service.update_user(admin.id, role=Role.ADMIN) == admin
    assert service.update_user(admin.id) == admin
    assert persisted.take() == []


def test_the_last_admin_cannot_be_demoted_or_deleted(service: AccountService, persisted: Recorder) -> None:
    admin = _with_admin(service, persisted)
    service.create_user("viewer", PASSWORD, Role.GUEST)
    persisted.take()

    with pytest.raises(ConflictError, match="last administrator"):
        service.update_user(admin.id, role=Role.GUEST)
    with pytest.raises(ConflictError, match="last administrator"):
        service.delete_user(admin.id)
    assert persisted.take() == []

    second = service.create_user("second", PASSWORD, Role.ADMIN)
    service.update_user(admin.id, role=Role.GUEST)
    with pytest.raises(ConflictError):
        service.delete_user(second.id)
    service.update_user(admin.id, role="admin")
    service.delete_user(second.id)


def test_delete_user_takes_their_sessions_and_keys(service: AccountService, persisted: Recorder) -> None:
    admin = _with_admin(service, persisted)
    bob = service.create_user("bob", PASSWORD, Role.ADMIN)
    token, session, _ = service.login("bob", PASSWORD, client="")
    plain, key = service.create_api_key("bob's script", user_id=bob.id)
    _admin_plain, admin_key = service.create_api_key("admin's script", user_id=admin.id)
    persisted.take()

    service.delete_user(bob.id)

    assert persisted.take() == [
        AccountChanges(
            removed_users=(bob.id,), removed_sessions=(session.token_hash,), removed_api_keys=(key.id,)
        )
    ]
    assert service.resolve(token) is None
    assert service.resolve(plain) is None
    assert service.api_keys() == (admin_key,)
    assert [u.username for u in service.users()] == ["admin"]
    with pytest.raises(NotFoundError):
        service.delete_user(bob.id)
    with pytest.raises(InvalidCredentialsError):
        service.login("bob", PASSWORD, client="")


def test_starts_from_a_loaded_state(clock: FakeClock, persisted: Recorder) -> None:
    token = "mas_loaded"
    key_plain = "mak_loaded"
    admin = User(3, "admin", Role.ADMIN, hash_password(PASSWORD, MIN_ROUNDS), T0, T0)
    state = AccountsState(
        users=(admin,),
        sessions=(
            Session(secret_hash(token), 3, clock.time(), clock.time() + 60),
            Session(secret_hash("mas_orphan"), 99, clock.time(), clock.time() + 60),
        ),
        api_keys=(ApiKey(4, "cron", secret_hash(key_plain), 3, T0),),
        last_user_id=5,
        last_key_id=4,
    )
    service = make_service(clock, persisted, state)

    assert service.resolve(token) == Principal(3, "admin", Role.ADMIN, "session")
    assert service.resolve(key_plain) == Principal(3, "admin", Role.ADMIN, "key")
    assert service.resolve("mas_orphan") is None
    assert service.create_user("bob", PASSWORD, Role.GUEST).id == 6


def test_memory_is_updated_before_persist_is_called(clock: FakeClock) -> None:
    def persist(_changes: AccountChanges) -> None:
        raise RuntimeError("storage wiring is broken")

    service = AccountService(AccountsState(), persist=persist, clock=clock, bcrypt_rounds=MIN_ROUNDS)

    with pytest.raises(RuntimeError):
        service.ensure_admin(PASSWORD)

    assert [u.username for u in service.users()] == ["admin"]


# ---------------------------------------------------------------------- threads


def test_concurrent_use_keeps_the_state_consistent(clock: FakeClock) -> None:
    recorded: list[AccountChanges] = []
    lock = threading.Lock()

    def persist(changes: AccountChanges) -> None:
        with lock:
            recorded.append(changes)

    service = AccountService(AccountsState(), persist=persist, clock=clock, bcrypt_rounds=MIN_ROUNDS)
    admin = service.ensure_admin(PASSWORD)
    errors: list[BaseException] = []
    tokens: list[str] = []

    def worker(n: int) -> None:
        try:
            user = service.create_user(f"user{n}", PASSWORD, Role.GUEST)
            for _ in range(5):
                token, _, _ = service.login(f"user{n}", PASSWORD, client=f"10.0.0.{n}")
                assert service.resolve(token) is not None
                tokens.append(token)
            plain, key = service.create_api_key(f"key{n}", user_id=user.id)
            for _ in range(20):
                assert service.resolve(plain) is not None
            service.revoke_api_key(key.id)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(u.id for u in service.users()) == list(range(admin.id, admin.id + 9))
    assert len(service.sessions()) == 40
    assert all(service.resolve(token) is not None for token in tokens)
    assert service.api_keys() == ()
    created_users = [u.id for c in recorded for u in c.users]
    assert sorted(created_users) == list(range(1, 10))
