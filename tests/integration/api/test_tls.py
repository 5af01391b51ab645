"""HTTPS with a user-supplied certificate and key (QSslServer), and a clear refusal of a bad pair."""

import subprocess
from pathlib import Path

import pytest
import requests

from monitor_app.httpapi.server import ApiConfig
from monitor_app.webapi import RestApi
from tests.integration.api.conftest import ADMIN_PASSWORD, RELAXED


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_tls_serves_https(qtbot, engine, certificate) -> None:
    engine.accounts.ensure_admin(ADMIN_PASSWORD)
    cert, key = certificate
    rest = RestApi(engine, engine.accounts, ApiConfig(port=0, tls_certificate=cert, tls_key=key), limits=RELAXED)
    with qtbot.waitSignal(rest.listening, timeout=10_000):
        rest.start()
    try:
        assert rest.address.startswith("https://127.0.0.1:")
        health = requests.get(rest.address + "/api/health", verify=str(cert), timeout=10)
        assert health.status_code == 200
        login = requests.post(rest.address + "/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD},
                              verify=str(cert), timeout=10)
        assert login.status_code == 200
        with pytest.raises(requests.ConnectionError):
            requests.get(rest.address.replace("https", "http") + "/api/health", timeout=5)
    finally:
        rest.stop()


def test_tls_with_a_bad_key_is_reported(qtbot, engine, tmp_path) -> None:
    bogus = tmp_path / "nothing.pem"
    bogus.write_text("not a certificate")
    rest = RestApi(engine, engine.accounts, ApiConfig(port=0, tls_certificate=bogus, tls_key=bogus))
    with qtbot.waitSignal(rest.failed, timeout=10_000) as failed:
        rest.start()
    assert "not a PEM certificate" in failed.args[0]
    rest.stop()
