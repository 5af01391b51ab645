"""Start monitor_app at login: the per-user Run registry value on Windows, an XDG autostart entry elsewhere.

The operating system's entry is the truth, not the settings file: the user can remove it with Task Manager,
Windows Settings or a desktop's session settings at any time. ``Settings.start_with_os`` only mirrors it
(see ``mirror_start_with_os``). Both implementations need no administrator rights. The Windows one takes the
``winreg`` module as an argument so its calls are checked on Linux with a fake, like supervision's platform module.
"""

import logging
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from monitor_app import APP_ID, APP_NAME
from monitor_app.settings.errors import AutostartError
from monitor_app.settings.files import replace_file
from monitor_app.settings.schema import Settings

log = logging.getLogger(__name__)

#: The module ``python -m`` runs when monitor_app is not a bundled executable.
APP_MODULE = "monitor_app"

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
#: Where Task Manager and Settings > Apps > Startup record that the user switched a Run entry off.
STARTUP_APPROVED_KEY = r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
#: Windows documents Run command lines of at most this many characters.
MAX_RUN_COMMAND_LENGTH = 260


class Autostart(Protocol):
    """One way of starting monitor_app at login; ``describe`` tells the user where the entry lives."""

    def is_enabled(self) -> bool: ...

    def enable(self, command: Sequence[str]) -> None: ...

    def disable(self) -> None: ...

    def describe(self) -> str: ...


class WindowsRunKeyAutostart:
    """A ``HKEY_CURRENT_USER\\...\\Run`` value holding the quoted command line (per user, no admin rights).

    Args:
        registry: The ``winreg`` module or a fake with the same names (OpenKey, CreateKeyEx, SetValueEx,
            QueryValueEx, DeleteValue, CloseKey, HKEY_CURRENT_USER, KEY_QUERY_VALUE, KEY_SET_VALUE, REG_SZ);
            ``None`` imports ``winreg`` on first use, so constructing this on Linux is harmless.
        value_name: The name of the registry value (what Task Manager's Startup tab lists).
    """

    def __init__(self, registry: Any = None, value_name: str = APP_ID) -> None:
        if not value_name:
            raise ValueError("the Run value needs a name")
        self._registry = registry
        self._value_name = value_name

    @property
    def registry(self) -> Any:
        if self._registry is None:
            import winreg  # type: ignore[import-not-found,unused-ignore]  # Windows only

            self._registry = winreg
        return self._registry

    def is_enabled(self) -> bool:
        """The Run value exists, holds a command, and the user did not switch it off in Task Manager."""
        if not self.registered_command():
            return False
        return not self._switched_off()

    def registered_command(self) -> str | None:
        """The command line Windows runs at login, or ``None`` when there is no entry."""
        value = self._query(RUN_KEY)
        if isinstance(value, str) and value.strip():
            return value
        return None

    def enable(self, command: Sequence[str]) -> None:
        """Register ``command`` (replacing an older one) and clear a Task Manager "Disabled" mark.

        Raises:
            AutostartError: the registry refused the change.
        """
        if not command:
            raise ValueError("the autostart command is empty")
        # Quotes paths with spaces (and escapes quotes) the way CreateProcess splits a command line.
        line = subprocess.list2cmdline(list(command))
        if len(line) > MAX_RUN_COMMAND_LENGTH:
            log.warning(
                "the autostart command is %d characters long; Windows may ignore Run entries over %d: %s",
                len(line),
                MAX_RUN_COMMAND_LENGTH,
                line,
            )
        reg = self.registry
        try:
            key = reg.CreateKeyEx(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE)
        except OSError as exc:
            raise AutostartError(f"cannot open {self._where(RUN_KEY)} for writing: {exc}") from exc
        try:
            reg.SetValueEx(key, self._value_name, 0, reg.REG_SZ, line)
        except OSError as exc:
            raise AutostartError(f"cannot write {self.describe()}: {exc}") from exc
        finally:
            reg.CloseKey(key)
        # Without this, turning it on here after turning it off in Task Manager would silently do nothing.
        self._delete(STARTUP_APPROVED_KEY)
        log.info("monitor_app will start at login: %s = %s", self.describe(), line)

    def disable(self) -> None:
        """Remove the entry (and Task Manager's mark for it); nothing to remove is fine.

        Raises:
            AutostartError: the registry refused the change.
        """
        removed = self._delete(RUN_KEY)
        self._delete(STARTUP_APPROVED_KEY)
        if removed:
            log.info("monitor_app will no longer start at login (removed %s)", self.describe())

    def describe(self) -> str:
        return f'{self._where(RUN_KEY)}, value "{self._value_name}"'

    def _switched_off(self) -> bool:
        # A 12-byte REG_BINARY; an odd first byte (0x03, 0x07) means switched off, even (0x02, 0x06) means on.
        value = self._query(STARTUP_APPROVED_KEY)
        return isinstance(value, bytes | bytearray) and len(value) > 0 and bool(value[0] & 1)

    def _query(self, subkey: str) -> object:
        reg = self.registry
        try:
            key = reg.OpenKey(reg.HKEY_CURRENT_USER, subkey, 0, reg.KEY_QUERY_VALUE)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AutostartError(f"cannot read {self._where(subkey)}: {exc}") from exc
        try:
            value, _kind = reg.QueryValueEx(key, self._value_name)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AutostartError(
                f'cannot read {self._where(subkey)}, value "{self._value_name}": {exc}'
            ) from exc
        finally:
            reg.CloseKey(key)
        return value

    def _delete(self, subkey: str) -> bool:
        reg = self.registry
        try:
            key = reg.OpenKey(reg.HKEY_CURRENT_USER, subkey, 0, reg.KEY_SET_VALUE)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise AutostartError(f"cannot open {self._where(subkey)} for writing: {exc}") from exc
        try:
            reg.DeleteValue(key, self._value_name)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise AutostartError(
                f'cannot remove {self._where(subkey)}, value "{self._value_name}": {exc}'
            ) from exc
        finally:
            reg.CloseKey(key)
        return True

    @staticmethod
    def _where(subkey: str) -> str:
        return f"HKEY_CURRENT_USER\\{subkey}"


class XdgAutostart:
    """A ``$XDG_CONFIG_HOME/autostart/monitor_app.desktop`` entry (freedesktop Desktop Application Autostart).

    Args:
        config_home: The XDG config folder; ``None`` means ``$XDG_CONFIG_HOME`` if set to an absolute path,
            else ``~/.config`` (the XDG Base Directory rule).
        environ: Where to read ``XDG_CONFIG_HOME`` (tests pass a dict); defaults to ``os.environ``.
    """

    def __init__(self, config_home: Path | None = None, *, environ: Mapping[str, str] | None = None) -> None:
        if config_home is None:
            config_home = _xdg_config_home(os.environ if environ is None else environ)
        self._path = Path(config_home) / "autostart" / f"{APP_ID}.desktop"

    @property
    def path(self) -> Path:
        return self._path

    def is_enabled(self) -> bool:
        """The entry exists and neither ``Hidden=true`` nor ``X-GNOME-Autostart-enabled=false`` switches it off."""
        try:
            text = self._path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise AutostartError(f"cannot read {self._path}: {exc}") from exc
        entry = _desktop_entry_group(text)
        if entry.get("Hidden", "").strip() == "true":
            return False
        return entry.get("X-GNOME-Autostart-enabled", "true").strip() != "false"

    def enable(self, command: Sequence[str]) -> None:
        """Write the entry for ``command`` (replacing an older one, atomically).

        Raises:
            AutostartError: the folder or file cannot be written.
        """
        if not command:
            raise ValueError("the autostart command is empty")
        try:
            # World-readable, as desktop entries ordinarily are.
            replace_file(self._path, desktop_entry(command), mode=0o644)
        except OSError as exc:
            raise AutostartError(f"cannot write the autostart entry {self._path}: {exc}") from exc
        log.info("monitor_app will start at login: %s", self._path)

    def disable(self) -> None:
        """Remove the entry; nothing to remove is fine.

        Raises:
            AutostartError: the file exists but cannot be removed.
        """
        try:
            self._path.unlink()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise AutostartError(f"cannot remove {self._path}: {exc}") from exc
        log.info("monitor_app will no longer start at login (removed %s)", self._path)

    def describe(self) -> str:
        return str(self._path)


def current_autostart(os_name: str = os.name) -> Autostart:
    """The implementation for this operating system (``os_name`` as in ``os.name``)."""
    if os_name == "nt":
        return WindowsRunKeyAutostart()
    return XdgAutostart()


def app_command(frozen: bool, executable: str, argv0: str) -> list[str]:
    """The command that starts monitor_app with its window, as it runs now.

    Never includes ``--headless``: a login entry is for the person at the PC; running without anyone logged in
    is Task Scheduler's job.

    Args:
        frozen: ``sys.frozen`` (a PyInstaller bundle).
        executable: ``sys.executable``: the bundled exe when frozen, the Python interpreter otherwise.
        argv0: ``sys.argv[0]``; used for the bundled exe only if ``executable`` is empty.

    Raises:
        AutostartError: there is no way to tell which program to register.
    """
    if frozen:
        program = executable or (os.path.abspath(argv0) if argv0 else "")
        if not program:
            raise AutostartError("cannot tell where the monitor_app program file is")
        return [program]
    if not executable:
        raise AutostartError("cannot tell which Python runs monitor_app (sys.executable is empty)")
    return [executable, "-m", APP_MODULE]


def current_app_command() -> list[str]:
    """``app_command`` for the running process."""
    argv0 = sys.argv[0] if sys.argv else ""
    return app_command(bool(getattr(sys, "frozen", False)), sys.executable or "", argv0)


def mirror_start_with_os(settings: Settings, autostart: Autostart) -> Settings:
    """``settings`` with ``start_with_os`` set from the OS entry, which the user may have changed outside.

    An unreadable entry keeps the saved value (logged as a WARNING) rather than stopping the program.
    """
    try:
        enabled = autostart.is_enabled()
    except AutostartError as exc:
        log.warning("cannot tell whether monitor_app starts at login (%s); showing the saved choice", exc)
        return settings
    if enabled == settings.start_with_os:
        return settings
    return settings.replace(start_with_os=enabled)


# --- Desktop Entry files -------------------------------------------------------------------------------------

#: Characters that force an Exec argument into double quotes (Desktop Entry Specification, "The Exec key").
_EXEC_RESERVED = frozenset(" \t\n\"'\\><~|&;$*?#()`")
#: Characters escaped with a backslash inside a quoted Exec argument.
_EXEC_QUOTED_ESCAPES = frozenset('"`$\\')


def desktop_entry(command: Sequence[str]) -> str:
    """The text of an autostart ``.desktop`` file that runs ``command``."""
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            f"Name={_string_value(APP_NAME)}",
            "Comment=Keeps your programs and game servers running",
            f"Exec={exec_value(command)}",
            "Terminal=false",
            "X-GNOME-Autostart-enabled=true",
            "",
        ]
    )


def exec_value(command: Sequence[str]) -> str:
    """``command`` as the value of an ``Exec=`` line, ready to write into the file.

    Two layers, as the specification orders them: each argument is quoted if it holds a reserved character
    (``"``, `````, ``$`` and ``\\`` backslash-escaped inside the quotes) and ``%`` is doubled so it is not read as
    a field code; then the whole line is escaped as a string value (``\\`` becomes ``\\\\``, newline ``\\n``).
    """
    quoted = []
    for index, arg in enumerate(command):
        # The program may not contain "=" unquoted (it would look like an environment assignment).
        needs_quotes = arg == "" or any(ch in _EXEC_RESERVED for ch in arg) or (index == 0 and "=" in arg)
        body = "".join("\\" + ch if needs_quotes and ch in _EXEC_QUOTED_ESCAPES else ch for ch in arg)
        body = body.replace("%", "%%")
        quoted.append(f'"{body}"' if needs_quotes else body)
    return _string_value(" ".join(quoted))


def _string_value(text: str) -> str:
    # The "string" value type's escapes: backslash, newline, tab, carriage return (a leading space as \s).
    out = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    if out.startswith(" "):
        out = "\\s" + out[1:]
    return out


def _desktop_entry_group(text: str) -> dict[str, str]:
    # Keys of the [Desktop Entry] group; other groups (actions) and comments are skipped.
    values: dict[str, str] = {}
    in_entry = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            in_entry = line == "[Desktop Entry]"
            continue
        if in_entry and "=" in line:
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), value.strip())
    return values


def _xdg_config_home(environ: Mapping[str, str]) -> Path:
    configured = environ.get("XDG_CONFIG_HOME", "")
    if configured and os.path.isabs(configured):  # a relative value is invalid and must be ignored
        return Path(configured)
    return Path.home() / ".config"
