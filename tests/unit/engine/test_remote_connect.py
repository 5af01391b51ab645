"""Addresses typed into "Connect to another PC…" and certificate fingerprints as the user reads them."""

import pytest

from monitor_app.core.errors import ValidationError
from monitor_app.engine.remote_connect import format_fingerprint, parse_address


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("192.168.0.10", "http://192.168.0.10:8080"),
        ("  server:9000 ", "http://server:9000"),
        ("https://server", "https://server:8080"),
        ("HTTPS://Server:8443/", "https://server:8443"),
        ("[::1]:80", "http://[::1]:80"),
        ("http://[fe80::1]", "http://[fe80::1]:8080"),
    ],
)
def test_parse_address_accepts_host_host_port_and_urls(typed: str, url: str) -> None:
    assert parse_address(typed) == url


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "enter the other PC's address"),
        ("ftp://server", "use http:// or https://"),
        ("server:99999", "from 1 to 65535"),
        ("server:0", "from 1 to 65535"),
        ("server:http", "from 1 to 65535"),
        ("server/api", "without a path"),
        ("server?x=1", "without a path"),
        ("my server", "no spaces"),
        ("admin:pw@server", "username in its own field"),
        ("http://:8080", "no host name"),
    ],
)
def test_parse_address_says_what_is_wrong(typed: str, says: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_address(typed)
    assert says in raised.value.by_field()["address"]


def test_fingerprint_is_grouped_in_upper_case_pairs() -> None:
    assert format_fingerprint("ab12cdef") == "AB:12:CD:EF"
    assert len(format_fingerprint("0" * 64).split(":")) == 32
