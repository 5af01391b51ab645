"""Keep the engine running at boot without anyone logged in: a Task Scheduler task on Windows, a systemd user unit
elsewhere.

Start-at-login (``autostart.py``) opens the window for the person at the PC; this registers
``monitor_app --headless --data-dir <dir>`` with the operating system's service manager so a game server comes
back after a reboot even if nobody logs in. As with autostart, the operating system's entry is the truth
(``Settings.keep_running_at_boot`` only mirrors it, see ``mirror_keep_running_at_boot``). Every command runs
through an injectable runner, so the exact command lines and the task XML are checked on Linux with a fake.

On Windows the task runs with the user's password stored by Task Scheduler ("Run whether user is logged on or
not"): only then does the engine started at boot have the user's credentials, which Windows Credential Manager and
user-scope DPAPI (the secret store) need. ``AccountPassword`` carries that password from the dialog to schtasks
without it ever being printed, logged or kept.
"""

import csv
import getpass
import io
import logging
import os
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath, PureWindowsPath
from typing import Protocol

from monitor_app import APP_ID, APP_NAME
from monitor_app.settings.autostart import _xdg_config_home
from monitor_app.settings.errors import BootPasswordRejected, BootServiceError
from monitor_app.settings.files import replace_file
from monitor_app.settings.schema import Settings

log = logging.getLogger(__name__)

#: ``runner(argv) -> (returncode, stdout, stderr)``; raises ``OSError`` (e.g. ``FileNotFoundError``) when the
#: program cannot be started and ``subprocess.TimeoutExpired`` when it does not finish.
Runner = Callable[[Sequence[str]], tuple[int, str, str]]

#: How long schtasks, systemctl or loginctl may take before we give up on it.
COMMAND_TIMEOUT_S = 30.0
#: The arguments that turn the app command into the background engine for one data dir.
HEADLESS_FLAG = "--headless"
DATA_DIR_FLAG = "--data-dir"

TASK_NAMESPACE = "http://schemas.microsoft.com/windows/2004/02/mit/task"
#: Wait after boot before starting, so the network and disks are up (Task Scheduler's own "Delay task for").
BOOT_DELAY = "PT30S"
#: Restart the engine one minute after a failure (the seed's guide), up to the schema's maximum count.
RESTART_INTERVAL = "PT1M"
RESTART_COUNT = 999
#: Task Scheduler's default priority 7 is "below normal", and the game servers the engine starts inherit the
#: priority class; 5 is normal.
TASK_PRIORITY = 5

SYSTEMD_UNIT_NAME = f"{APP_ID}.service"
#: Where logind records which users' services run without a login session (``loginctl enable-linger``).
LINGER_DIR = Path("/var/lib/systemd/linger")
RESTART_SEC = 60

#: Task Scheduler messages that mean "you are not allowed" (English and Korean Windows, which the app ships).
_DENIED_MARKERS = ("access is denied", "액세스가 거부")
#: Messages of Windows' ERROR_LOGON_FAILURE (1326): the account's password is wrong (English, older English, Korean).
_WRONG_PASSWORD_MARKERS = (
    "user name or password is incorrect",
    "unknown user name or bad password",
    "사용자 이름 또는 암호가",
)
#: LogonType values (Task Scheduler schema): with the password Task Scheduler stores, or S4U (no password, and so
#: no access to the user's Credential Manager and DPAPI secrets).
LOGON_PASSWORD = "Password"
LOGON_S4U = "S4U"
#: Shown wherever a password would have been.
_MASK = "********"
#: schtasks' localized "Status" column values we can read.
_TASK_STATES = {
    "running": True,
    "실행 중": True,
    "ready": False,
    "준비": False,
    "disabled": False,
    "사용 안 함": False,
    "queued": False,
    "큐에 대기됨": False,
}


@dataclass(frozen=True, slots=True)
class BootServiceStatus:
    """What the operating system says about the background engine's entry.

    Attributes:
        installed: The entry exists and is switched on: the engine will start at boot (or, on Linux without
            lingering, when the user's service manager starts).
        running: The service manager runs the engine now; ``None`` when it cannot tell.
        detail: One line for the user: the entry's state as the service manager reports it.
        where: Where the entry lives (task name, unit file).
        command: The registered command line, if it could be read.
        warning: Something the user should fix for the engine to really start at boot (empty if nothing).
        without_secrets: The entry starts the engine without the user's credentials (a Task Scheduler task with
            LogonType S4U): it cannot read the secrets saved in Credential Manager or with DPAPI, so webhooks and
            plugins that need them stay off. Registering again with the password fixes it.
    """

    installed: bool
    running: bool | None
    detail: str
    where: str
    command: str = ""
    warning: str = ""
    without_secrets: bool = False


class AccountPassword:
    """The user's operating system password on its way to Task Scheduler, which stores it.

    Never printed: ``repr``/``str`` show a mask, so a log line, an exception message or an audit row that
    formats it by mistake leaks nothing; it cannot be pickled. ``reveal()`` is the one way to the text.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not value:
            raise ValueError("the password is empty")
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return f"AccountPassword({_MASK!r})"

    __str__ = __repr__

    def __reduce__(self) -> object:
        raise TypeError("an account password is not saved anywhere")


class BootService(Protocol):
    """One way of starting the headless engine at boot; all methods may run processes (call them off the GUI
    thread) and raise ``BootServiceError`` with a message for the user."""

    @property
    def needs_password(self) -> bool:
        """Installing asks for the account's password (Windows), else the engine cannot read saved secrets."""
        ...

    @property
    def account(self) -> str:
        """The account the engine runs as, shown to the user when asking for its password."""
        ...

    def status(self) -> BootServiceStatus: ...

    def install(
        self, command: Sequence[str], data_dir: PurePath, *, password: AccountPassword | None = None
    ) -> None: ...

    def uninstall(self) -> None: ...

    def describe(self) -> str: ...


def engine_command(command: Sequence[str], data_dir: PurePath) -> list[str]:
    """``command`` (the app, as ``current_app_command`` gives it) run as the background engine for ``data_dir``.

    Raises:
        ValueError: the command is empty or the data dir is not absolute (a service starts in another folder).
    """
    if not command:
        raise ValueError("the engine command is empty")
    if not data_dir.is_absolute():
        raise ValueError(f"the data dir must be an absolute path, not {str(data_dir)!r}")
    return [*command, HEADLESS_FLAG, DATA_DIR_FLAG, str(data_dir)]


def run_command(argv: Sequence[str]) -> tuple[int, str, str]:
    """The real runner: runs ``argv`` without a console window and returns its exit code and output."""
    extra: dict[str, object] = {}
    encoding = "utf-8"
    if os.name == "nt":
        extra["creationflags"] = subprocess.CREATE_NO_WINDOW  # type: ignore[attr-defined,unused-ignore]
        encoding = "oem"  # console programs such as schtasks write the OEM code page
    completed = subprocess.run(
        list(argv),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        encoding=encoding,
        errors="replace",
        timeout=COMMAND_TIMEOUT_S,
        check=False,
        **extra,  # type: ignore[call-overload]
    )
    return completed.returncode, completed.stdout or "", completed.stderr or ""


def _call(runner: Runner, argv: Sequence[str], missing: str) -> tuple[int, str, str]:
    """``runner(argv)`` with the ways a program cannot run turned into a ``BootServiceError``."""
    try:
        return runner(list(argv))
    except FileNotFoundError as exc:
        raise BootServiceError(missing) from exc
    except subprocess.TimeoutExpired as exc:
        raise BootServiceError(f"{Path(argv[0]).name} did not answer within {COMMAND_TIMEOUT_S:g} s") from exc
    except OSError as exc:
        raise BootServiceError(f"cannot run {Path(argv[0]).name}: {exc}") from exc


def _call_with_secret(runner: Runner, argv: Sequence[str], missing: str, secret: str) -> tuple[int, str, str]:
    """``_call`` for an ``argv`` holding ``secret``: the error keeps no trace of the original exception (a
    ``TimeoutExpired`` or ``OSError`` carries the whole command line), and output echoing the secret is masked."""
    failure: BootServiceError | None = None
    try:
        rc, out, err = _call(runner, argv, missing)
    except BootServiceError as exc:
        failure = BootServiceError(_masked(exc.message, secret))
    if failure is not None:
        raise failure  # outside the except block: no __context__ or __cause__ leads back to argv
    return rc, _masked(out, secret), _masked(err, secret)


def _masked(text: str, secret: str) -> str:
    return text.replace(secret, _MASK) if secret else text


def _output(out: str, err: str) -> str:
    return " ".join((err.strip() or out.strip()).split()) or "no message"


# --- Windows: Task Scheduler -----------------------------------------------------------------------------------


class TaskSchedulerBootService:
    """A Task Scheduler task that runs the engine at system start under the user's own account.

    Given the account's password, the task runs with LogonType Password ("Run whether user is logged on or not"
    with the password stored by Task Scheduler): Windows logs the user on at boot with it, so the engine has the
    user's credentials and can read the webhook URLs and plugin passwords kept in Credential Manager or protected
    with DPAPI. monitor_app never keeps the password; Task Scheduler stores it (LSA secrets) and the user must
    register again after changing it.

    The password reaches schtasks as its ``/RP`` argument: the Task Scheduler COM API is not available without
    pywin32, and schtasks reads no password from stdin. The trade-off: for the instant schtasks runs, its command
    line (with the password) can be read by processes allowed to inspect it (the user's own elevated processes and
    administrators). It is never written to a file, a log, an error message or the task XML.

    Without a password (the user's explicit choice) the task runs with LogonType S4U ("Do not store password"):
    the game servers still come back after a reboot, but the engine has no network credentials and cannot read
    saved secrets, so webhooks and plugins that need them stay off; ``status`` reports such a task with
    ``without_secrets``. RunLevel LeastPrivilege: the engine never has administrator rights, even for an
    administrator account.

    Windows lets only administrators create a task with a boot trigger, so registering (and removing) it needs
    monitor_app started with "Run as administrator" once; the task itself then runs without those rights.

    Args:
        runner: Runs schtasks (``run_command`` or a test's fake).
        task_name: Name with folder in Task Scheduler; by default ``monitor_app\\Engine <user>``, one per user
            (task names are machine-wide; two users of one PC each get their own).
        user_id: The account the task runs as (``DOMAIN\\user``); by default the current user.
        environ: Where ``USERDOMAIN``, ``USERNAME`` and ``SystemRoot`` are read (tests pass a dict).
        boot_delay: How long after boot the task starts (an ISO 8601 duration, empty for no delay).
    """

    def __init__(
        self,
        runner: Runner = run_command,
        *,
        task_name: str | None = None,
        user_id: str | None = None,
        environ: Mapping[str, str] | None = None,
        boot_delay: str = BOOT_DELAY,
    ) -> None:
        env = os.environ if environ is None else environ
        self._runner = runner
        self._user_id = user_id or _windows_user(env)
        user = self._user_id.rpartition("\\")[2]
        self._task_name = task_name or f"{APP_ID}\\Engine {_task_safe(user)}"
        self._schtasks = str(
            PureWindowsPath(env.get("SystemRoot") or r"C:\Windows", "System32", "schtasks.exe")
        )
        self._boot_delay = boot_delay

    @property
    def task_name(self) -> str:
        return self._task_name

    @property
    def user_id(self) -> str:
        return self._user_id

    @property
    def needs_password(self) -> bool:
        return True

    @property
    def account(self) -> str:
        return self._user_id

    def describe(self) -> str:
        return f'Task Scheduler task "\\{self._task_name}" (runs as {self._user_id})'

    def task_xml(
        self, command: Sequence[str], data_dir: PurePath, *, logon_type: str = LOGON_PASSWORD
    ) -> str:
        """The task definition for the engine of ``data_dir`` (text; ``install`` writes it as UTF-16)."""
        return task_xml(
            engine_command(command, data_dir),
            user_id=self._user_id,
            logon_type=logon_type,
            working_dir=str(data_dir),
            boot_delay=self._boot_delay,
            description=f"Runs the {APP_NAME} engine at system start, without a login, for {data_dir}. "
            f"Turn it off in {APP_NAME}'s settings.",
        )

    def install(
        self, command: Sequence[str], data_dir: PurePath, *, password: AccountPassword | None = None
    ) -> None:
        """Register (or replace) the task. Does not start it: it starts at the next boot.

        Args:
            password: The account's password, for Task Scheduler to store (LogonType Password); ``None`` registers
                an S4U task, whose engine cannot read saved secrets: only when the user chose that.

        Raises:
            BootPasswordRejected: Windows refused the password; nothing was registered (an older task stays).
            BootServiceError: schtasks is missing or refused (typically: not run as administrator).
        """
        if password is not None and password.reveal() == "*":
            # schtasks reads "/RP *" as "prompt for it", and there is no console to prompt on.
            raise BootPasswordRejected(
                f'schtasks cannot take the password "*" on its command line: register without your password, '
                f"or give {self._user_id} another password first"
            )
        text = self.task_xml(command, data_dir, logon_type=LOGON_S4U if password is None else LOGON_PASSWORD)
        try:
            fd, temp_name = tempfile.mkstemp(prefix=f"{APP_ID}-task-", suffix=".xml")
            with os.fdopen(fd, "wb") as file:
                file.write(text.encode("utf-16"))  # with a byte order mark, as schtasks expects
        except OSError as exc:
            raise BootServiceError(f"cannot write the task definition to a temporary file: {exc}") from exc
        create = ["/Create", "/TN", self._task_name, "/XML", temp_name]
        try:
            if password is None:
                rc, out, err = self._run(*create, "/F")
            else:
                # The password appears only here, as the value of /RP (see the class docstring for the trade-off).
                rc, out, err = _call_with_secret(
                    self._runner,
                    [self._schtasks, *create, "/RU", self._user_id, "/RP", password.reveal(), "/F"],
                    self._missing(),
                    password.reveal(),
                )
        finally:
            try:
                os.unlink(temp_name)
            except OSError:
                pass
        if rc != 0:
            if password is not None and _wrong_password(out, err):
                raise BootPasswordRejected(
                    f"Windows did not accept the password for {self._user_id}, so nothing was registered. Type the "
                    "password you sign in to Windows with (for a Microsoft account, its password, not the PIN)."
                )
            raise BootServiceError(self._refused("register", out, err))
        if password is None:
            log.info(
                "the engine will start at boot without your password (it cannot read saved secrets): %s",
                self.describe(),
            )
        else:
            log.info("the engine will start at boot with access to your saved secrets: %s", self.describe())

    def uninstall(self) -> None:
        """Remove the task; no task is fine.

        Raises:
            BootServiceError: schtasks is missing or refused.
        """
        rc, out, err = self._run("/Query", "/TN", self._task_name)
        if rc != 0:
            if _denied(out, err):
                raise BootServiceError(self._refused("read", out, err))
            return  # nothing registered
        rc, out, err = self._run("/Delete", "/TN", self._task_name, "/F")
        if rc != 0:
            raise BootServiceError(self._refused("remove", out, err))
        log.info("the engine will no longer start at boot (removed %s)", self.describe())

    def status(self) -> BootServiceStatus:
        """Installed (the task exists and is enabled) and running, from ``schtasks /Query``.

        Raises:
            BootServiceError: schtasks is missing or may not read the task.
        """
        rc, out, err = self._run("/Query", "/TN", self._task_name, "/XML")
        if rc != 0:
            if _denied(out, err):
                raise BootServiceError(self._refused("read", out, err))
            return BootServiceStatus(False, False, "no task registered", self.describe())
        enabled, command, logon_type = _read_task_xml(out)
        without_secrets = logon_type.lower() == LOGON_S4U.lower()
        running = self._running()
        if not enabled:
            return BootServiceStatus(
                False,
                running,
                "registered but disabled in Task Scheduler",
                self.describe(),
                command,
                without_secrets=without_secrets,
            )
        detail = {True: "registered; running now", False: "registered; starts at the next boot"}.get(
            running, "registered"
        )
        return BootServiceStatus(
            True, running, detail, self.describe(), command, without_secrets=without_secrets
        )

    def _running(self) -> bool | None:
        rc, out, _err = self._run("/Query", "/TN", self._task_name, "/FO", "CSV", "/NH")
        if rc != 0:
            return None
        rows = [row for row in csv.reader(io.StringIO(out)) if row]
        if not rows:
            return None
        return _TASK_STATES.get(rows[0][-1].strip().lower())

    def _run(self, *args: str) -> tuple[int, str, str]:
        return _call(self._runner, [self._schtasks, *args], self._missing())

    def _missing(self) -> str:
        return f"Task Scheduler's schtasks.exe was not found at {self._schtasks}"

    def _refused(self, verb: str, out: str, err: str) -> str:
        message = f"Task Scheduler could not {verb} the task \\{self._task_name}: {_output(out, err)}"
        if _denied(out, err) and verb != "read":
            message += (
                f" Windows lets only administrators {verb} a task that starts at boot: start {APP_NAME} once "
                'with "Run as administrator" and change this setting again. The task itself runs under your '
                "account without administrator rights."
            )
        return message


def task_xml(
    command: Sequence[str],
    *,
    user_id: str,
    logon_type: str = LOGON_PASSWORD,
    working_dir: str = "",
    boot_delay: str = BOOT_DELAY,
    description: str = "",
) -> str:
    """A Task Scheduler 1.2 definition that runs ``command`` at boot as ``user_id`` (``logon_type`` Password or
    S4U, least privilege), restarts it every minute after a failure, never stops it for time or battery, and
    ignores a second start. The definition never holds a password: schtasks passes it beside the XML."""
    if logon_type not in (LOGON_PASSWORD, LOGON_S4U):
        raise ValueError(f"unsupported logon type {logon_type!r}")
    ET.register_namespace("", TASK_NAMESPACE)

    def sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
        element = ET.SubElement(parent, f"{{{TASK_NAMESPACE}}}{tag}")
        if text is not None:
            element.text = text
        return element

    task = ET.Element(f"{{{TASK_NAMESPACE}}}Task", {"version": "1.2"})
    info = sub(task, "RegistrationInfo")
    sub(info, "Author", user_id)
    if description:
        sub(info, "Description", description)
    trigger = sub(sub(task, "Triggers"), "BootTrigger")
    sub(trigger, "Enabled", "true")
    if boot_delay:
        sub(trigger, "Delay", boot_delay)
    principal = sub(sub(task, "Principals"), "Principal")
    principal.set("id", "Author")
    sub(principal, "UserId", user_id)
    sub(principal, "LogonType", logon_type)
    sub(principal, "RunLevel", "LeastPrivilege")
    settings = sub(task, "Settings")  # in the order Task Scheduler itself exports them
    sub(settings, "MultipleInstancesPolicy", "IgnoreNew")
    sub(settings, "DisallowStartIfOnBatteries", "false")
    sub(settings, "StopIfGoingOnBatteries", "false")
    sub(settings, "AllowHardTerminate", "true")
    sub(settings, "StartWhenAvailable", "true")
    sub(settings, "RunOnlyIfNetworkAvailable", "false")
    idle = sub(settings, "IdleSettings")
    sub(idle, "StopOnIdleEnd", "false")
    sub(idle, "RestartOnIdle", "false")
    sub(settings, "AllowStartOnDemand", "true")
    sub(settings, "Enabled", "true")
    sub(settings, "Hidden", "false")
    sub(settings, "RunOnlyIfIdle", "false")
    sub(settings, "WakeToRun", "false")
    sub(settings, "ExecutionTimeLimit", "PT0S")  # no limit: a server runs for weeks
    sub(settings, "Priority", str(TASK_PRIORITY))
    restart = sub(settings, "RestartOnFailure")
    sub(restart, "Interval", RESTART_INTERVAL)
    sub(restart, "Count", str(RESTART_COUNT))
    actions = sub(task, "Actions")
    actions.set("Context", "Author")
    exec_ = sub(actions, "Exec")
    sub(exec_, "Command", command[0])
    if len(command) > 1:
        # Quoted the way CreateProcess splits a command line (paths with spaces, trailing backslashes).
        sub(exec_, "Arguments", subprocess.list2cmdline(list(command[1:])))
    if working_dir:
        sub(exec_, "WorkingDirectory", working_dir)
    ET.indent(task)
    return '<?xml version="1.0" encoding="UTF-16"?>\n' + ET.tostring(task, encoding="unicode") + "\n"


def _read_task_xml(text: str) -> tuple[bool, str, str]:
    """(enabled, command line, logon type) of a task definition as ``schtasks /Query /XML`` prints it."""
    body = text.lstrip("\ufeff").strip()
    if body.startswith("<?xml"):
        body = body.split("?>", 1)[1]  # ElementTree refuses an encoding declaration on text
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        return True, "", ""
    ns = {"t": TASK_NAMESPACE}
    enabled = root.findtext("t:Settings/t:Enabled", default="true", namespaces=ns).strip().lower() != "false"
    program = root.findtext("t:Actions/t:Exec/t:Command", default="", namespaces=ns).strip()
    arguments = root.findtext("t:Actions/t:Exec/t:Arguments", default="", namespaces=ns).strip()
    logon_type = root.findtext("t:Principals/t:Principal/t:LogonType", default="", namespaces=ns).strip()
    return enabled, f"{program} {arguments}".strip(), logon_type


def _denied(out: str, err: str) -> bool:
    text = f"{out}\n{err}".lower()
    return any(marker in text for marker in _DENIED_MARKERS)


def _wrong_password(out: str, err: str) -> bool:
    text = f"{out}\n{err}".lower()
    return any(marker in text for marker in _WRONG_PASSWORD_MARKERS)


def _windows_user(environ: Mapping[str, str]) -> str:
    user = environ.get("USERNAME") or _login_name()
    domain = environ.get("USERDOMAIN", "")
    return f"{domain}\\{user}" if domain else user


def _task_safe(name: str) -> str:
    # Task names may not contain the characters Windows forbids in file names.
    return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in name) or "user"


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name available
        return "user"


# --- POSIX: a systemd user unit --------------------------------------------------------------------------------


class SystemdUserBootService:
    """A systemd user unit ``$XDG_CONFIG_HOME/systemd/user/monitor_app.service`` running the engine.

    A user unit starts with the user's service manager, which systemd starts at boot only for users with
    "lingering" on (``loginctl enable-linger <user>``); without it the engine starts at the first login and stops
    at the last logout. ``install`` switches lingering on if logind allows it (it usually does for one's own
    account) and ``status`` warns when it is off. ``KillMode=process``: stopping or restarting the engine must
    not kill the programs it started, which live in the unit's control group.

    Args:
        runner: Runs systemctl and loginctl (``run_command`` or a test's fake).
        config_home: The XDG config folder; ``None`` means ``$XDG_CONFIG_HOME`` if absolute, else ``~/.config``.
        environ: Where to read ``XDG_CONFIG_HOME`` (tests pass a dict); defaults to ``os.environ``.
        user: The login name lingering is switched on for; the current user by default.
        linger_dir: Where logind keeps its linger marks (one empty file per user).
    """

    def __init__(
        self,
        runner: Runner = run_command,
        *,
        config_home: Path | None = None,
        environ: Mapping[str, str] | None = None,
        user: str | None = None,
        linger_dir: Path = LINGER_DIR,
    ) -> None:
        if config_home is None:
            config_home = _xdg_config_home(os.environ if environ is None else environ)
        self._runner = runner
        self._path = Path(config_home) / "systemd" / "user" / SYSTEMD_UNIT_NAME
        self._user = user or _login_name()
        self._linger_dir = Path(linger_dir)

    @property
    def path(self) -> Path:
        return self._path

    @property
    def needs_password(self) -> bool:
        return False  # the user's service manager runs the unit with the user's full credentials

    @property
    def account(self) -> str:
        return self._user

    def describe(self) -> str:
        return f"systemd user unit {self._path}"

    def install(
        self, command: Sequence[str], data_dir: PurePath, *, password: AccountPassword | None = None
    ) -> None:
        """Write the unit, enable and start it, and switch lingering on (a failure there only warns).

        ``password`` is not needed here and is ignored.

        Raises:
            BootServiceError: the unit cannot be written, or systemctl is missing or refused; the unit file is
                then as it was before.
        """
        text = unit_file(engine_command(command, data_dir))
        try:
            previous: str | None = self._path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError):
            previous = None
        except OSError as exc:
            raise BootServiceError(f"cannot read {self._path}: {exc}") from exc
        self._write(text)
        try:
            self._systemctl("daemon-reload")
            self._systemctl("enable", "--now", SYSTEMD_UNIT_NAME)
        except BootServiceError:
            self._restore(previous)
            raise
        log.info("the engine runs now and will start with the service manager: %s", self._path)
        if not self._lingering():
            self._enable_linger()

    def uninstall(self) -> None:
        """Stop and disable the unit and remove its file; no unit is fine. Lingering is left as it is.

        Raises:
            BootServiceError: systemctl refused, or the file cannot be removed.
        """
        if not self._path.exists():
            return
        try:
            self._systemctl("disable", "--now", SYSTEMD_UNIT_NAME)
        except BootServiceError as exc:
            if not isinstance(exc.__cause__, FileNotFoundError):
                raise
            # Without systemctl nothing can have started it: removing the file is all there is to do.
        try:
            self._path.unlink(missing_ok=True)
        except OSError as exc:
            raise BootServiceError(f"cannot remove {self._path}: {exc}") from exc
        try:
            self._systemctl("daemon-reload")
        except BootServiceError as exc:
            log.warning("removed %s but systemd did not reload: %s", self._path, exc.message)
        log.info("the engine will no longer start with the service manager (removed %s)", self._path)

    def status(self) -> BootServiceStatus:
        """Installed (the unit file exists and is enabled) and running, from ``systemctl --user``.

        Raises:
            BootServiceError: the unit file exists but cannot be read.
        """
        try:
            command = _exec_start(self._path.read_text(encoding="utf-8", errors="replace"))
        except FileNotFoundError:
            return BootServiceStatus(False, False, "no unit installed", self.describe())
        except OSError as exc:
            raise BootServiceError(f"cannot read {self._path}: {exc}") from exc
        try:
            _rc, out, err = self._systemctl_query("is-enabled", SYSTEMD_UNIT_NAME)
            enabled_state = (out.strip() or err.strip() or "unknown").splitlines()[0]
            _rc, out, _err = self._systemctl_query("is-active", SYSTEMD_UNIT_NAME)
            active_state = out.strip().splitlines()[0] if out.strip() else "unknown"
        except BootServiceError as exc:
            return BootServiceStatus(True, None, exc.message, self.describe(), command, warning=exc.message)
        installed = enabled_state == "enabled"
        running = active_state in ("active", "reloading", "activating")
        detail = f"{enabled_state}, {active_state}"
        warning = ""
        if installed and not self._lingering():
            warning = (
                f"lingering is off for {self._user}, so the engine starts at your first login, not at boot: "
                f"run `loginctl enable-linger {self._user}` (with sudo if it is refused)"
            )
        return BootServiceStatus(installed, running, detail, self.describe(), command, warning)

    def _lingering(self) -> bool:
        return (self._linger_dir / self._user).exists()

    def _enable_linger(self) -> None:
        argv = ["loginctl", "enable-linger", self._user]
        try:
            rc, out, err = _call(self._runner, argv, "loginctl was not found")
        except BootServiceError as exc:
            log.warning(
                "cannot switch lingering on for %s (%s); the engine starts at login only",
                self._user,
                exc.message,
            )
            return
        if rc != 0:
            log.warning(
                "loginctl enable-linger %s failed (%s); the engine starts at login only",
                self._user,
                _output(out, err),
            )
        else:
            log.info("lingering is on for %s: the engine starts at boot", self._user)

    def _systemctl(self, *args: str) -> None:
        rc, out, err = self._systemctl_query(*args)
        if rc != 0:
            raise BootServiceError(f"systemctl --user {' '.join(args)} failed: {_output(out, err)}")

    def _systemctl_query(self, *args: str) -> tuple[int, str, str]:
        return _call(
            self._runner,
            ["systemctl", "--user", *args],
            f"systemctl was not found: this system does not run systemd, so {APP_NAME} cannot keep its engine "
            "running at boot here",
        )

    def _write(self, text: str) -> None:
        try:
            replace_file(self._path, text, mode=0o644)
        except OSError as exc:
            raise BootServiceError(f"cannot write the unit in {self._path.parent}: {exc}") from exc

    def _restore(self, previous: str | None) -> None:
        try:
            if previous is None:
                self._path.unlink(missing_ok=True)
            else:
                self._write(previous)
        except (OSError, BootServiceError) as exc:
            log.warning("cannot put %s back as it was: %s", self._path, exc)


def unit_file(command: Sequence[str]) -> str:
    """The text of the systemd user unit that runs ``command`` and restarts it a minute after a failure."""
    return "\n".join(
        [
            f"# Written by {APP_NAME} (Settings > Keep running at boot without login); change it there.",
            "[Unit]",
            f"Description={APP_NAME} background engine (keeps your programs and game servers running)",
            "",
            "[Service]",
            "Type=simple",
            f"ExecStart={exec_start(command)}",
            "Restart=on-failure",
            f"RestartSec={RESTART_SEC}",
            "# Stop only the engine: the programs it started keep running, as when the window closes.",
            "KillMode=process",
            "",
            "[Install]",
            "WantedBy=default.target",
            "",
        ]
    )


#: Characters that make systemd split or unescape an ExecStart word unless it is quoted.
_SYSTEMD_SPECIAL = frozenset(" \t\n\"'\\;")


def exec_start(command: Sequence[str]) -> str:
    """``command`` as the value of an ``ExecStart=`` line (systemd.service, "Command lines").

    ``%`` starts a specifier and ``$`` a variable, so they are doubled; an argument that is empty or holds
    whitespace, quotes, a backslash or a semicolon is put in double quotes with C-style escapes.
    """
    words = []
    for arg in command:
        body = arg.replace("%", "%%").replace("$", "$$")
        if arg == "" or any(ch in _SYSTEMD_SPECIAL for ch in arg):
            body = body.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
            body = f'"{body}"'
        words.append(body)
    return " ".join(words)


def _exec_start(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("ExecStart="):
            return line.partition("=")[2].strip()
    return ""


# --- choosing one, mirroring it --------------------------------------------------------------------------------


def current_boot_service(os_name: str = os.name) -> BootService:
    """The implementation for this operating system (``os_name`` as in ``os.name``)."""
    if os_name == "nt":
        return TaskSchedulerBootService()
    return SystemdUserBootService()


def mirror_keep_running_at_boot(settings: Settings, status: BootServiceStatus) -> Settings:
    """``settings`` with ``keep_running_at_boot`` set from the OS entry, which the user may have changed outside."""
    if status.installed == settings.keep_running_at_boot:
        return settings
    return settings.replace(keep_running_at_boot=status.installed)
