"""Per-program output logs: where they live, size-based rotation, and reading their last lines.

The program writes straight into its log (OS-level append), so it keeps logging while the monitor is down.
Rotation is copy-then-truncate, which works under a running writer on every OS; a few lines written between
the copy and the truncation can be lost, as with logrotate's ``copytruncate``.
"""

import locale
import logging
import os
import shutil
import subprocess
import time
from pathlib import Path

from monitor_app.core.model import ProgramSpec

log = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_BACKUPS = 5
#: How much of the end of a log is read to find its last lines.
TAIL_WINDOW_BYTES = 64 * 1024


class LogFiles:
    """The folder of program output logs.

    Args:
        folder: Where the logs live (``<data dir>/logs/programs``).
        max_bytes: A log larger than this is rotated.
        backups: Rotated files kept (``program-1.log.1`` … ``.N``).
    """

    def __init__(self, folder: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, backups: int = DEFAULT_BACKUPS) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self.backups = backups

    def path(self, program_id: int) -> Path:
        return self.folder / f"program-{program_id}.log"

    def prepare(self, spec: ProgramSpec) -> Path:
        """Ready the log for a new launch: rotate if large, then mark where this run starts."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(spec.id)
        self.rotate_if_needed(spec.id)
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        command = subprocess.list2cmdline([spec.path, *spec.args])
        with open(path, "ab") as f:
            f.write(f"----- {stamp} monitor_app starting {spec.name}: {command}\n".encode("utf-8", "replace"))
        return path

    def rotate_if_needed(self, program_id: int) -> bool:
        path = self.path(program_id)
        try:
            if path.stat().st_size <= self.max_bytes:
                return False
        except FileNotFoundError:
            return False
        try:
            for index in range(self.backups - 1, 0, -1):
                older = path.with_name(f"{path.name}.{index}")
                if older.exists():
                    os.replace(older, path.with_name(f"{path.name}.{index + 1}"))
            if self.backups > 0:
                shutil.copyfile(path, path.with_name(f"{path.name}.1"))
            with open(path, "r+b") as f:
                f.truncate(0)
        except OSError as exc:
            log.warning("cannot rotate %s: %s", path, exc)
            return False
        return True

    def tail(self, program_id: int, lines: int) -> tuple[str, ...]:
        """The last ``lines`` lines (UTF-8, else the system code page, with replacement characters)."""
        if lines <= 0:
            return ()
        path = self.path(program_id)
        try:
            with open(path, "rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - TAIL_WINDOW_BYTES))
                data = f.read()
        except OSError:
            return ()
        if size > TAIL_WINDOW_BYTES:
            data = data[data.find(b"\n") + 1 :]  # drop the partial first line
        text = _decode(data)
        return tuple(text.splitlines()[-lines:])

    def remove(self, program_id: int) -> None:
        path = self.path(program_id)
        for candidate in [path, *(path.with_name(f"{path.name}.{i}") for i in range(1, self.backups + 1))]:
            try:
                candidate.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                log.warning("cannot delete %s: %s", candidate, exc)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    encoding = locale.getpreferredencoding(False) or "utf-8"
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")
