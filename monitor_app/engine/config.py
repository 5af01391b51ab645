"""What the engine needs to know to run, resolved by app.py from the command line and environment."""

from dataclasses import dataclass, field
from pathlib import Path

from monitor_app.engine.automation import AutomationConfig
from monitor_app.storage.repository import Retention
from monitor_app.supervision.logfiles import DEFAULT_BACKUPS, DEFAULT_MAX_BYTES

DEFAULT_INTERVAL_S = 1.0
DATABASE_FILE_NAME = "monitor.db"


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Attributes:
    data_dir: Per-user folder holding the database, logs and program output.
    interval_s: Sampling interval (``MONITOR_INTERVAL``).
    database_path: The SQLite file; ``None`` means ``<data_dir>/monitor.db``.
    retention: How long each history tier is kept.
    output_log_max_bytes / output_log_backups: Rotation of program output logs.
    bcrypt_rounds: Work factor of password hashes (tests use the minimum, 4).
    automation: Job workers, webhook attempts and timeout, payload language.
    plugin_dirs: Folders of bundled plugins (``<data dir>/plugins`` is always searched too).
    secret_store: ``auto`` (the OS keyring if a real one works, else an encrypted file), ``keyring`` or ``file``.
    """

    data_dir: Path
    interval_s: float = DEFAULT_INTERVAL_S
    database_path: Path | None = None
    retention: Retention = field(default_factory=Retention)
    output_log_max_bytes: int = DEFAULT_MAX_BYTES
    output_log_backups: int = DEFAULT_BACKUPS
    bcrypt_rounds: int = 12
    automation: AutomationConfig = field(default_factory=AutomationConfig)
    plugin_dirs: tuple[Path, ...] = ()
    secret_store: str = "auto"

    @property
    def database_file(self) -> Path:
        return self.database_path or self.data_dir / DATABASE_FILE_NAME

    @property
    def output_log_dir(self) -> Path:
        return self.data_dir / "logs" / "programs"
