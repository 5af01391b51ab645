"""Component configurations derived from the command line, the environment and the saved settings (composition).

The command line and the environment win over what the user saved in Settings."""

from pathlib import Path

from PySide6.QtCore import QLocale

from monitor_app.auth.ratelimit import Limit
from monitor_app.engine.automation import AutomationConfig
from monitor_app.engine.config import EngineConfig
from monitor_app.httpapi.server import ApiConfig
from monitor_app.jobs.retry import RetryPolicy
from monitor_app.options import Options
from monitor_app.resources import bundled_plugins_dir
from monitor_app.settings import Settings
from monitor_app.storage.repository import Retention


def engine_config(options: Options, settings: Settings, data_dir: Path) -> EngineConfig:
    return EngineConfig(
        data_dir=data_dir,
        interval_s=options.interval_s or settings.interval_s,
        database_path=options.database_path,
        retention=retention_of(settings),
        automation=automation_config(settings),
        plugin_dirs=(bundled_plugins_dir(),),
        secret_store=options.secret_store,
    )


def automation_config(settings: Settings) -> AutomationConfig:
    return AutomationConfig(
        workers=settings.job_workers,
        webhook_attempts=settings.webhook_attempts,
        webhook_timeout_s=settings.webhook_timeout_s,
        retry=RetryPolicy(initial_s=settings.webhook_retry_s),
        language=payload_language(settings.language),
    )


def payload_language(language: str) -> str:
    """The language of webhook messages: the UI's, with "system" resolved ("ko" or "en")."""
    if language == "system":
        language = QLocale.system().name()
    return "ko" if language.lower().startswith("ko") else "en"


def retention_of(settings: Settings) -> Retention:
    return Retention(raw=settings.retention_raw_s, minute=settings.retention_minute_s, hour=settings.retention_hour_s)


def api_config(options: Options, settings: Settings) -> ApiConfig:
    """Command line and environment win over the saved settings."""
    cert = settings.api_tls_certificate.strip()
    key = settings.api_tls_key.strip()
    return ApiConfig(
        host=options.api_host or settings.api_host,
        port=options.api_port if options.api_port is not None else settings.api_port,  # 0: any free port
        tls_certificate=Path(cert) if cert else None,
        tls_key=Path(key) if key else None,
    )


def api_limits(settings: Settings) -> dict[str, Limit]:
    return {
        "auth": Limit(settings.api_limit_auth, 60.0),
        "manage": Limit(settings.api_limit_manage, 60.0),
        "action": Limit(settings.api_limit_action, 60.0),
        "metrics": Limit(settings.api_limit_metrics, 60.0),
    }
