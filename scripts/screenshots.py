#!/usr/bin/env python3
"""Take the README screenshots from a real session: docs/screenshot-{main,detail,system,tray,users,audit}.png.

    xvfb-run -s "-screen 0 1400x900x24" python scripts/screenshots.py [--seconds 120] [--language en]

It registers a few programs on a temporary data dir (a busy "game server", a quiet one, one that crashes
every 25 s and is restarted by policy, one that can never start and ends FATAL, one stopped), lets them run for
``--seconds`` so live charts and the stored history fill with real samples and events, then grabs the window.
"""

import argparse
from dataclasses import replace
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHILD = str(ROOT / "tests" / "helpers" / "child.py")
BURN = "import time\nend = time.time() + 7200\nwhile time.time() < end:\n    sum(i * i for i in range(20000)); time.sleep(0.02)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--language", default="en")
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()

    from PySide6.QtCore import QEventLoop, QPoint
    from PySide6.QtWidgets import QApplication

    from monitor_app.core.model import ProgramSpec
    from monitor_app.core.states import Cause, RestartPolicy
    from monitor_app.desktop import DesktopApp
    from monitor_app.options import parse_options
    from monitor_app.settings import SystemdUserBootService, XdgAutostart
    from monitor_app.ui.tray_icon import TrayIcon

    app = QApplication([])

    def spin(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        desktop = DesktopApp(app, replace(parse_options(["--data-dir", tmp], {}), api_port=0), data, tray=False,
                             autostart=XdgAutostart(data / "xdg"),
                             boot_service=SystemdUserBootService(config_home=data / "xdg"), first_run_prompt=False)
        desktop.apply_settings(desktop.settings.replace(language=args.language))
        engine = desktop.engine
        programs = [
            ProgramSpec(name="Palworld server", path=sys.executable, args=("-c", BURN), startsecs=0.5),
            ProgramSpec(name="Minecraft (survival)", path=sys.executable, args=(CHILD, "--sleep", "7200")),
            ProgramSpec(name="Discord bot", path=sys.executable, args=(CHILD, "--exit", "1", "--after", "25"),
                        restart_policy=RestartPolicy.ALWAYS, backoff_initial=2),
            ProgramSpec(name="Broken mod server", path=sys.executable, args=(CHILD, "--crash"), startretries=2,
                        backoff_initial=0.5),
            ProgramSpec(name="Nightly backup", path=sys.executable, args=(CHILD, "--sleep", "5")),
        ]
        ids = [engine.add_program(spec, cause=Cause.USER, actor="demo").id for spec in programs]
        desktop.start()
        spin(1)
        for program_id in ids[:4]:
            engine.start_program(program_id, cause=Cause.USER, actor="demo")
        window = desktop.window
        window.resize(1280, 820)
        window.select_program(ids[0])
        spin(args.seconds)
        try:
            window.grab().save(str(args.out / "screenshot-main.png"))
            window.select_program(ids[2])
            done: list[str] = []
            window.detail.history_shown.connect(done.append)
            window.detail.set_range("1h")
            end = time.monotonic() + 20
            while not done and time.monotonic() < end:
                spin(0.2)
            spin(1)
            window.grab().save(str(args.out / "screenshot-detail.png"))
            window.detail.set_range("live")
            window.tabs.setCurrentIndex(1)
            spin(3)
            window.grab().save(str(args.out / "screenshot-system.png"))
            window.tabs.setCurrentIndex(0)
            tray = TrayIcon(engine)
            tray.rebuild_menu()
            tray.menu.popup(window.mapToGlobal(QPoint(900, 200)))
            spin(0.5)
            submenu = tray.menu.findChild(type(tray.menu), f"trayProgram{ids[0]}")
            if submenu is not None:
                submenu.popup(tray.menu.mapToGlobal(QPoint(tray.menu.width(), 40)))
                spin(0.5)
            screen = app.primaryScreen()
            top_left = tray.menu.mapToGlobal(QPoint(0, 0))
            width = tray.menu.width() + (submenu.width() if submenu is not None else 0) + 8
            height = max(tray.menu.height(), 260)
            screen.grabWindow(0, top_left.x(), top_left.y(), width, height).save(str(args.out / "screenshot-tray.png"))
            tray.menu.close()
            accounts = engine.accounts
            accounts.ensure_admin("screenshot admin 1")
            accounts.create_user("friend", "screenshot friend 1", "guest")
            accounts.create_api_key("Prometheus scrape", user_id=accounts.users()[0].id)
            engine.record_audit("user 'friend' created (guest)", cause=Cause.USER, actor="admin")
            if window.users is not None:
                window.users.reload()
                window.tabs.setCurrentWidget(window.users)
                spin(2)
                window.grab().save(str(args.out / "screenshot-users.png"))
            window.tabs.setCurrentWidget(window.audit)
            window.audit.reload()
            spin(2)
            window.grab().save(str(args.out / "screenshot-audit.png"))
        finally:
            for status in engine.statuses():
                if status.pid:
                    try:
                        os.kill(status.pid, 9)
                    except OSError:
                        pass
            desktop.shutdown()
    print("screenshots written to", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
