"""Options: command line over environment, the web version's variable names, clear errors."""

from pathlib import Path

import pytest

from monitor_app.options import parse_options


def test_options_defaults() -> None:
    options = parse_options([], {})
    assert (options.headless, options.data_dir, options.database_path) == (False, None, None)
    assert (options.api_host, options.api_port) == (None, None)  # the saved settings decide
    assert (options.log_level, options.interval_s) == ("INFO", None)


def test_options_come_from_the_environment_including_the_web_versions_names() -> None:
    options = parse_options(
        [],
        {
            "MONITOR_HEADLESS": "1",
            "MONITOR_DATA_DIR": "/srv/monitor",
            "DATABASE_PATH": "/srv/monitor/monitoring.db",
            "FLASK_PORT": "9000",
            "LOG_LEVEL": "warn",
            "MONITOR_INTERVAL": "2.5",
        },
    )
    assert options.headless and options.data_dir == Path("/srv/monitor")
    assert options.database_path == Path("/srv/monitor/monitoring.db")
    assert (options.api_port, options.log_level, options.interval_s) == (9000, "WARNING", 2.5)


def test_options_command_line_wins_and_monitor_port_beats_flask_port() -> None:
    env = {"MONITOR_API_PORT": "8081", "FLASK_PORT": "9000", "MONITOR_INTERVAL": "5"}
    assert parse_options([], env).api_port == 8081
    options = parse_options(["--api-port", "8082", "--interval", "0.5", "--api-host", "0.0.0.0"], env)
    assert (options.api_port, options.interval_s, options.api_host) == (8082, 0.5, "0.0.0.0")


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["--interval", "0"], {}, "interval must be between"),
        (["--api-port", "70000"], {}, "outside 1-65535"),
        (["--log-level", "chatty"], {}, "is not a log level"),
        ([], {"MONITOR_INTERVAL": "soon"}, "environment variable MONITOR_INTERVAL"),
        ([], {"MONITOR_HEADLESS": "maybe"}, "not a yes/no value"),
    ],
)
def test_options_explain_bad_values(capsys, argv, env, message) -> None:
    with pytest.raises(SystemExit) as exc:
        parse_options(argv, env)
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_secret_store_option_and_its_environment_twin() -> None:
    from monitor_app.options import SECRET_STORES
    from monitor_app.secretstore import MODES

    assert SECRET_STORES == MODES
    assert parse_options([], {}).secret_store == "auto"
    assert parse_options([], {"MONITOR_SECRET_STORE": "file"}).secret_store == "file"
    assert parse_options(["--secret-store", "keyring"], {"MONITOR_SECRET_STORE": "file"}).secret_store == "keyring"
    with pytest.raises(SystemExit):
        parse_options(["--secret-store", "vault"], {})


def test_options_connect_takes_an_engine_address() -> None:
    assert parse_options([], {}).connect is None
    assert parse_options(["--connect", "192.168.0.10"], {}).connect == "http://192.168.0.10:8080"
    assert parse_options(["--connect", "https://server:9000/"], {}).connect == "https://server:9000"


def test_options_connect_refuses_a_bad_address(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_options(["--connect", "ftp://server"], {})
    assert exited.value.code == 2
    assert "use http:// or https://" in capsys.readouterr().err
