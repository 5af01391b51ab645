"""Command-line options and their environment-variable twins (command line wins over environment).

The environment names include the original web version's (``LOG_LEVEL``, ``MONITOR_INTERVAL``,
``DATABASE_PATH``, ``FLASK_PORT``) so an existing ``.env`` keeps working.
"""

import argparse
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from monitor_app import __version__
from monitor_app.core.errors import ValidationError
from monitor_app.engine.remote_connect import parse_address
from monitor_app.settings.schema import MAX_INTERVAL_S, MIN_INTERVAL_S

DEFAULT_API_HOST = "127.0.0.1"
DEFAULT_API_PORT = 8080
SECRET_STORES = ("auto", "keyring", "file")


@dataclass(frozen=True, slots=True)
class Options:
    headless: bool
    data_dir: Path | None  # None: the per-user app-data folder
    database_path: Path | None
    api_host: str | None  # None: the saved setting (127.0.0.1 unless the user opened it to the LAN)
    api_port: int | None
    log_level: str
    interval_s: float | None  # None: not given, the user's saved setting (or 1 s) applies
    self_test: bool = False
    self_test_child: bool = False
    secret_store: str = "auto"  # auto (OS keyring if usable, else encrypted file), keyring or file
    connect: str | None = None  # another PC's engine: the window opens "Connect to another PC…" with it filled in


def parse_options(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> Options:
    """Parse ``argv`` with defaults taken from ``environ``; exits with status 2 and a message on bad input."""
    env = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(
        prog="monitor-app",
        description="Keeps your programs and game servers running, with live charts, alerts and a LAN API.",
    )
    parser.add_argument("--version", action="version", version=f"monitor_app {__version__}")
    parser.add_argument(
        "--headless",
        action="store_true",
        default=_env_bool(env, "MONITOR_HEADLESS", parser),
        help="run the engine without a window until Ctrl+C / SIGTERM (env MONITOR_HEADLESS=1)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=_env_path(env, "MONITOR_DATA_DIR"),
        help="folder for the database, logs and program output (env MONITOR_DATA_DIR; "
        "default: the per-user application-data folder)",
    )
    parser.add_argument(
        "--database",
        dest="database_path",
        type=Path,
        default=_env_path(env, "DATABASE_PATH"),
        help="SQLite database file (env DATABASE_PATH; default: <data dir>/monitor.db)",
    )
    parser.add_argument(
        "--api-host",
        default=env.get("MONITOR_API_HOST") or None,
        help=f"address the REST API listens on (env MONITOR_API_HOST; default: the saved setting, else "
        f"{DEFAULT_API_HOST}, this PC only)",
    )
    parser.add_argument(
        "--api-port",
        type=_port,
        default=_env_value(env, ("MONITOR_API_PORT", "FLASK_PORT"), _port, None, parser),
        help=f"REST API port (env MONITOR_API_PORT or FLASK_PORT; default: the saved setting, else {DEFAULT_API_PORT})",
    )
    parser.add_argument(
        "--log-level",
        type=_log_level,
        default=_env_value(env, ("LOG_LEVEL",), _log_level, "INFO", parser),
        help="DEBUG, INFO, WARNING or ERROR (env LOG_LEVEL; default INFO)",
    )
    parser.add_argument(
        "--interval",
        dest="interval_s",
        type=_interval,
        default=_env_value(env, ("MONITOR_INTERVAL",), _interval, None, parser),
        help="seconds between two measurements (env MONITOR_INTERVAL; default: the saved setting, else 1)",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="start the whole app offscreen on a temporary data dir, run a short program, check that it is "
        "measured, stored and shown, then exit (0 = all good)",
    )
    parser.add_argument("--self-test-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--secret-store",
        choices=SECRET_STORES,
        default=env.get("MONITOR_SECRET_STORE") or "auto",
        help="where webhook URLs and secrets and plugin passwords are kept: auto (the OS keyring, e.g. Windows "
        "Credential Manager, if it works; else an encrypted file in the data folder), keyring or file "
        "(env MONITOR_SECRET_STORE; e.g. file on a headless Linux server)",
    )
    parser.add_argument(
        "--connect",
        metavar="URL",
        type=_address,
        default=None,
        help="open the window's \"Connect to another PC\" dialog with this engine address filled in "
        "(host, host:port or http(s)://host:port; port 8080 unless given)",
    )
    ns = parser.parse_args(list(argv))
    return Options(
        headless=ns.headless,
        data_dir=ns.data_dir,
        database_path=ns.database_path,
        api_host=ns.api_host,
        api_port=ns.api_port,
        log_level=ns.log_level,
        interval_s=ns.interval_s,
        self_test=ns.self_test,
        self_test_child=ns.self_test_child,
        secret_store=ns.secret_store,
        connect=ns.connect,
    )


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is outside 1-65535")
    return port


def _address(text: str) -> str:
    try:
        return parse_address(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc.by_field().get('address', exc.message)}") from None


def _log_level(text: str) -> str:
    level = text.strip().upper()
    if level == "WARN":
        level = "WARNING"
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a log level (DEBUG, INFO, WARNING, ERROR)")
    return level


def _interval(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not MIN_INTERVAL_S <= value <= MAX_INTERVAL_S:
        raise argparse.ArgumentTypeError(f"interval must be between {MIN_INTERVAL_S} and {MAX_INTERVAL_S:g} seconds")
    return value


def _env_value(env, names, convert, default, parser: argparse.ArgumentParser):  # type: ignore[no-untyped-def]
    for name in names:
        raw = env.get(name)
        if raw not in (None, ""):
            try:
                return convert(raw)
            except argparse.ArgumentTypeError as exc:
                parser.error(f"environment variable {name}: {exc}")
    return default


def _env_bool(env: Mapping[str, str], name: str, parser: argparse.ArgumentParser) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    parser.error(f"environment variable {name}: {raw!r} is not a yes/no value")
    return False


def _env_path(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name)
    return Path(raw).expanduser() if raw else None


