"""``monitor_app --self-test``: the whole desktop app, offscreen, on a temporary data dir, end to end.

It registers and starts a short-lived program (monitor_app itself with ``--self-test-child``, so it exists in
a frozen bundle too), waits until that program is running, measured, stored and shown, renders the main
window once, stops the program and exits 0; on any failure it prints the step that failed and exits 1. CI
runs it against the built bundle to prove the bundle starts and works.
"""

import dataclasses
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from monitor_app.options import Options

STEP_TIMEOUT_S = 30.0


class SelfTestError(Exception):
    pass


def child_command() -> tuple[str, list[str]]:
    """How to run the self-test's program: this executable (frozen) or this interpreter with the package."""
    if getattr(sys, "frozen", False):
        return sys.executable, ["--self-test-child"]
    return sys.executable, ["-m", "monitor_app", "--self-test-child"]


def _check_api(address: str) -> None:
    """One real request over the socket: proves the HTTP server (and its Qt plugin) made it into the bundle."""
    import json
    import urllib.request

    with urllib.request.urlopen(address + "/api/health", timeout=10) as response:
        body = json.loads(response.read())
    if body.get("status") != "ok":
        raise SelfTestError(f"the REST API answered {body!r}")


def run_self_test(options: Options) -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QCoreApplication, QEventLoop
    from PySide6.QtWidgets import QApplication

    from monitor_app.core.model import ProgramSpec
    from monitor_app.core.states import Cause, ProgramState
    from monitor_app.desktop import DesktopApp
    from monitor_app.log import setup_logging
    from monitor_app.workers.collector import install_collector

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "monitor_app"])
    install_collector(app)  # garbage is collected on the main thread only
    # An exception inside a Qt slot does not reach us; it is printed through sys.excepthook. Count it as a failure.
    slot_errors: list[str] = []
    previous_hook = sys.excepthook

    def record(kind, value, tb) -> None:  # type: ignore[no-untyped-def]
        slot_errors.append(f"{kind.__name__}: {value}")
        previous_hook(kind, value, tb)

    sys.excepthook = record
    setup_logging(options.log_level if options.log_level != "INFO" else "WARNING", None)
    started = time.monotonic()

    def wait(condition: Callable[[], object], what: str) -> None:
        deadline = time.monotonic() + STEP_TIMEOUT_S
        while not condition():
            if time.monotonic() > deadline:
                raise SelfTestError(f"timed out after {STEP_TIMEOUT_S:g} s waiting for {what}")
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)

    with tempfile.TemporaryDirectory(prefix="monitor_app-selftest-") as tmp:
        data_dir = Path(tmp)
        desktop = None
        try:
            desktop = DesktopApp(
                app,  # type: ignore[arg-type]
                dataclasses.replace(options, data_dir=data_dir, interval_s=0.2, api_host="127.0.0.1", api_port=0),
                data_dir,
                tray=False,
                first_run_prompt=False,
            )
            engine = desktop.engine
            ready: list[bool] = []
            engine.ready.connect(lambda: ready.append(True))
            desktop.start()
            wait(lambda: ready, "the engine to start")
            catalog = engine.plugins.catalog_json()
            broken = [f"{p['id']}: {p['error']}" for p in catalog if not p["loaded"]]
            if broken or not catalog:
                raise SelfTestError("bundled plugins did not load: " + ("; ".join(broken) or "none found"))
            path, args = child_command()
            spec = engine.add_program(
                ProgramSpec(name="self-test", path=path, args=tuple(args), startsecs=0.5),
                cause=Cause.SYSTEM,
                actor="self-test",
            )
            engine.start_program(spec.id, cause=Cause.SYSTEM, actor="self-test")
            wait(lambda: engine.status(spec.id).state is ProgramState.RUNNING, "the program to run")

            def measured() -> bool:
                tick = engine.latest_metrics()
                return tick is not None and any(s.program_id == spec.id for s in tick.programs)

            wait(measured, "a measurement of the program")

            def stored() -> bool:
                now = time.time()
                return bool(engine.history(spec.id, "cpu_percent", now - 120, now + 1, 10).points)

            wait(stored, "a stored sample")
            window = desktop.window
            window.select_program(spec.id)
            wait(lambda: window.redraw_clock is not None or slot_errors, "the charts to be built")
            if window.detail.live_cpu is None or window.system.cpu_chart is None:
                raise SelfTestError("the charts were not built")
            wait(lambda: window.detail.live_cpu.redraws > 0 or slot_errors, "a chart to draw samples")
            pixmap = window.grab()
            if pixmap.isNull() or pixmap.width() < 100:
                raise SelfTestError("the main window did not render")
            wait(lambda: desktop.rest is not None and desktop.rest.address, "the REST API to listen")
            _check_api(desktop.rest.address)
            engine.stop_program(spec.id, cause=Cause.SYSTEM, actor="self-test")
            wait(lambda: engine.status(spec.id).state is ProgramState.STOPPED, "the program to stop")
            if slot_errors:
                raise SelfTestError("an error was raised inside the app: " + "; ".join(slot_errors))
        except SelfTestError as exc:
            print(f"self-test FAILED: {exc}", file=sys.stderr)
            return 1
        except Exception as exc:  # noqa: BLE001 - any crash is a failed self-test, with its reason
            print(f"self-test FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
        finally:
            sys.excepthook = previous_hook
            if desktop is not None:
                desktop.shutdown()
    print(
        f"self-test passed in {time.monotonic() - started:.1f} s: launched, plugins loaded, measured, stored, "
        "rendered, served, stopped"
    )
    return 0
