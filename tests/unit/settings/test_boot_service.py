"""The background engine's boot entry: the Task Scheduler task checked with a fake schtasks, the systemd user unit
written for real in tmp_path with systemctl and loginctl faked (this machine runs no systemd)."""

import logging
import os
import pickle
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path, PureWindowsPath

import pytest

from monitor_app.settings import (
    AccountPassword,
    BootPasswordRejected,
    BootServiceError,
    BootServiceStatus,
    Settings,
    SystemdUserBootService,
    TaskSchedulerBootService,
    current_boot_service,
    mirror_keep_running_at_boot,
)
from monitor_app.settings.boot_service import (
    TASK_NAMESPACE,
    engine_command,
    exec_start,
    run_command,
    unit_file,
)
from tests.helpers.schtasks import ACCOUNT, SCHTASKS, SECRET, TASK, WINDOWS_ENV, FakeSchtasks
from tests.helpers.systemd import FakeSystemd

NS = {"t": TASK_NAMESPACE}
USER_PYTHON = r"C:\Users\Kim Min-jun\AppData\Local\Programs\Python\Python312\python.exe"
DATA_DIR = PureWindowsPath(r"C:\Users\Kim Min-jun\AppData\Roaming\monitor_app")


@pytest.fixture
def schtasks() -> FakeSchtasks:
    return FakeSchtasks()


@pytest.fixture
def task_service(schtasks: FakeSchtasks) -> TaskSchedulerBootService:
    return TaskSchedulerBootService(schtasks, environ=WINDOWS_ENV)


def install_windows(service: TaskSchedulerBootService, password: str | None = SECRET) -> None:
    service.install(
        [USER_PYTHON, "-m", "monitor_app"],
        DATA_DIR,
        password=None if password is None else AccountPassword(password),
    )


def parsed(raw_xml: bytes) -> ET.Element:
    return ET.fromstring(raw_xml.decode("utf-16").split("?>", 1)[1])


def test_task_is_registered_from_a_utf16_xml_file_and_the_file_is_removed(schtasks, task_service) -> None:
    install_windows(task_service)
    create = schtasks.calls[-1]
    assert create[:5] == [SCHTASKS, "/Create", "/TN", TASK, "/XML"]
    assert create[6:] == ["/RU", ACCOUNT, "/RP", SECRET, "/F"]
    assert not Path(create[5]).exists(), "the temporary definition is removed"
    assert schtasks.raw_xml.startswith(b"\xff\xfe"), "UTF-16 with a byte order mark"
    assert schtasks.raw_xml.decode("utf-16").startswith('<?xml version="1.0" encoding="UTF-16"?>')


def test_task_xml_starts_the_headless_engine_at_boot_as_the_user_with_the_stored_password(
    schtasks, task_service
) -> None:
    install_windows(task_service)
    assert SECRET not in schtasks.raw_xml.decode("utf-16"), "the definition never holds the password"
    assert schtasks.stored_passwords == {TASK.lower(): SECRET}
    root = parsed(schtasks.raw_xml)
    assert root.tag == f"{{{TASK_NAMESPACE}}}Task" and root.get("version") == "1.2"
    trigger = root.find("t:Triggers/t:BootTrigger", NS)
    assert trigger is not None and trigger.findtext("t:Enabled", namespaces=NS) == "true"
    assert trigger.findtext("t:Delay", namespaces=NS) == "PT30S"
    assert len(root.find("t:Triggers", NS)) == 1
    principal = root.find("t:Principals/t:Principal", NS)
    assert principal.get("id") == root.find("t:Actions", NS).get("Context") == "Author"
    assert principal.findtext("t:UserId", namespaces=NS) == ACCOUNT
    assert principal.findtext("t:LogonType", namespaces=NS) == "Password"
    assert principal.findtext("t:RunLevel", namespaces=NS) == "LeastPrivilege"
    settings = {
        child.tag.split("}")[1]: child.text for child in root.find("t:Settings", NS) if len(child) == 0
    }
    assert settings["ExecutionTimeLimit"] == "PT0S"
    assert settings["MultipleInstancesPolicy"] == "IgnoreNew"
    assert settings["DisallowStartIfOnBatteries"] == settings["StopIfGoingOnBatteries"] == "false"
    assert settings["StartWhenAvailable"] == "true" and settings["Hidden"] == "false"
    assert settings["Enabled"] == "true"
    assert settings["Priority"] == "5", "normal priority: the game servers inherit it"
    assert root.findtext("t:Settings/t:RestartOnFailure/t:Interval", namespaces=NS) == "PT1M"
    assert root.findtext("t:Settings/t:RestartOnFailure/t:Count", namespaces=NS) == "999"
    execs = root.findall("t:Actions/t:Exec", NS)
    assert len(execs) == 1
    assert execs[0].findtext("t:Command", namespaces=NS) == USER_PYTHON
    assert execs[0].findtext("t:Arguments", namespaces=NS) == (
        r'-m monitor_app --headless --data-dir "C:\Users\Kim Min-jun\AppData\Roaming\monitor_app"'
    )
    assert execs[0].findtext("t:WorkingDirectory", namespaces=NS) == str(DATA_DIR)


def test_task_without_the_password_is_s4u_on_explicit_request_and_says_it_cannot_read_secrets(
    schtasks, task_service
) -> None:
    install_windows(task_service, password=None)
    create = schtasks.calls[-1]
    assert create[:5] == [SCHTASKS, "/Create", "/TN", TASK, "/XML"] and create[6:] == ["/F"]
    principal = parsed(schtasks.raw_xml).find("t:Principals/t:Principal", NS)
    assert principal.findtext("t:LogonType", namespaces=NS) == "S4U"
    assert principal.findtext("t:UserId", namespaces=NS) == ACCOUNT
    status = task_service.status()
    assert status.installed and status.without_secrets
    install_windows(task_service)  # registered again with the password: secrets are readable
    assert not task_service.status().without_secrets


def test_task_wrong_password_registers_nothing_and_says_so(schtasks, task_service) -> None:
    with pytest.raises(BootPasswordRejected) as raised:
        install_windows(task_service, password="wrong password")
    assert raised.value.code == "boot_password_rejected"
    assert raised.value.message.startswith(f"Windows did not accept the password for {ACCOUNT}")
    assert "nothing was registered" in raised.value.message
    assert "wrong password" not in raised.value.message
    assert schtasks.tasks == {} and task_service.status().installed is False


def test_task_wrong_password_keeps_an_older_task_as_it_was(schtasks, task_service) -> None:
    install_windows(task_service, password=None)
    before = dict(schtasks.tasks)
    with pytest.raises(BootPasswordRejected):
        install_windows(task_service, password="wrong password")
    assert schtasks.tasks == before and task_service.status().without_secrets


def test_task_password_appears_only_as_the_rp_value_and_nowhere_else(schtasks, task_service, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    install_windows(task_service)
    task_service.status()
    task_service.uninstall()
    with_secret = [call for call in schtasks.calls if any(SECRET in arg for arg in call)]
    assert len(with_secret) == 1
    (create,) = with_secret
    assert [i for i, arg in enumerate(create) if SECRET in arg] == [create.index("/RP") + 1]
    assert SECRET not in caplog.text
    assert "with access to your saved secrets" in caplog.text


def test_task_password_is_masked_in_every_failure(schtasks, task_service, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    schtasks.echo_argv = True  # a wrong password whose error text repeats the command line
    schtasks.password = "the right one"
    failures: list[BaseException] = []
    with pytest.raises(BootPasswordRejected) as raised:
        install_windows(task_service)
    failures.append(raised.value)
    schtasks.password = SECRET
    schtasks.denied = True
    with pytest.raises(BootServiceError) as raised:
        install_windows(task_service)
    failures.append(raised.value)
    schtasks.denied = False
    schtasks.raises = subprocess.TimeoutExpired([SCHTASKS, "/RP", SECRET], 30, output=SECRET)
    with pytest.raises(BootServiceError, match="did not answer within 30 s") as raised:
        install_windows(task_service)
    failures.append(raised.value)
    schtasks.raises = PermissionError(13, f"Access denied for {SECRET}")
    with pytest.raises(
        BootServiceError, match=r"cannot run .*schtasks\.exe: .*Access denied for \*{8}"
    ) as raised:
        install_windows(task_service)
    failures.append(raised.value)
    for failure in failures:
        chain: BaseException | None = failure
        while chain is not None:  # the message, and nothing a traceback would print after it
            assert SECRET not in f"{chain} {chain!r} {getattr(chain, 'message', '')}"
            chain = chain.__cause__ or chain.__context__
        assert failure.__cause__ is None and failure.__context__ is None
    assert SECRET not in caplog.text
    assert schtasks.tasks == {}


def test_account_password_never_shows_itself() -> None:
    password = AccountPassword(SECRET)
    assert password.reveal() == SECRET
    assert SECRET not in f"{password} {password!r} {[password]} { ({'p': password}) }"
    with pytest.raises(TypeError):
        pickle.dumps(password)
    with pytest.raises(ValueError, match="empty"):
        AccountPassword("")


def test_task_password_star_is_refused_before_schtasks_would_prompt(schtasks, task_service) -> None:
    with pytest.raises(BootPasswordRejected, match="cannot take the password"):
        install_windows(task_service, password="*")
    assert schtasks.calls == []


def test_services_say_whether_they_need_the_password(schtasks, task_service, tmp_path) -> None:
    assert task_service.needs_password and task_service.account == ACCOUNT
    unit = SystemdUserBootService(lambda argv: (0, "", ""), config_home=tmp_path, user="kim")
    assert not unit.needs_password and unit.account == "kim"


def test_task_for_the_bundled_exe_and_a_drive_root(schtasks) -> None:
    service = TaskSchedulerBootService(schtasks, environ=WINDOWS_ENV, boot_delay="")
    service.install(
        [r"C:\Program Files\monitor_app\monitor_app.exe"],
        PureWindowsPath("D:\\"),
        password=AccountPassword(SECRET),
    )
    root = ET.fromstring(schtasks.raw_xml.decode("utf-16").split("?>", 1)[1])
    assert (
        root.findtext("t:Actions/t:Exec/t:Command", namespaces=NS)
        == r"C:\Program Files\monitor_app\monitor_app.exe"
    )
    assert root.findtext("t:Actions/t:Exec/t:Arguments", namespaces=NS) == "--headless --data-dir D:\\"
    assert root.find("t:Triggers/t:BootTrigger/t:Delay", NS) is None


def test_task_status_reads_registration_state_and_command(schtasks, task_service) -> None:
    assert task_service.status() == BootServiceStatus(
        False, False, "no task registered", task_service.describe()
    )
    install_windows(task_service)
    status = task_service.status()
    assert (status.installed, status.running) == (True, False)
    assert status.detail == "registered; starts at the next boot"
    assert status.command.startswith(USER_PYTHON + " -m monitor_app --headless --data-dir")
    schtasks.state = "Running"
    assert task_service.status().running is True
    schtasks.state = "알 수 없음"  # a state we cannot read in this language
    assert task_service.status().running is None
    assert schtasks.calls[-2][1:] == ["/Query", "/TN", TASK, "/XML"]
    assert schtasks.calls[-1][1:] == ["/Query", "/TN", TASK, "/FO", "CSV", "/NH"]


def test_task_disabled_in_task_scheduler_is_not_installed(schtasks, task_service) -> None:
    install_windows(task_service)
    key = TASK.lower()
    schtasks.tasks[key] = schtasks.tasks[key].replace(
        "<Enabled>true</Enabled>\n    <Hidden>", "<Enabled>false</Enabled>\n    <Hidden>"
    )
    status = task_service.status()
    assert not status.installed and "disabled" in status.detail


def test_task_uninstall_deletes_and_absent_is_fine(schtasks, task_service) -> None:
    task_service.uninstall()
    assert [call[1] for call in schtasks.calls] == ["/Query"]
    install_windows(task_service)
    task_service.uninstall()
    assert schtasks.calls[-1] == [SCHTASKS, "/Delete", "/TN", TASK, "/F"]
    assert schtasks.tasks == {}


def test_task_refused_without_administrator_rights_says_what_to_do(schtasks, task_service) -> None:
    schtasks.denied = True
    with pytest.raises(BootServiceError) as raised:
        install_windows(task_service)
    message = raised.value.message
    assert "ERROR: Access is denied." in message and f"\\{TASK}" in message
    assert "Run as administrator" in message
    assert raised.value.code == "boot_service_failed"
    assert schtasks.tasks == {}


def test_task_missing_schtasks_is_a_clear_error(schtasks, task_service) -> None:
    schtasks.missing = True
    for action in (install_windows, lambda s: s.uninstall(), lambda s: s.status()):
        with pytest.raises(BootServiceError, match=r"schtasks\.exe was not found at C:\\WINDOWS\\System32"):
            action(task_service)


def test_task_name_is_per_user_and_safe(schtasks) -> None:
    service = TaskSchedulerBootService(schtasks, environ={"USERNAME": "a/b:c", "SystemRoot": r"C:\Windows"})
    assert service.task_name == r"monitor_app\Engine a_b_c"
    assert service.user_id == "a/b:c"
    assert 'Task Scheduler task "\\monitor_app\\Engine a_b_c"' in service.describe()
    named = TaskSchedulerBootService(schtasks, task_name=r"monitor_app\Engine", user_id=r"PC\kim", environ={})
    assert named.task_name == r"monitor_app\Engine" and named.user_id == r"PC\kim"


# --- systemd ---------------------------------------------------------------------------------------------------


@pytest.fixture
def systemd(tmp_path: Path) -> FakeSystemd:
    return FakeSystemd(tmp_path / "config" / "systemd" / "user", tmp_path / "linger")


@pytest.fixture
def unit_service(tmp_path: Path, systemd: FakeSystemd) -> SystemdUserBootService:
    return SystemdUserBootService(
        systemd, config_home=tmp_path / "config", user="kim", linger_dir=tmp_path / "linger"
    )


def test_systemd_install_writes_the_unit_enables_it_and_switches_lingering_on(
    tmp_path, systemd, unit_service
):
    data = tmp_path / "my data"
    unit_service.install(["/usr/bin/python3", "-m", "monitor_app"], data)
    unit = tmp_path / "config" / "systemd" / "user" / "monitor_app.service"
    assert unit_service.path == unit
    text = unit.read_text(encoding="utf-8")
    assert f'ExecStart=/usr/bin/python3 -m monitor_app --headless --data-dir "{data}"\n' in text
    for line in (
        "Restart=on-failure",
        "RestartSec=60",
        "WantedBy=default.target",
        "KillMode=process",
        "[Service]",
    ):
        assert line in text.splitlines()
    assert unit.stat().st_mode & 0o777 == 0o644
    assert systemd.calls == [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", "monitor_app.service"],
        ["loginctl", "enable-linger", "kim"],
    ]
    assert systemd.unit_seen_at_reload == text, "the unit is on disk before systemd reloads"
    status = unit_service.status()
    assert status == BootServiceStatus(
        True,
        True,
        "enabled, active",
        f"systemd user unit {unit}",
        f'/usr/bin/python3 -m monitor_app --headless --data-dir "{data}"',
        "",
    )


def test_systemd_install_when_lingering_is_already_on_leaves_it(tmp_path, systemd, unit_service) -> None:
    (tmp_path / "linger").mkdir()
    (tmp_path / "linger" / "kim").touch()
    unit_service.install(["/usr/bin/monitor_app"], tmp_path / "d")
    assert [call[0] for call in systemd.calls] == ["systemctl", "systemctl"]


def test_systemd_refused_lingering_installs_and_warns(tmp_path, systemd, unit_service, caplog) -> None:
    systemd.fail["loginctl"] = (1, "Could not enable linger: Access denied")
    unit_service.install(["/usr/bin/monitor_app"], tmp_path / "d")
    assert "Access denied" in caplog.text
    status = unit_service.status()
    assert status.installed and status.running
    assert "loginctl enable-linger kim" in status.warning and "not at boot" in status.warning


def test_systemd_refused_enable_puts_the_old_unit_back(tmp_path, systemd, unit_service) -> None:
    unit_service.install(["/usr/bin/monitor_app"], tmp_path / "old")
    before = unit_service.path.read_text()
    systemd.fail["enable"] = (1, "Failed to enable unit: Access denied")
    with pytest.raises(
        BootServiceError,
        match="systemctl --user enable --now monitor_app.service failed: "
        "Failed to enable unit: Access denied",
    ):
        unit_service.install(["/usr/bin/monitor_app"], tmp_path / "new")
    assert unit_service.path.read_text() == before


def test_systemd_no_user_manager_leaves_no_unit_behind(tmp_path, systemd, unit_service) -> None:
    systemd.fail["daemon-reload"] = (1, "Failed to connect to bus: No medium found")
    with pytest.raises(BootServiceError, match="No medium found"):
        unit_service.install(["/usr/bin/monitor_app"], tmp_path / "d")
    assert not unit_service.path.exists()
    assert unit_service.status().installed is False


def test_systemd_uninstall_disables_and_removes_and_absent_is_fine(tmp_path, systemd, unit_service) -> None:
    unit_service.uninstall()
    assert systemd.calls == []
    unit_service.install(["/usr/bin/monitor_app"], tmp_path / "d")
    systemd.calls.clear()
    unit_service.uninstall()
    assert not unit_service.path.exists()
    assert systemd.calls == [
        ["systemctl", "--user", "disable", "--now", "monitor_app.service"],
        ["systemctl", "--user", "daemon-reload"],
    ]
    assert unit_service.status() == BootServiceStatus(
        False, False, "no unit installed", unit_service.describe()
    )


def test_systemd_unit_disabled_outside_is_not_installed(tmp_path, systemd, unit_service) -> None:
    unit_service.install(["/usr/bin/monitor_app"], tmp_path / "d")
    systemd.enabled = systemd.active = False  # the user ran systemctl --user disable --now
    status = unit_service.status()
    assert (status.installed, status.running, status.detail) == (False, False, "disabled, inactive")


def test_systemd_missing_systemctl_is_a_clear_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))  # the real runner finds no systemctl
    service = SystemdUserBootService(
        config_home=tmp_path / "config", user="kim", linger_dir=tmp_path / "linger"
    )
    with pytest.raises(BootServiceError) as raised:
        service.install([sys.executable, "-m", "monitor_app"], tmp_path / "d")
    assert raised.value.message == (
        "systemctl was not found: this system does not run systemd, so monitor_app cannot keep its engine "
        "running at boot here"
    )
    assert not service.path.exists(), "nothing is left behind"
    service.path.parent.mkdir(parents=True, exist_ok=True)
    service.path.write_text("[Service]\nExecStart=/usr/bin/monitor_app\n")
    status = service.status()
    assert status.running is None and "systemctl was not found" in status.warning
    service.uninstall()  # without systemctl nothing can run it: removing the file is enough
    assert not service.path.exists()


def test_systemd_unwritable_folder_is_an_error(tmp_path) -> None:
    (tmp_path / "config").write_text("a file where the folder should be")
    service = SystemdUserBootService(lambda argv: (0, "", ""), config_home=tmp_path / "config", user="kim")
    with pytest.raises(BootServiceError, match="cannot write the unit in"):
        service.install(["/usr/bin/monitor_app"], tmp_path / "d")


def test_systemd_config_home_follows_xdg(tmp_path) -> None:
    service = SystemdUserBootService(environ={"XDG_CONFIG_HOME": str(tmp_path / "xdg")})
    assert service.path == tmp_path / "xdg" / "systemd" / "user" / "monitor_app.service"
    relative = SystemdUserBootService(environ={"XDG_CONFIG_HOME": "relative/ignored"})
    assert relative.path == Path.home() / ".config" / "systemd" / "user" / "monitor_app.service"


def test_exec_start_quotes_per_systemd_rules() -> None:
    assert exec_start(["/usr/bin/python3", "-m", "monitor_app"]) == "/usr/bin/python3 -m monitor_app"
    assert exec_start(["/opt/my app/run", ""]) == '"/opt/my app/run" ""'
    assert exec_start(["/x", "100%", "$HOME", "${X}"]) == "/x 100%% $$HOME $${X}"
    assert exec_start(["/x", 'say "hi"\\n;']) == '/x "say \\"hi\\"\\\\n;"'
    assert exec_start(["/x", "a;b", "tab\there"]) == '/x "a;b" "tab\\there"'


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze to parse the unit")
def test_unit_file_is_accepted_by_systemd_analyze(tmp_path: Path) -> None:
    # The program's path has a space: systemd-analyze checks the program exists, so a wrong split fails here.
    program = tmp_path / "my programs" / "monitor app"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    unit = tmp_path / "monitor_app.service"
    unit.write_text(unit_file(engine_command([str(program)], tmp_path / 'data "1" 100% $HOME\\x;y')))
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--user", str(unit)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)},
    )
    assert result.returncode == 0, result.stderr


def test_engine_command_needs_an_absolute_data_dir() -> None:
    assert engine_command(["/bin/app"], Path("/data")) == ["/bin/app", "--headless", "--data-dir", "/data"]
    with pytest.raises(ValueError, match="absolute"):
        engine_command(["/bin/app"], Path("relative"))
    with pytest.raises(ValueError, match="empty"):
        engine_command([], Path("/data"))


def test_run_command_runs_a_real_program() -> None:
    code = "import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)"
    assert run_command([sys.executable, "-c", code]) == (3, "out\n", "err\n")
    with pytest.raises(FileNotFoundError):
        run_command(["/nonexistent/program"])


def test_current_boot_service_per_os() -> None:
    assert isinstance(current_boot_service("nt"), TaskSchedulerBootService)
    assert isinstance(current_boot_service("posix"), SystemdUserBootService)


def test_mirror_follows_the_os_entry() -> None:
    where = "somewhere"
    on = BootServiceStatus(True, True, "", where)
    off = BootServiceStatus(False, False, "", where)
    assert mirror_keep_running_at_boot(Settings(), on).keep_running_at_boot is True
    assert mirror_keep_running_at_boot(Settings(keep_running_at_boot=True), off).keep_running_at_boot is False
    same = Settings()
    assert mirror_keep_running_at_boot(same, off) is same
