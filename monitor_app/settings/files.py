"""Replacing a small file so that a reader, a crash or a full disk never sees half of it.

Settings, the autostart entry, the boot unit, the engine's advertisement and the recent connections are all
written this way: a temporary file beside the target, then one rename (atomic on POSIX and NTFS).
"""

import os
import tempfile
from contextlib import suppress
from pathlib import Path


def replace_file(path: Path, text: str, *, mode: int | None = None, durable: bool = False) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends) to ``path`` atomically, creating its folder.

    Args:
        mode: Permissions of the new file; by default it stays owner-only (``mkstemp`` makes it 0600).
        durable: Flush the data and the rename to disk before returning (settings a crash must not lose).

    Raises:
        OSError: the folder or the file cannot be written; the previous file is untouched and no temporary
            file is left behind.
    """
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            if durable:
                file.flush()
                os.fsync(file.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temp)
        raise
    if durable:
        _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    # Make the rename itself durable (POSIX); Windows cannot open a folder this way and needs no such step.
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
