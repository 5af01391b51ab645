"""An account service on a fake clock, with bcrypt at its minimum cost and every persisted change recorded."""

import pytest

from monitor_app.auth.lockout import LoginThrottle
from monitor_app.auth.passwords import MIN_ROUNDS
from monitor_app.auth.service import AccountService
from monitor_app.core.accounts import AccountChanges, AccountsState
from tests.helpers.fakes import FakeClock

#: A password that passes the policy, for accounts whose password does not matter to the test.
PASSWORD = "correct horse"


class Recorder:
    """Stands in for the storage thread: keeps every ``AccountChanges`` in order."""

    def __init__(self) -> None:
        self.changes: list[AccountChanges] = []

    def __call__(self, changes: AccountChanges) -> None:
        self.changes.append(changes)

    def take(self) -> list[AccountChanges]:
        taken, self.changes = self.changes, []
        return taken


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def persisted() -> Recorder:
    return Recorder()


def make_service(
    clock: FakeClock, persisted: Recorder, state: AccountsState | None = None, **options: object
) -> AccountService:
    options.setdefault("throttle", LoginThrottle(clock=clock.monotonic))
    options.setdefault("bcrypt_rounds", MIN_ROUNDS)
    return AccountService(state or AccountsState(), persist=persisted, clock=clock, **options)  # type: ignore[arg-type]


@pytest.fixture
def service(clock: FakeClock, persisted: Recorder) -> AccountService:
    return make_service(clock, persisted)
