"""Test-wide setup: offscreen Qt, and an unexpected ERROR log fails the test."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never the developer's real keyring: with the fail backend engines keep secrets in an encrypted file in the
# test's own data dir (tests of the keyring store register an in-memory backend themselves).
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _translations_built() -> None:
    """The .qm files are build products: make them from the .ts sources, as the build does."""
    subprocess.check_call([sys.executable, str(ROOT / "scripts" / "build_translations.py")], cwd=ROOT)


@pytest.fixture(autouse=True)
def _fail_on_error_logs(request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture):
    """Like qutebrowser's logfail: an ERROR record nobody expected is a bug, even if the test passed."""
    caplog.set_level(logging.INFO)
    yield
    if request.node.get_closest_marker("allow_error_log"):
        return
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    if errors:
        lines = "\n".join(f"{r.name}: {r.getMessage()}" for r in errors)
        pytest.fail(f"unexpected ERROR log records:\n{lines}", pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def _garbage_collected_on_the_main_thread(qapp):  # type: ignore[no-untyped-def]
    """As the app does (``workers.collector``): a Qt object collected on a worker thread can deadlock."""
    from monitor_app.workers.collector import install_collector

    install_collector(qapp)
