"""A running REST API on 127.0.0.1 (an ephemeral port) over a real engine, with an admin and a guest."""

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from monitor_app.auth.ratelimit import Limit
from monitor_app.core.accounts import Role
from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause
from monitor_app.httpapi.server import ApiConfig
from monitor_app.webapi import RestApi
from tests.helpers.processes import child_args

ADMIN_PASSWORD = "correct horse battery"
GUEST_PASSWORD = "guest password 1"


@dataclass
class Api:
    base: str
    engine: object
    rest: RestApi
    admin_token: str
    guest_token: str

    def url(self, path: str) -> str:
        return self.base + path

    def headers(self, token: str | None = None, **extra: str) -> dict[str, str]:
        out = dict(extra)
        if token:
            out["Authorization"] = f"Bearer {token}"
        return out

    def admin(self, method: str, path: str, **kw) -> requests.Response:
        return requests.request(method, self.url(path), headers=self.headers(self.admin_token, **kw.pop("headers", {})), timeout=10, **kw)

    def guest(self, method: str, path: str, **kw) -> requests.Response:
        return requests.request(method, self.url(path), headers=self.headers(self.guest_token, **kw.pop("headers", {})), timeout=10, **kw)

    def anonymous(self, method: str, path: str, **kw) -> requests.Response:
        return requests.request(method, self.url(path), timeout=10, **kw)


def start_api(qtbot, engine, *, limits: dict[str, Limit] | None = None) -> RestApi:
    rest = RestApi(engine, engine.accounts, ApiConfig(host="127.0.0.1", port=0), limits=limits)
    with qtbot.waitSignal(rest.listening, timeout=10_000):
        rest.start()
    return rest


# Generous limits so that tests exercising other things are never throttled; the rate-limit tests set their own.
RELAXED = {"auth": Limit(1000, 60), "manage": Limit(1000, 60), "action": Limit(1000, 60), "metrics": Limit(1000, 60)}


@pytest.fixture
def api(qtbot, engine) -> Api:
    accounts = engine.accounts
    accounts.ensure_admin(ADMIN_PASSWORD)
    accounts.create_user("viewer", GUEST_PASSWORD, Role.GUEST)
    rest = start_api(qtbot, engine, limits=RELAXED)
    base = rest.address
    admin = requests.post(base + "/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=10)
    guest = requests.post(base + "/api/auth/login", json={"username": "viewer", "password": GUEST_PASSWORD}, timeout=10)
    assert admin.status_code == 200 and guest.status_code == 200, (admin.text, guest.text)
    yield Api(base, engine, rest, admin.json()["token"], guest.json()["token"])
    rest.stop()


def add_program(engine, name: str = "server", *options: str) -> ProgramSpec:
    return engine.add_program(
        ProgramSpec(name=name, path=sys.executable, args=child_args(*(options or ("--sleep", "60"))), startsecs=0.2),
        cause=Cause.USER,
        actor="test",
    )


def program_body(name: str = "api server", **extra) -> dict:
    return {"name": name, "path": sys.executable, "args": child_args("--sleep", "60"), "startsecs": 0.2, **extra}


HERE = Path(__file__).parent
