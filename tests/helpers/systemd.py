"""A stand-in for ``systemctl --user`` and ``loginctl`` (the test machines run no systemd): it keeps the state of
one unit, checks the command lines it gets, and makes logind's linger mark as the real one does."""

from collections.abc import Sequence
from pathlib import Path


class FakeSystemd:
    """Answers like ``systemctl --user`` and ``loginctl`` for one unit; enable-linger makes logind's mark."""

    def __init__(self, unit_dir: Path, linger_dir: Path) -> None:
        self.unit_dir = unit_dir
        self.linger_dir = linger_dir
        self.calls: list[list[str]] = []
        self.enabled = False
        self.active = False
        self.fail: dict[str, tuple[int, str]] = {}  # verb -> (rc, stderr)
        self.unit_seen_at_reload: str | None = None

    def __call__(self, argv: Sequence[str]) -> tuple[int, str, str]:
        argv = list(argv)
        self.calls.append(argv)
        if argv[0] == "loginctl":
            if "loginctl" in self.fail:
                return self.fail["loginctl"][0], "", self.fail["loginctl"][1]
            assert argv[1] == "enable-linger"
            self.linger_dir.mkdir(parents=True, exist_ok=True)
            (self.linger_dir / argv[2]).touch()
            return 0, "", ""
        assert argv[:2] == ["systemctl", "--user"]
        verb = argv[2]
        if verb in self.fail:
            return self.fail[verb][0], "", self.fail[verb][1]
        unit = self.unit_dir / "monitor_app.service"
        if verb == "daemon-reload":
            self.unit_seen_at_reload = unit.read_text() if unit.exists() else None
            return 0, "", ""
        if verb == "enable":
            assert argv[3:] == ["--now", "monitor_app.service"] and unit.exists()
            self.enabled = self.active = True
            return 0, "Created symlink ...\n", ""
        if verb == "disable":
            assert argv[3:] == ["--now", "monitor_app.service"]
            self.enabled = self.active = False
            return 0, "Removed ...\n", ""
        if verb == "is-enabled":
            state = "enabled" if self.enabled else "disabled"
            return (0 if self.enabled else 1), state + "\n", ""
        if verb == "is-active":
            state = "active" if self.active else "inactive"
            return (0 if self.active else 3), state + "\n", ""
        raise AssertionError(f"unexpected command {argv}")
