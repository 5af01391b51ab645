"""What an attached window asks the API: who am I, any stored series, a program's output, the local token."""

import time

from monitor_app.advertise import EngineAdvertiser
from monitor_app.core.states import Cause
from monitor_app.engine.discovery import read_advertisement
from tests.integration.api.conftest import add_program


def test_whoami_names_the_user_and_role(api) -> None:
    assert api.admin("GET", "/api/auth/me").json()["username"] == "admin"
    me = api.guest("GET", "/api/auth/me").json()
    assert (me["username"], me["role"], me["via"]) == ("viewer", "guest", "session")
    assert api.anonymous("GET", "/api/auth/me").status_code == 401


def test_history_reads_program_system_and_checks_its_input(qtbot, api) -> None:
    spec = add_program(api.engine)
    api.engine.start_program(spec.id, cause=Cause.USER, actor="test")
    qtbot.waitUntil(lambda: api.engine.latest_metrics() is not None and any(
        s.program_id == spec.id for s in api.engine.latest_metrics().programs), timeout=10_000)
    now = time.time()
    qtbot.wait(1500)  # a stored row
    body = api.guest("GET", "/api/history", params={"program_id": spec.id, "metric": "memory_rss",
                                                     "start": now - 60, "end": now + 60}).json()
    assert body["metric"] == "memory_rss" and body["points"] and body["points"][0][1] > 1_000_000
    system = api.guest("GET", "/api/history", params={"metric": "cpu_percent"}).json()
    assert system["program_id"] is None
    bad = api.guest("GET", "/api/history", params={"program_id": spec.id, "metric": "nonsense"})
    assert bad.status_code == 422 and bad.json()["error"]["details"][0]["field"] == "metric"
    assert api.guest("GET", "/api/history", params={"metric": "cpu_percent", "start": 10, "end": 5}).status_code == 422
    assert api.guest("GET", "/api/history", params={"program_id": 999, "metric": "cpu_percent"}).status_code == 404


def test_output_returns_the_tail_and_the_file(qtbot, api) -> None:
    spec = add_program(api.engine, "talker", "--echo", "hello from the child", "--sleep", "30")
    api.engine.start_program(spec.id, cause=Cause.USER, actor="test")

    def said_hello() -> bool:
        body = api.guest("GET", f"/api/programs/{spec.id}/output", params={"lines": 20}).json()
        return any("hello from the child" in line for line in body["lines"])

    qtbot.waitUntil(said_hello, timeout=10_000)
    assert api.guest("GET", f"/api/programs/{spec.id}/output").json()["path"].endswith(".log")


def test_local_token_is_admin_and_dies_with_the_advertisement(qtbot, api, tmp_path) -> None:
    advertiser = EngineAdvertiser(tmp_path, api.engine.accounts, headless=True)
    advertiser.on_listening(api.base.replace("127.0.0.1", "0.0.0.0"))
    advert = read_advertisement(tmp_path)
    assert advert is not None and advert.api_url == api.base and advert.headless
    assert (tmp_path / "engine.json").stat().st_mode & 0o777 == 0o600
    headers = {"Authorization": f"Bearer {advert.token}"}
    import requests

    me = requests.get(api.base + "/api/auth/me", headers=headers, timeout=10).json()
    assert (me["role"], me["via"]) == ("admin", "local")
    # The local token acts for nobody in particular: a key needs an owner named.
    refused = requests.post(api.base + "/api/keys", json={"name": "k"}, headers=headers, timeout=10)
    assert refused.status_code == 422
    admin_id = next(u.id for u in api.engine.accounts.users() if u.username == "admin")
    made = requests.post(api.base + "/api/keys", json={"name": "k", "user_id": admin_id}, headers=headers, timeout=10)
    assert made.status_code == 201 and made.json()["user"] == "admin"
    advertiser.withdraw()
    assert read_advertisement(tmp_path) is None
    assert requests.get(api.base + "/api/auth/me", headers=headers, timeout=10).status_code == 401
