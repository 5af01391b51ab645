"""Accounts over HTTP: sign-in, sign-out, expiry, users, API keys, rate limits and lock-out."""

import requests

from monitor_app.auth.ratelimit import Limit
from tests.integration.api.conftest import ADMIN_PASSWORD, RELAXED, start_api


def login(api, username: str, password: str) -> requests.Response:
    return api.anonymous("POST", "/api/auth/login", json={"username": username, "password": password})


def test_login_returns_a_token_role_and_expiry(api) -> None:
    response = login(api, "admin", ADMIN_PASSWORD)
    body = response.json()
    assert response.status_code == 200 and body["role"] == "admin" and body["token"].startswith("mas_")
    assert body["expires_at"] > 0
    assert response.headers["Cache-Control"] == "no-store"


def test_login_failures_do_not_tell_which_part_was_wrong(api) -> None:
    wrong_password = login(api, "admin", "nope nope nope")
    unknown_user = login(api, "nobody", "nope nope nope")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.json()["error"]["message"] == unknown_user.json()["error"]["message"]
    assert login(api, "admin", "").status_code == 422
    missing = api.anonymous("POST", "/api/auth/login", json={"username": "admin"})
    assert missing.status_code == 422 and missing.json()["error"]["details"][0]["field"] == "password"


def test_logout_revokes_the_token(api) -> None:
    token = login(api, "admin", ADMIN_PASSWORD).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert requests.get(api.url("/api/programs"), headers=headers, timeout=5).status_code == 200
    assert requests.post(api.url("/api/auth/logout"), headers=headers, timeout=5).status_code == 204
    assert requests.get(api.url("/api/programs"), headers=headers, timeout=5).status_code == 401


def test_expired_tokens_are_refused(api) -> None:
    token = login(api, "admin", ADMIN_PASSWORD).json()["token"]
    accounts = api.engine.accounts
    accounts.purge_expired(10**12)  # as if far in the future: every session has expired
    response = requests.get(api.url("/api/programs"), headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert response.status_code == 401


def test_users_can_be_managed_by_an_admin(api) -> None:
    created = api.admin("POST", "/api/users", json={"username": "ops", "password": "ops password 9", "role": "guest"})
    assert created.status_code == 201 and created.json()["role"] == "guest"
    user_id = created.json()["id"]
    assert "ops" in [u["username"] for u in api.admin("GET", "/api/users").json()]
    assert all("password" not in str(u).lower() or "password_hash" not in u for u in api.admin("GET", "/api/users").json())
    promoted = api.admin("PUT", f"/api/users/{user_id}", json={"role": "admin"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "admin"
    ops_token = login(api, "ops", "ops password 9").json()["token"]
    assert requests.get(api.url("/api/users"), headers={"Authorization": f"Bearer {ops_token}"}, timeout=5).status_code == 200
    assert api.admin("PUT", f"/api/users/{user_id}", json={"password": "short"}).status_code == 422
    assert api.admin("DELETE", f"/api/users/{user_id}").status_code == 204
    assert requests.get(api.url("/api/users"), headers={"Authorization": f"Bearer {ops_token}"}, timeout=5).status_code == 401
    duplicate = api.admin("POST", "/api/users", json={"username": "VIEWER", "password": "another pass 1"})
    assert duplicate.status_code == 409
    assert api.admin("PUT", "/api/users/999", json={"role": "guest"}).status_code == 404
    assert api.admin("POST", "/api/users", json={"username": "x", "password": "long enough 1", "role": "root"}).status_code == 422


def test_the_last_admin_cannot_be_removed_or_demoted(api) -> None:
    admin_id = next(u["id"] for u in api.admin("GET", "/api/users").json() if u["username"] == "admin")
    assert api.admin("PUT", f"/api/users/{admin_id}", json={"role": "guest"}).status_code == 409
    assert api.admin("DELETE", f"/api/users/{admin_id}").status_code == 409


def test_api_keys_are_shown_once_and_can_be_revoked(api) -> None:
    created = api.admin("POST", "/api/keys", json={"name": "prometheus"})
    assert created.status_code == 201
    key = created.json()["key"]
    assert key.startswith("mak_")
    listed = api.admin("GET", "/api/keys").json()
    assert [k["name"] for k in listed] == ["prometheus"] and "key" not in listed[0]
    headers = {"Authorization": f"Bearer {key}"}
    assert requests.get(api.url("/metrics"), headers=headers, timeout=5).status_code == 200
    assert api.admin("DELETE", f"/api/keys/{created.json()['id']}").status_code == 204
    assert requests.get(api.url("/metrics"), headers=headers, timeout=5).status_code == 401


def test_account_changes_are_audited(qtbot, api) -> None:
    api.admin("POST", "/api/users", json={"username": "audited", "password": "audited pass 1"})
    def audited():
        return [e for e in api.engine.events(limit=50) if e.kind.value == "audit" and "audited" in e.message]
    qtbot.waitUntil(lambda: bool(audited()), timeout=5000)
    assert audited()[0].actor == "admin@127.0.0.1"


def test_rate_limits_answer_429_with_retry_after(qtbot, api) -> None:
    strict = start_api(qtbot, api.engine, limits={**RELAXED, "action": Limit(2, 60), "auth": Limit(3, 60)})
    try:
        headers = {"Authorization": f"Bearer {api.admin_token}"}
        url = strict.address + "/api/programs/424242/start"
        codes = [requests.post(url, headers=headers, timeout=5).status_code for _ in range(3)]
        assert codes == [404, 404, 429]
        limited = requests.post(url, headers=headers, timeout=5)
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert limited.json()["error"]["code"] == "rate_limited"
        # Live reads are never limited.
        assert all(requests.get(strict.address + "/api/programs/status", headers=headers, timeout=5).status_code == 200
                   for _ in range(20))
        login_codes = [requests.post(strict.address + "/api/auth/login", json={"username": "admin", "password": "x"},
                                     timeout=5).status_code for _ in range(4)]
        assert login_codes[-1] == 429
    finally:
        strict.stop()


def test_repeated_failed_logins_lock_the_username(api) -> None:
    codes = [login(api, "viewer", "wrong password").status_code for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    locked = login(api, "viewer", "guest password 1")  # even the right password, while locked
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "locked"
    assert int(locked.headers["Retry-After"]) > 0
    assert login(api, "admin", ADMIN_PASSWORD).status_code == 200  # other users are not affected
