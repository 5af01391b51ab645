"""Start at login: the Windows Run value checked with a fake winreg, the XDG entry for real in tmp_path."""

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from monitor_app.settings import (
    AutostartError,
    Settings,
    WindowsRunKeyAutostart,
    XdgAutostart,
    app_command,
    current_app_command,
    current_autostart,
    mirror_start_with_os,
)
from monitor_app.settings.autostart import RUN_KEY, STARTUP_APPROVED_KEY, exec_value
from tests.helpers.processes import wait_for

HKCU = 0x80000001
PROGRAM_FILES_EXE = r"C:\Program Files\monitor_app\monitor_app.exe"
USER_PYTHON = r"C:\Users\Kim Min-jun\AppData\Local\Programs\Python\Python312\python.exe"


class FakeKey:
    def __init__(self, path: str, access: int) -> None:
        self.path = path
        self.access = access
        self.closed = False


class FakeWinreg:
    """The part of ``winreg`` the Run-key autostart uses: keys are case-insensitive paths under HKCU."""

    HKEY_CURRENT_USER = HKCU
    KEY_QUERY_VALUE = 0x0001
    KEY_SET_VALUE = 0x0002
    REG_SZ = 1
    REG_BINARY = 3

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, tuple[object, int]]] = {}
        self.opened: list[FakeKey] = []
        self.fail_on: str | None = None

    def _open(self, root: int, sub_key: str, access: int, create: bool) -> FakeKey:
        assert root == HKCU, "only the per-user hive: no admin rights needed"
        if self.fail_on == "open":
            raise PermissionError(5, "Access is denied")
        path = sub_key.lower()
        if path not in self.keys:
            if not create:
                raise FileNotFoundError(2, "The system cannot find the file specified")
            self.keys[path] = {}
        key = FakeKey(path, access)
        self.opened.append(key)
        return key

    def OpenKey(self, key: int, sub_key: str, reserved: int = 0, access: int = 0x20019) -> FakeKey:
        return self._open(key, sub_key, access, create=False)

    def CreateKeyEx(self, key: int, sub_key: str, reserved: int = 0, access: int = 0x20006) -> FakeKey:
        return self._open(key, sub_key, access, create=True)

    def SetValueEx(self, key: FakeKey, name: str, reserved: int, kind: int, value: object) -> None:
        assert key.access & self.KEY_SET_VALUE and not key.closed
        if self.fail_on == "set":
            raise PermissionError(5, "Access is denied")
        self.keys[key.path][name.lower()] = (value, kind)

    def QueryValueEx(self, key: FakeKey, name: str) -> tuple[object, int]:
        assert key.access & self.KEY_QUERY_VALUE and not key.closed
        try:
            return self.keys[key.path][name.lower()]
        except KeyError:
            raise FileNotFoundError(2, "The system cannot find the file specified") from None

    def DeleteValue(self, key: FakeKey, name: str) -> None:
        assert key.access & self.KEY_SET_VALUE and not key.closed
        if self.fail_on == "delete":
            raise PermissionError(5, "Access is denied")
        try:
            del self.keys[key.path][name.lower()]
        except KeyError:
            raise FileNotFoundError(2, "The system cannot find the file specified") from None

    def CloseKey(self, key: FakeKey) -> None:
        key.closed = True

    def value(self, sub_key: str, name: str) -> tuple[object, int] | None:
        return self.keys.get(sub_key.lower(), {}).get(name.lower())

    def all_closed(self) -> bool:
        return all(k.closed for k in self.opened)


def test_windows_enable_writes_the_quoted_command_to_the_run_key() -> None:
    reg = FakeWinreg()
    auto = WindowsRunKeyAutostart(registry=reg)
    auto.enable([USER_PYTHON, "-m", "monitor_app"])
    assert RUN_KEY == r"Software\Microsoft\Windows\CurrentVersion\Run"
    assert reg.value(RUN_KEY, "monitor_app") == (f'"{USER_PYTHON}" -m monitor_app', reg.REG_SZ)
    assert reg.all_closed()

    auto.enable([PROGRAM_FILES_EXE])  # re-enabling replaces the older command
    assert reg.value(RUN_KEY, "monitor_app") == (f'"{PROGRAM_FILES_EXE}"', reg.REG_SZ)
    assert list(reg.keys[RUN_KEY.lower()]) == ["monitor_app"]


def test_windows_is_enabled_reads_the_run_value() -> None:
    reg = FakeWinreg()
    auto = WindowsRunKeyAutostart(registry=reg)
    assert not auto.is_enabled(), "no Run key at all"
    reg.CloseKey(reg.CreateKeyEx(HKCU, RUN_KEY, 0, reg.KEY_SET_VALUE))
    assert not auto.is_enabled(), "Run key without our value"
    auto.enable([PROGRAM_FILES_EXE])
    assert auto.is_enabled()
    assert auto.registered_command() == f'"{PROGRAM_FILES_EXE}"'
    assert reg.all_closed()


def test_windows_disable_deletes_only_our_value() -> None:
    reg = FakeWinreg()
    other = reg.CreateKeyEx(HKCU, RUN_KEY, 0, reg.KEY_SET_VALUE)
    reg.SetValueEx(other, "OneDrive", 0, reg.REG_SZ, r'"C:\OneDrive.exe" /background')
    auto = WindowsRunKeyAutostart(registry=reg)
    auto.enable([PROGRAM_FILES_EXE])
    auto.disable()
    assert reg.value(RUN_KEY, "monitor_app") is None
    assert reg.value(RUN_KEY, "OneDrive") is not None
    assert not auto.is_enabled()


def test_windows_disable_when_absent_is_fine() -> None:
    reg = FakeWinreg()
    auto = WindowsRunKeyAutostart(registry=reg)
    auto.disable()  # no Run key
    reg.CloseKey(reg.CreateKeyEx(HKCU, RUN_KEY, 0, reg.KEY_SET_VALUE))
    auto.disable()  # key, no value
    assert not auto.is_enabled()
    assert reg.all_closed()


def test_windows_switched_off_in_task_manager_counts_as_disabled_until_enabled_here() -> None:
    reg = FakeWinreg()
    auto = WindowsRunKeyAutostart(registry=reg)
    auto.enable([PROGRAM_FILES_EXE])
    approved = reg.CreateKeyEx(HKCU, STARTUP_APPROVED_KEY, 0, reg.KEY_SET_VALUE)
    reg.SetValueEx(approved, "monitor_app", 0, reg.REG_BINARY, bytes([3]) + bytes(11))
    assert not auto.is_enabled()
    reg.SetValueEx(approved, "monitor_app", 0, reg.REG_BINARY, bytes([2]) + bytes(11))
    assert auto.is_enabled()
    reg.SetValueEx(approved, "monitor_app", 0, reg.REG_BINARY, bytes([3]) + bytes(11))
    auto.enable([PROGRAM_FILES_EXE])
    assert auto.is_enabled()
    assert reg.value(STARTUP_APPROVED_KEY, "monitor_app") is None


def test_windows_value_name_and_describe() -> None:
    reg = FakeWinreg()
    auto = WindowsRunKeyAutostart(registry=reg, value_name="monitor_app (test)")
    auto.enable([PROGRAM_FILES_EXE])
    assert reg.value(RUN_KEY, "monitor_app (test)") is not None
    assert auto.describe() == (
        r'HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run, value "monitor_app (test)"'
    )


def test_windows_registry_refusal_is_an_autostart_error() -> None:
    reg = FakeWinreg()
    auto = WindowsRunKeyAutostart(registry=reg)
    reg.fail_on = "set"
    with pytest.raises(AutostartError, match="Access is denied") as caught:
        auto.enable([PROGRAM_FILES_EXE])
    assert "CurrentVersion\\Run" in caught.value.message
    assert reg.all_closed(), "the key is closed even when writing fails"
    reg.fail_on = None
    auto.enable([PROGRAM_FILES_EXE])
    reg.fail_on = "delete"
    with pytest.raises(AutostartError, match="cannot remove"):
        auto.disable()
    reg.fail_on = "open"
    with pytest.raises(AutostartError, match="cannot read"):
        auto.is_enabled()
    assert reg.all_closed()


def test_windows_overlong_command_is_written_with_a_warning(caplog) -> None:
    reg = FakeWinreg()
    long_exe = "C:\\" + "\\".join(["very long folder name"] * 14) + "\\monitor_app.exe"
    WindowsRunKeyAutostart(registry=reg).enable([long_exe])
    assert reg.value(RUN_KEY, "monitor_app") is not None
    assert any(r.levelno == logging.WARNING and "260" in r.getMessage() for r in caplog.records)


def test_windows_enable_refuses_an_empty_command() -> None:
    with pytest.raises(ValueError, match="empty"):
        WindowsRunKeyAutostart(registry=FakeWinreg()).enable([])


@pytest.mark.skipif(os.name == "nt", reason="checks the lazy import on a system without winreg")
def test_windows_autostart_can_be_built_without_winreg() -> None:
    auto = WindowsRunKeyAutostart()
    assert "Run" in auto.describe()
    with pytest.raises(ImportError):
        auto.is_enabled()


# --- XDG -------------------------------------------------------------------------------------------------------


def parse_desktop_exec(line_value: str) -> list[str]:
    """A reference reading of an Exec value, straight from the Desktop Entry Specification."""
    # 1. The string value escapes.
    unescaped, i = [], 0
    while i < len(line_value):
        ch = line_value[i]
        if ch == "\\" and i + 1 < len(line_value):
            unescaped.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[line_value[i + 1]])
            i += 2
            continue
        unescaped.append(ch)
        i += 1
    text = "".join(unescaped)
    # 2. Quoting and %% field codes.
    args: list[str] = []
    current: list[str] | None = None
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == " ":
            if current is not None:
                args.append("".join(current))
                current = None
            i += 1
        elif ch == '"':
            current = current if current is not None else []
            i += 1
            while text[i] != '"':
                if text[i] == "\\":
                    assert text[i + 1] in '"`$\\', f"stray backslash in {text!r}"
                    i += 1
                elif text[i] == "%":
                    assert text[i + 1] == "%", f"field code in {text!r}"
                    i += 1
                current.append(text[i])
                i += 1
            i += 1
        else:
            assert ch not in " \t\n\"'\\><~|&;$*?#()`", f"reserved {ch!r} outside quotes in {text!r}"
            if ch == "%":
                assert text[i + 1] == "%", f"field code in {text!r}"
                i += 1
            current = current if current is not None else []
            current.append(text[i])
            i += 1
    if current is not None:
        args.append("".join(current))
    return args


AWKWARD_COMMAND = [
    "/home/kim/My Games/monitor app/python3",
    "-m",
    "monitor_app",
    'say "hi"',
    "$HOME",
    "`id`",
    "back\\slash",
    "100%",
    "%u",
    "a;b&c|d",
    "~/x",
    "it's",
    "",
    "탭\tnew\nline",
    "a=b",
    "(x)*?#<>",
]


def desktop_values(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line)


def test_xdg_enable_writes_a_desktop_entry(tmp_path: Path) -> None:
    auto = XdgAutostart(tmp_path / "config")
    auto.enable(["/usr/bin/python3", "-m", "monitor_app"])
    path = tmp_path / "config" / "autostart" / "monitor_app.desktop"
    assert auto.path == path and auto.describe() == str(path)
    values = desktop_values(path)
    assert values["Type"] == "Application"
    assert values["Name"] == "monitor_app"
    assert values["Exec"] == "/usr/bin/python3 -m monitor_app"
    assert values["Terminal"] == "false"
    assert values["X-GNOME-Autostart-enabled"] == "true"
    assert "Hidden" not in values
    assert auto.is_enabled()
    assert [p.name for p in path.parent.iterdir()] == ["monitor_app.desktop"], "no temporary file left"


def test_xdg_exec_quotes_paths_with_spaces_and_special_characters(tmp_path: Path) -> None:
    auto = XdgAutostart(tmp_path)
    auto.enable(AWKWARD_COMMAND)
    exec_line = desktop_values(auto.path)["Exec"]
    assert exec_line.startswith('"/home/kim/My Games/monitor app/python3" -m monitor_app ')
    assert '"\\\\$HOME"' in exec_line, "a literal $ in quotes is written \\\\$ (string escape + quoting)"
    assert " 100%% " in exec_line and " %%u " in exec_line, "percent signs are never field codes"
    assert parse_desktop_exec(exec_line) == AWKWARD_COMMAND
    assert "\n" not in exec_line


@pytest.mark.skipif(shutil.which("gio") is None, reason="needs GLib's gio to launch a desktop file")
def test_xdg_exec_is_read_back_by_glib(tmp_path: Path) -> None:
    # The real parser: GLib launches the entry, and the program writes the arguments it received.
    out = tmp_path / "argv.json"
    script = "import json, sys; open(sys.argv[1], 'w').write(json.dumps(sys.argv[2:]))"
    auto = XdgAutostart(tmp_path)
    auto.enable([sys.executable, "-c", script, str(out), *AWKWARD_COMMAND])
    subprocess.run(["gio", "launch", str(auto.path)], check=True, timeout=30, capture_output=True)
    wait_for(lambda: out.exists() and out.read_text(encoding="utf-8").endswith("]"))
    assert json.loads(out.read_text(encoding="utf-8")) == AWKWARD_COMMAND


def test_xdg_disable_removes_the_entry(tmp_path: Path) -> None:
    auto = XdgAutostart(tmp_path)
    auto.enable(["/usr/bin/monitor_app"])
    auto.disable()
    assert not auto.path.exists()
    assert not auto.is_enabled()
    auto.disable()  # nothing to remove is fine


@pytest.mark.parametrize(
    ("extra", "enabled"),
    [
        ("Hidden=true\n", False),
        ("Hidden = true\n", False),
        ("Hidden=false\n", True),
        ("X-GNOME-Autostart-enabled=false\n", False),
        ("[Desktop Action other]\nHidden=true\n", True),
    ],
)
def test_xdg_hidden_entry_counts_as_disabled(tmp_path: Path, extra: str, enabled: bool) -> None:
    path = tmp_path / "autostart" / "monitor_app.desktop"
    path.parent.mkdir(parents=True)
    base = "[Desktop Entry]\nType=Application\nName=monitor_app\nExec=monitor_app\n"
    path.write_text(base.replace("X-GNOME-Autostart-enabled=true\n", "") + extra, encoding="utf-8")
    assert XdgAutostart(tmp_path).is_enabled() is enabled


def test_xdg_enable_replaces_a_hidden_entry(tmp_path: Path) -> None:
    path = tmp_path / "autostart" / "monitor_app.desktop"
    path.parent.mkdir(parents=True)
    path.write_text("[Desktop Entry]\nType=Application\nExec=old\nHidden=true\n", encoding="utf-8")
    auto = XdgAutostart(tmp_path)
    auto.enable(["/opt/monitor_app/monitor_app"])
    assert auto.is_enabled()
    assert desktop_values(path)["Exec"] == "/opt/monitor_app/monitor_app"


def test_xdg_config_home_follows_the_base_directory_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert (
        XdgAutostart(environ={}).path == tmp_path / "home" / ".config" / "autostart" / "monitor_app.desktop"
    )
    assert (
        XdgAutostart(environ={"XDG_CONFIG_HOME": str(tmp_path / "cfg")}).path.parent
        == tmp_path / "cfg" / "autostart"
    )
    relative = XdgAutostart(environ={"XDG_CONFIG_HOME": "relative/cfg"})
    assert relative.path.parent == tmp_path / "home" / ".config" / "autostart", "a relative value is ignored"


def test_xdg_unwritable_folder_is_an_autostart_error(tmp_path: Path) -> None:
    (tmp_path / "autostart").write_text("a file where the folder should be", encoding="utf-8")
    with pytest.raises(AutostartError, match="cannot write"):
        XdgAutostart(tmp_path).enable(["/usr/bin/monitor_app"])


def test_exec_value_leaves_plain_arguments_bare() -> None:
    assert exec_value(["/usr/bin/python3", "-m", "monitor_app", "--data-dir=/srv/x"]) == (
        "/usr/bin/python3 -m monitor_app --data-dir=/srv/x"
    )
    assert exec_value(["/opt/a=b/app"]) == '"/opt/a=b/app"', "the program itself may not hold a bare ="


# --- choosing and the command -------------------------------------------------------------------------------------


def test_current_autostart_picks_by_os_name() -> None:
    assert isinstance(current_autostart("nt"), WindowsRunKeyAutostart)
    assert isinstance(current_autostart("posix"), XdgAutostart)


def test_app_command_frozen_is_the_bundled_exe() -> None:
    assert app_command(True, PROGRAM_FILES_EXE, "monitor_app.exe") == [PROGRAM_FILES_EXE]
    assert app_command(True, "", "/opt/monitor_app/monitor_app") == ["/opt/monitor_app/monitor_app"]


def test_app_command_unfrozen_runs_the_module_with_this_python() -> None:
    assert app_command(False, USER_PYTHON, r"C:\src\monitor_app\__main__.py") == [
        USER_PYTHON,
        "-m",
        "monitor_app",
    ]


def test_app_command_never_starts_headless() -> None:
    for command in (
        app_command(True, PROGRAM_FILES_EXE, "--headless"),
        app_command(False, USER_PYTHON, "--headless"),
        current_app_command(),
    ):
        assert "--headless" not in command


def test_app_command_without_a_program_is_an_error() -> None:
    with pytest.raises(AutostartError):
        app_command(False, "", "")
    with pytest.raises(AutostartError):
        app_command(True, "", "")


def test_current_app_command_under_pytest_is_this_python() -> None:
    assert current_app_command() == [sys.executable, "-m", "monitor_app"]


def test_windows_enable_of_app_command_round_trips_through_list2cmdline() -> None:
    reg = FakeWinreg()
    command = app_command(False, USER_PYTHON, "")
    WindowsRunKeyAutostart(registry=reg).enable(command)
    line, _kind = reg.value(RUN_KEY, "monitor_app")  # type: ignore[misc]
    assert line == subprocess.list2cmdline(command)


# --- the settings mirror --------------------------------------------------------------------------------------------


class StubAutostart:
    def __init__(self, enabled: bool | None) -> None:
        self.enabled = enabled

    def is_enabled(self) -> bool:
        if self.enabled is None:
            raise AutostartError("cannot read HKEY_CURRENT_USER\\...\\Run: Access is denied")
        return self.enabled

    def enable(self, command) -> None:  # type: ignore[no-untyped-def]
        self.enabled = True

    def disable(self) -> None:
        self.enabled = False

    def describe(self) -> str:
        return "stub"


def test_mirror_start_with_os_takes_the_os_entry_as_truth(caplog) -> None:
    saved = Settings(start_with_os=True, theme="dark")
    assert mirror_start_with_os(saved, StubAutostart(False)) == Settings(theme="dark")
    assert mirror_start_with_os(Settings(), StubAutostart(True)).start_with_os is True
    same = Settings()
    assert mirror_start_with_os(same, StubAutostart(False)) is same
    assert mirror_start_with_os(saved, StubAutostart(None)) is saved
    assert any(r.levelno == logging.WARNING and "Access is denied" in r.getMessage() for r in caplog.records)
