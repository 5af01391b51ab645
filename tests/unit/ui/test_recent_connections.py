"""The recent-connections file: newest first, bounded, pins forgotten on request, damage tolerated."""

import json
import logging
from pathlib import Path

from monitor_app.ui.recent_connections import MAX_RECENT, RecentConnection, RecentConnections


def test_recent_connections_newest_first_bounded_and_replacing(tmp_path: Path) -> None:
    recent = RecentConnections(tmp_path / "connections.json")
    assert recent.entries() == []
    for number in range(MAX_RECENT + 2):
        recent.remember(RecentConnection(f"http://pc{number}:8080", "admin"))
    recent.remember(RecentConnection("http://pc5:8080", "friend", "password", "ab" * 32))
    entries = recent.entries()
    assert len(entries) == MAX_RECENT
    assert entries[0] == RecentConnection("http://pc5:8080", "friend", "password", "ab" * 32)
    assert [e.url for e in entries].count("http://pc5:8080") == 1
    assert "http://pc0:8080" not in [e.url for e in entries]  # the oldest dropped out
    assert RecentConnections(tmp_path / "connections.json").pin_for("http://pc5:8080") == "ab" * 32


def test_recent_connections_forget_a_pin_and_remove(tmp_path: Path) -> None:
    recent = RecentConnections(tmp_path / "connections.json")
    recent.remember(RecentConnection("https://pc:8080", "admin", "password", "cd" * 32))
    recent.remember(RecentConnection("http://other:8080", "", "key"))
    recent.forget_pin("https://pc:8080")
    assert recent.find("https://pc:8080") == RecentConnection("https://pc:8080", "admin", "password", "")
    recent.remove("http://other:8080")
    assert [e.url for e in recent.entries()] == ["https://pc:8080"]
    assert list(tmp_path.iterdir()) == [tmp_path / "connections.json"]  # no temporary file left behind


def test_recent_connections_tolerate_a_damaged_file(tmp_path: Path, caplog) -> None:
    path = tmp_path / "connections.json"
    path.write_text("{ not json")
    with caplog.at_level(logging.WARNING):
        assert RecentConnections(path).entries() == []
    assert "ignoring the recent connections" in caplog.text
    path.write_text(
        json.dumps(
            {"recent": [{"url": "http://pc:8080", "password": "hunter2 secret"}, "junk", {"no": "url"}]}
        )
    )
    assert RecentConnections(path).entries() == [RecentConnection("http://pc:8080")]
    RecentConnections(path).remember(RecentConnection("http://new:8080"))
    written = json.loads(path.read_text())["recent"]
    assert "hunter2 secret" not in path.read_text()  # only the known, secret-free fields are written back
    assert all(set(entry) == {"url", "username", "method", "tls_sha256"} for entry in written)
