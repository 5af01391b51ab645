"""Backups of one folder as zip archives: create, verify, list, prune, restore (stdlib only, no Qt).

Every function runs on the calling thread (a job worker) and may take minutes; the long ones take
``progress(done_bytes, total_bytes)`` (called often, never decreasing, last call ``total == done``) and
``cancelled()`` (polled between chunks of 1 MiB; a cancel raises ``BackupCancelled`` after cleaning up).

Safety rules:
- A backup is written to ``<name>.zip.partial``, flushed to disk and renamed: whatever happens (crash, full
  disk, cancel), a file that looks like a backup is a complete one, and failed runs remove their partial file.
- A live game server writes its saves while we read them. Each file is copied to a spool first and kept only
  if its size and modification time did not change while it was read; a file that changed or vanished is
  tried once more, then skipped and named in ``BackupResult.skipped``. Nothing a source file does is fatal.
- The archive ends with a manifest (``monitor_app-backup.json``: source, time, per-file size and CRC32), so
  ``verify_backup`` can tell a complete, intact backup from a damaged or foreign one.
- A restore verifies first, refuses names that would leave the target folder (zip slip), extracts next to the
  target and only then swaps folders; the previous folder is kept as ``<target>.before-restore-<time>``.
  Stopping the program that uses the folder is the caller's job.
"""

import contextlib
import errno
import json
import logging
import os
import re
import shutil
import stat
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)

#: The last entry of every backup archive.
MANIFEST_NAME = "monitor_app-backup.json"
MANIFEST_FORMAT = "monitor_app-backup"
MANIFEST_VERSION = 1
#: Appended to an archive's name while it is being written.
PARTIAL_SUFFIX = ".partial"

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

_CHUNK_SIZE = 1 << 20
_SPOOL_IN_MEMORY = 32 << 20  # bigger files are spooled to a temporary file in the backup folder
_RETRY_DELAY_SECONDS = 0.2  # before reading a changed file again (lets a game finish writing its save)
_RENAME_ATTEMPTS = 3  # Windows: a virus scanner may hold a fresh file for a moment
_STAMP = "%Y%m%d-%H%M%S"
_BAD_PREFIX = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_WINDOWS_DISK_FULL = (39, 112)  # ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL


# -- errors ------------------------------------------------------------------------------------------------


class BackupError(Exception):
    """A backup, verification or restore failed; ``str(error)`` is a sentence to show the user."""


class BackupCancelled(BackupError):
    """``cancelled()`` returned True; everything the run had written was removed."""


class SourceMissingError(BackupError):
    """The folder to back up does not exist (or is not a folder)."""


class DestinationNotWritableError(BackupError):
    """The backup folder cannot be created or written to."""


class DiskFullError(BackupError):
    """The disk filled up; the partial backup (or the partly restored files) were removed."""


class BackupNotFoundError(BackupError):
    """The archive to restore does not exist."""


class ArchiveDamagedError(BackupError):
    """The archive failed verification; nothing was restored.

    Attributes:
        problems: Every problem found, one sentence each.
    """

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class UnsafeArchiveError(ArchiveDamagedError):
    """The archive holds names that would be written outside the target folder (zip slip)."""


class RestoreError(BackupError):
    """The restored files could not be put in place; the target folder was left as it was."""


# -- results -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file or folder of the source that is not in the backup, and why."""

    path: str  # relative to the source, with forward slashes (a folder ends with "/")
    reason: str


@dataclass(frozen=True, slots=True)
class BackupResult:
    """A backup that was written completely.

    Attributes:
        path: The archive.
        files: Files stored.
        bytes: Their total size, uncompressed.
        seconds: How long the backup took.
        skipped: Files that changed or vanished while being read (or could not be read at all).
        archive_bytes: Size of the archive.
    """

    path: Path
    files: int
    bytes: int
    seconds: float
    skipped: tuple[SkippedFile, ...] = ()
    archive_bytes: int = 0


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of ``verify_backup``: ``ok`` is True exactly when ``problems`` is empty."""

    ok: bool
    problems: tuple[str, ...] = ()
    files: int = 0  # files in the archive (besides the manifest)
    bytes: int = 0  # their total size, uncompressed


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """A backup found in the backup folder; ``created`` is local time, read from the file name."""

    path: Path
    created: datetime
    size: int


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """A completed restore.

    Attributes:
        target: The folder that now holds the backup's files.
        previous: Where the folder that was there before went (None: there was none). Renaming it back
            undoes the restore.
        files: Files restored.
        bytes: Their total size.
        seconds: How long the restore took (verification included).
    """

    target: Path
    previous: Path | None
    files: int
    bytes: int
    seconds: float


# -- create ------------------------------------------------------------------------------------------------


def create_backup(
    source: Path,
    destination: Path,
    *,
    prefix: str,
    now: datetime | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
    compresslevel: int | None = 6,
) -> BackupResult:
    """Zip the folder ``source`` into ``destination/<prefix>-YYYYMMDD-HHMMSS.zip``.

    Args:
        source: The folder to back up (its contents are stored relative to it; empty folders are kept).
        destination: The folder the archive goes to (created if missing; must not be inside ``source``).
        prefix: Start of the file name; ``list_backups`` and ``prune_backups`` find the backups by it.
        now: The time in the name (local time; an aware datetime is converted). Default: now.
        progress: ``progress(done, total)`` in bytes of source files.
        cancelled: Polled often; True stops the backup, removes the partial file, raises BackupCancelled.
        compression: A ``zipfile`` method (``ZIP_DEFLATED``, ``ZIP_STORED``, …).
        compresslevel: Level for that method (None: its default).

    Returns:
        The archive, its counts and the files that were skipped (changed or vanished while read twice).

    Raises:
        SourceMissingError, DestinationNotWritableError, DiskFullError, BackupCancelled, BackupError.
    """
    started = time.monotonic()
    source, destination = Path(source), Path(destination)
    if not prefix or prefix != prefix.strip() or prefix.endswith(".") or _BAD_PREFIX.search(prefix):
        raise BackupError(f"{prefix!r} cannot start a file name: choose another backup name")
    if not source.is_dir():
        what = "is not a folder" if source.exists() else "does not exist"
        raise SourceMissingError(f"the folder to back up {what}: {source}")
    if _is_within(destination, source):
        raise BackupError(
            f"the backup folder {destination} is inside the folder being backed up ({source}): "
            "choose a folder outside it"
        )
    try:
        destination.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DestinationNotWritableError(f"cannot create the backup folder {destination}: {_why(exc)}") from exc
    if not destination.is_dir():
        raise DestinationNotWritableError(f"the backup folder {destination} is not a folder")

    moment = _local(now)
    directories, files, skipped = _plan(source)
    tracker = _Tracker(progress, cancelled, sum(size for _, _, size in files), "backup")
    tracker.check()
    tracker.report(0)

    final, partial, out = _reserve(destination, f"{prefix}-{moment.strftime(_STAMP)}")
    archive: zipfile.ZipFile | None = None
    try:
        archive = zipfile.ZipFile(out, "w", compression=compression, compresslevel=compresslevel)
        for name in directories:
            archive.mkdir(_folder_entry(name, source))
        stored: list[dict[str, Any]] = []
        done = 0
        for rel, path, planned in files:
            tracker.check()
            outcome = _store_file(archive, rel, path, planned, done, tracker, destination, compresslevel)
            if isinstance(outcome, SkippedFile):
                skipped.append(outcome)
            else:
                stored.append(outcome)
            done += planned
            tracker.report(done)
        total = sum(entry["size"] for entry in stored)
        manifest = {
            "format": MANIFEST_FORMAT,
            "version": MANIFEST_VERSION,
            "source": str(source),
            "created": moment.astimezone().isoformat(timespec="seconds"),
            "file_count": len(stored),
            "total_bytes": total,
            "files": stored,
            "directories": directories,
            "skipped": [{"path": s.path, "reason": s.reason} for s in skipped],
        }
        manifest_entry = zipfile.ZipInfo(MANIFEST_NAME, date_time=moment.timetuple()[:6])
        manifest_entry.external_attr = (stat.S_IFREG | 0o644) << 16
        archive.writestr(
            manifest_entry,
            json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"),
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.close()
        out.flush()
        os.fsync(out.fileno())
        out.close()
        _rename(partial, final)
    except BaseException as exc:
        if archive is not None:
            with contextlib.suppress(Exception):  # may fail again (full disk); the file is deleted anyway
                archive.close()
        with contextlib.suppress(OSError):
            out.close()
        _remove_quietly(partial)
        if isinstance(exc, OSError):
            raise _write_failure(exc, destination, "the partial backup was removed") from exc
        raise
    _fsync_dir(destination)
    tracker.report(tracker.total)
    result = BackupResult(
        path=final,
        files=len(stored),
        bytes=total,
        seconds=time.monotonic() - started,
        skipped=tuple(skipped),
        archive_bytes=final.stat().st_size,
    )
    log.info(
        "backup %s: %d files, %d bytes in %.1f s, %d skipped",
        final, result.files, result.bytes, result.seconds, len(skipped),
    )
    return result


def _plan(source: Path) -> tuple[list[str], list[tuple[str, Path, int]], list[SkippedFile]]:
    """Walk ``source``: folder names, (name, path, size) of each regular file, and what is left out."""
    directories: list[str] = []
    files: list[tuple[str, Path, int]] = []
    skipped: list[SkippedFile] = []

    def unreadable(exc: OSError) -> None:
        name = _relative(source, Path(exc.filename)) if exc.filename else "."
        skipped.append(SkippedFile(name + "/", f"the folder could not be read: {_why(exc)}"))

    for root, dirnames, filenames in os.walk(source, onerror=unreadable):
        root_path = Path(root)
        kept = []
        for name in sorted(dirnames):
            path = root_path / name
            rel = _relative(source, path)
            if os.path.islink(path) or os.path.isjunction(path):
                skipped.append(SkippedFile(rel + "/", "it is a link to another folder (links are not followed)"))
            elif reason := _unsafe_name(rel):
                skipped.append(SkippedFile(rel + "/", f"its name cannot be restored safely ({reason})"))
            else:
                kept.append(name)
                directories.append(rel + "/")
        dirnames[:] = kept
        for name in sorted(filenames):
            path = root_path / name
            rel = _relative(source, path)
            if rel == MANIFEST_NAME:
                skipped.append(SkippedFile(rel, "the name is reserved for the backup's manifest"))
                continue
            if reason := _unsafe_name(rel):
                skipped.append(SkippedFile(rel, f"its name cannot be restored safely ({reason})"))
                continue
            try:
                info = os.stat(path)
            except FileNotFoundError:
                broken = os.path.islink(path)
                reason = "it is a link to a missing file" if broken else "it disappeared before it was read"
                skipped.append(SkippedFile(rel, reason))
                continue
            except OSError as exc:
                skipped.append(SkippedFile(rel, f"it could not be read: {_why(exc)}"))
                continue
            if not stat.S_ISREG(info.st_mode):
                skipped.append(SkippedFile(rel, "it is not a regular file"))
                continue
            files.append((rel, path, info.st_size))
    return directories, files, skipped


class _ReadProblem(Exception):
    """A source file changed, vanished or could not be read (never fatal: retried, then skipped)."""


@dataclass
class _Snapshot:
    size: int
    crc: int
    mode: int
    mtime: float


def _store_file(
    archive: zipfile.ZipFile,
    rel: str,
    path: Path,
    planned: int,
    base: int,
    tracker: "_Tracker",
    spool_dir: Path,
    compresslevel: int | None,
) -> dict[str, Any] | SkippedFile:
    """Add one file to the archive from a stable snapshot, or say why it was skipped."""
    problem = ""
    for attempt in range(2):
        if attempt:
            time.sleep(_RETRY_DELAY_SECONDS)
            tracker.check()
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY, dir=spool_dir) as spool:
            try:
                snapshot = _snapshot(path, spool, tracker)
            except _ReadProblem as exc:
                problem = str(exc)
                continue
            entry = zipfile.ZipInfo(rel, date_time=_zip_time(snapshot.mtime))
            entry.compress_type = archive.compression
            entry._compresslevel = compresslevel  # as ZipFile.write does (an alias of compress_level in 3.13)
            entry.external_attr = (stat.S_IFREG | stat.S_IMODE(snapshot.mode)) << 16
            entry.file_size = snapshot.size  # lets zipfile choose ZIP64 for files over 2 GiB
            spool.seek(0)
            written = 0
            with archive.open(entry, "w") as member:
                while chunk := spool.read(_CHUNK_SIZE):
                    tracker.check()
                    member.write(chunk)
                    written += len(chunk)
                    tracker.report(base + min(written, planned))
        return {"path": rel, "size": snapshot.size, "crc32": snapshot.crc}
    log.warning("backup: skipped %s: %s", rel, problem)
    return SkippedFile(rel, problem)


def _snapshot(path: Path, spool: IO[bytes], tracker: "_Tracker") -> _Snapshot:
    """Copy ``path`` to ``spool``; raise _ReadProblem if it vanished, could not be read or changed meanwhile.

    Only reading the source raises _ReadProblem: a failure to write the spool (full disk) propagates.
    """
    try:
        before = os.stat(path)
    except FileNotFoundError as exc:
        raise _ReadProblem("it disappeared while the backup was running") from exc
    except OSError as exc:
        raise _ReadProblem(f"it could not be read: {_why(exc)}") from exc
    if not stat.S_ISREG(before.st_mode):
        raise _ReadProblem("it is no longer a regular file")
    size = crc = 0
    try:
        source = _open_source(path)
    except FileNotFoundError as exc:
        raise _ReadProblem("it disappeared while the backup was running") from exc
    except OSError as exc:  # on Windows, a file the game holds open without sharing
        raise _ReadProblem(f"it could not be read: {_why(exc)}") from exc
    with source:
        while True:
            tracker.check()
            try:
                chunk = source.read(_CHUNK_SIZE)
            except OSError as exc:
                raise _ReadProblem(f"it could not be read: {_why(exc)}") from exc
            if not chunk:
                break
            size += len(chunk)
            crc = zlib.crc32(chunk, crc)
            spool.write(chunk)
    try:
        after = os.stat(path)
    except FileNotFoundError as exc:
        raise _ReadProblem("it disappeared while it was being read") from exc
    except OSError as exc:
        raise _ReadProblem(f"it could not be read: {_why(exc)}") from exc
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or size != after.st_size:
        raise _ReadProblem("it changed while it was being read")
    return _Snapshot(size, crc, before.st_mode, before.st_mtime)


def _open_source(path: Path) -> IO[bytes]:
    """Open a source file for reading (a seam for tests)."""
    return open(path, "rb")


def _open_output(path: Path) -> IO[bytes]:
    """Create a file that must not exist yet: the partial archive, or a restored file (a seam for tests)."""
    return open(path, "xb")


def _reserve(destination: Path, stem: str) -> tuple[Path, Path, IO[bytes]]:
    """Pick a free archive name (``stem``, ``stem-2``, …) and create its partial file exclusively."""
    for number in range(1, 10_000):
        name = stem if number == 1 else f"{stem}-{number}"
        final = destination / f"{name}.zip"
        partial = destination / f"{name}.zip{PARTIAL_SUFFIX}"
        if os.path.lexists(final):
            continue
        try:
            return final, partial, _open_output(partial)
        except FileExistsError:
            continue  # another backup of the same second is being written
        except OSError as exc:
            raise _write_failure(exc, destination, "no backup was written") from exc
    raise BackupError(f"too many backups named {stem} in {destination}")


# -- verify ------------------------------------------------------------------------------------------------


def verify_backup(
    path: Path, *, progress: Progress | None = None, cancelled: Cancelled | None = None
) -> VerifyResult:
    """Check that ``path`` is a complete, intact backup made by ``create_backup``.

    Every member is read and its CRC checked (what ``ZipFile.testzip`` does, but every damaged member is
    reported, not only the first), member names are checked for zip slip, and the manifest must be present
    and match the archive: the same files, sizes and CRC32s, counts and total.

    Args:
        path: The archive.
        progress: ``progress(done, total)`` in uncompressed bytes read.
        cancelled: Polled often; True raises BackupCancelled.
    """
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        return VerifyResult(ok=False, problems=(f"{path} does not exist",))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return VerifyResult(ok=False, problems=(f"{path.name} is not a readable zip archive ({exc})",))
    with archive:
        members = archive.infolist()
        tracker = _Tracker(progress, cancelled, sum(m.file_size for m in members if not m.is_dir()), "verification")
        tracker.report(0)
        problems, files, size = _verify_open(archive, tracker.report, tracker.check)
        tracker.report(tracker.total)
    return VerifyResult(ok=not problems, problems=tuple(problems), files=files, bytes=size)


def _verify_open(
    archive: zipfile.ZipFile, report: Callable[[int], None], check: Callable[[], None]
) -> tuple[list[str], int, int]:
    """The problems of an open archive, and its file count and size (without the manifest)."""
    problems: list[str] = []
    members = archive.infolist()
    seen: set[str] = set()
    for member in members:
        if member.filename in seen:
            problems.append(f"{member.filename} appears twice in the archive")
        seen.add(member.filename)
        if reason := _unsafe_name(member.filename):
            problems.append(f"{member.filename!r} would be written outside the folder ({reason})")

    done = 0
    for member in members:
        check()
        if member.is_dir():
            continue
        try:
            with archive.open(member) as data:
                while chunk := data.read(_CHUNK_SIZE):
                    check()
                    done += len(chunk)
                    report(done)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
                RuntimeError) as exc:
            problems.append(f"{member.filename} is damaged ({exc})")

    files = {m.filename: m for m in members if not m.is_dir() and m.filename != MANIFEST_NAME}
    folders = {m.filename for m in members if m.is_dir()}
    size = sum(m.file_size for m in files.values())
    if MANIFEST_NAME not in seen:
        problems.append(f"the manifest {MANIFEST_NAME} is missing: this is not a complete monitor_app backup")
        return problems, len(files), size
    try:
        manifest = _parse_manifest(archive.read(MANIFEST_NAME))
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError) as exc:
        problems.append(f"the manifest {MANIFEST_NAME} cannot be read ({exc})")
        return problems, len(files), size

    listed = {entry["path"]: entry for entry in manifest["files"]}
    for name, entry in listed.items():
        member = files.get(name)
        if member is None:
            problems.append(f"{name} is listed in the manifest but missing from the archive")
            continue
        if member.file_size != entry["size"]:
            problems.append(f"{name} holds {member.file_size} bytes, the manifest says {entry['size']}")
        if member.CRC != entry["crc32"]:
            problems.append(f"{name} has CRC32 {member.CRC:08x}, the manifest says {entry['crc32']:08x}")
    problems.extend(f"{name} is in the archive but not in the manifest" for name in files if name not in listed)
    problems.extend(
        f"the folder {name} is listed in the manifest but missing from the archive"
        for name in manifest["directories"]
        if name not in folders
    )
    if manifest["file_count"] != len(files):
        problems.append(f"the manifest counts {manifest['file_count']} files, the archive holds {len(files)}")
    if manifest["total_bytes"] != size:
        problems.append(f"the manifest counts {manifest['total_bytes']} bytes, the archive holds {size}")
    return problems, len(files), size


def _parse_manifest(data: bytes) -> dict[str, Any]:
    """The manifest's fields, type-checked; ValueError says what is wrong."""
    manifest = json.loads(data.decode("utf-8"))
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise ValueError("not a monitor_app backup manifest")
    if not isinstance(manifest.get("version"), int) or manifest["version"] > MANIFEST_VERSION:
        raise ValueError(f"manifest version {manifest.get('version')!r} is not supported")
    for key in ("file_count", "total_bytes"):
        if not _is_count(manifest.get(key)):
            raise ValueError(f"{key} is not a number")
    files = manifest.get("files")
    if not isinstance(files, list) or not all(
        isinstance(e, dict) and isinstance(e.get("path"), str) and _is_count(e.get("size"))
        and _is_count(e.get("crc32"))
        for e in files
    ):
        raise ValueError("the file list is malformed")
    directories = manifest.get("directories", [])
    if not isinstance(directories, list) or not all(isinstance(d, str) for d in directories):
        raise ValueError("the folder list is malformed")
    manifest["directories"] = directories
    return manifest


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


# -- list and prune ----------------------------------------------------------------------------------------


def list_backups(destination: Path, prefix: str) -> list[BackupInfo]:
    """The backups named ``<prefix>-YYYYMMDD-HHMMSS[-N].zip`` in ``destination``, newest first.

    Partial archives, other prefixes and foreign files are ignored; a missing folder has no backups.
    """
    destination = Path(destination)
    pattern = re.compile(rf"{re.escape(prefix)}-(\d{{8}}-\d{{6}})(?:-(\d+))?\.zip")
    try:
        entries = list(os.scandir(destination))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise BackupError(f"cannot read the backup folder {destination}: {_why(exc)}") from exc
    found: list[tuple[datetime, int, BackupInfo]] = []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match is None:
            continue
        try:
            created = datetime.strptime(match[1], _STAMP)
            if not entry.is_file():
                continue
            size = entry.stat().st_size
        except (ValueError, OSError):  # an impossible date, or deleted meanwhile
            continue
        found.append((created, int(match[2] or 1), BackupInfo(Path(entry.path), created, size)))
    found.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [info for _, _, info in found]


def prune_backups(
    destination: Path,
    prefix: str,
    *,
    keep_last: int | None,
    keep_days: float | None,
    now: datetime | None = None,
) -> list[Path]:
    """Delete the backups that neither retention rule keeps; return the deleted paths.

    A backup is kept if it is among the ``keep_last`` newest OR younger than ``keep_days`` days (by the time
    in its name, compared with ``now``, local time). With both rules None nothing is deleted; the newest
    backup is never deleted. A backup that cannot be deleted (in use) is logged and left.
    """
    if keep_last is not None and keep_last < 0:
        raise ValueError(f"keep_last must be 0 or more, not {keep_last}")
    if keep_days is not None and not keep_days >= 0:
        raise ValueError(f"keep_days must be 0 or more, not {keep_days}")
    if keep_last is None and keep_days is None:
        return []
    moment = _local(now)
    deleted: list[Path] = []
    for index, info in enumerate(list_backups(destination, prefix)):
        if index == 0:
            continue
        if keep_last is not None and index < keep_last:
            continue
        if keep_days is not None and moment - info.created < timedelta(days=keep_days):
            continue
        try:
            info.path.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("could not delete the old backup %s: %s", info.path, _why(exc))
            continue
        deleted.append(info.path)
    if deleted:
        log.info("pruned %d old backups from %s", len(deleted), destination)
    return deleted


# -- restore -----------------------------------------------------------------------------------------------


def restore_backup(
    archive: Path,
    target: Path,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    now: datetime | None = None,
) -> RestoreResult:
    """Replace the folder ``target`` with the contents of a backup (stop the program using it first).

    The archive is verified (a damaged or unsafe one is refused), extracted into a temporary folder next to
    ``target``, then ``target`` is renamed to ``<target>.before-restore-YYYYMMDD-HHMMSS`` (kept: renaming it
    back undoes the restore) and the extracted folder renamed into place. On any failure or cancel the
    temporary folder is removed and ``target`` is left as it was.

    Args:
        archive: A backup made by ``create_backup``.
        target: The folder to restore (created if missing).
        progress: ``progress(done, total)``: bytes verified, then bytes extracted (total counts both).
        cancelled: Polled often; True stops the restore and raises BackupCancelled.
        now: The time in the name of the kept folder (default: now).

    Raises:
        BackupNotFoundError, UnsafeArchiveError, ArchiveDamagedError, DiskFullError, RestoreError,
        BackupCancelled.
    """
    started = time.monotonic()
    archive, target = Path(archive), Path(target)
    moment = _local(now)
    if not archive.is_file():
        raise BackupNotFoundError(f"the backup {archive} does not exist")
    if not target.name:
        raise RestoreError(f"{target} cannot be replaced by a backup: choose a folder")
    if target.exists() and not target.is_dir():
        raise RestoreError(f"{target} is not a folder: nothing was restored")
    try:
        opened = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        problem = f"{archive.name} is not a readable zip archive ({exc})"
        raise ArchiveDamagedError(f"the backup is damaged and was not restored: {problem}", (problem,)) from exc
    parent = target.parent
    with opened:
        members = opened.infolist()
        unsafe = tuple(f"{m.filename!r}: {reason}" for m in members if (reason := _unsafe_name(m.filename)))
        if unsafe:
            raise UnsafeArchiveError(
                f"the backup {archive.name} was refused: it holds names outside the folder "
                f"({'; '.join(unsafe[:3])}); nothing was restored",
                unsafe,
            )
        verify_bytes = sum(m.file_size for m in members if not m.is_dir())
        extract_bytes = sum(m.file_size for m in members if not m.is_dir() and m.filename != MANIFEST_NAME)
        tracker = _Tracker(progress, cancelled, verify_bytes + extract_bytes, "restore")
        tracker.check()
        tracker.report(0)
        problems, _, _ = _verify_open(opened, tracker.report, tracker.check)
        if problems:
            more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
            raise ArchiveDamagedError(
                f"the backup {archive.name} is damaged and was not restored: {problems[0]}{more}", tuple(problems)
            )
        after = f"the partly restored files were removed and {target} was not changed"
        try:
            parent.mkdir(parents=True, exist_ok=True)
            staging = _make_staging(target, moment)
        except OSError as exc:
            raise _restore_failure(exc, parent, f"{target} was not changed") from exc
        try:
            files, size = _extract(opened, members, staging, tracker, verify_bytes)
            tracker.check()  # the last moment a cancel leaves everything as it was
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if isinstance(exc, OSError):
                raise _restore_failure(exc, parent, after) from exc
            raise
    previous = _swap(staging, target, moment)
    _fsync_dir(parent)
    tracker.report(tracker.total)
    result = RestoreResult(target, previous, files, size, time.monotonic() - started)
    log.info("restored %s into %s (%d files; the previous folder is %s)", archive, target, files, previous)
    return result


def _extract(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], staging: Path, tracker: "_Tracker", offset: int
) -> tuple[int, int]:
    """Write every member but the manifest under ``staging``; the file count and bytes written."""
    root = staging.resolve()
    files = done = 0
    for member in members:
        tracker.check()
        if member.filename == MANIFEST_NAME:
            continue
        path = staging.joinpath(*member.filename.rstrip("/").split("/"))
        if _unsafe_name(member.filename) or not path.resolve().is_relative_to(root):
            raise UnsafeArchiveError(f"{member.filename!r} would be written outside the folder")
        if member.is_dir():
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(member) as data, _open_output(path) as out:
            while chunk := data.read(_CHUNK_SIZE):
                tracker.check()
                out.write(chunk)
                done += len(chunk)
                tracker.report(offset + done)
            out.flush()
            os.fsync(out.fileno())
        try:
            stamp = time.mktime((*member.date_time, 0, 0, -1))
            os.utime(path, (stamp, stamp))
        except (OverflowError, ValueError, OSError):
            pass  # the file is right; only its date is not
        files += 1
    return files, done


def _swap(staging: Path, target: Path, moment: datetime) -> Path | None:
    """Move ``target`` aside and ``staging`` into its place; on failure put everything back."""
    previous = None
    if os.path.lexists(target):
        previous = _free_sibling(target, f"{target.name}.before-restore-{moment.strftime(_STAMP)}")
        try:
            _rename(target, previous)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise RestoreError(
                f"could not move {target} aside ({_why(exc)}): is the program still running? Nothing was restored"
            ) from exc
    try:
        _rename(staging, target)
    except OSError as exc:
        if previous is not None:
            try:
                _rename(previous, target)
            except OSError as undo:
                raise RestoreError(
                    f"could not put the restored files in place ({_why(exc)}) nor move the original folder back "
                    f"({_why(undo)}): the original is in {previous}, the restored files are in {staging}"
                ) from exc
        shutil.rmtree(staging, ignore_errors=True)
        raise RestoreError(
            f"could not put the restored files in place ({_why(exc)}); {target} was not changed"
        ) from exc
    return previous


def _make_staging(target: Path, moment: datetime) -> Path:
    """A new hidden folder next to ``target`` (same disk, so the swap is a rename), with its permissions."""
    while True:
        staging = _free_sibling(target, f".{target.name}.restoring-{moment.strftime(_STAMP)}")
        try:
            staging.mkdir()
            break
        except FileExistsError:
            continue  # another restore took the name meanwhile
    if target.is_dir():
        with contextlib.suppress(OSError):
            os.chmod(staging, stat.S_IMODE(target.stat().st_mode))
    return staging


def _free_sibling(path: Path, name: str) -> Path:
    candidate = path.with_name(name)
    number = 2
    while os.path.lexists(candidate):
        candidate = path.with_name(f"{name}-{number}")
        number += 1
    return candidate


# -- helpers -----------------------------------------------------------------------------------------------


class _Tracker:
    """Progress (clamped, never decreasing, repeated values dropped) and cancellation of one run."""

    def __init__(self, progress: Progress | None, cancelled: Cancelled | None, total: int, activity: str) -> None:
        self._progress = progress
        self._cancelled = cancelled
        self._activity = activity
        self._done: int | None = None
        self.total = total

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise BackupCancelled(f"the {self._activity} was cancelled")

    def report(self, done: int) -> None:
        done = min(max(done, self._done or 0), self.total)
        if done == self._done:
            return
        self._done = done
        if self._progress is not None:
            self._progress(done, self.total)


def _unsafe_name(name: str) -> str | None:
    """Why an archive member name could land outside the folder it is extracted into (None: it cannot)."""
    if not name:
        return "empty name"
    if "\x00" in name:
        return "NUL character"
    if "\\" in name:
        return "backslash"
    if name.startswith("/"):
        return "absolute path"
    if ":" in name:
        return "drive letter or colon"
    parts = name.removesuffix("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "'..', '.' or empty path component"
    return None


def _folder_entry(name: str, source: Path) -> zipfile.ZipInfo:
    """The archive entry of the folder ``name`` (ends with "/"), dated like the folder."""
    try:
        info = os.stat(source / name)
        when, mode = _zip_time(info.st_mtime), stat.S_IMODE(info.st_mode)
    except OSError:
        when, mode = time.localtime()[:6], 0o755
    entry = zipfile.ZipInfo(name, date_time=when)
    entry.external_attr = ((stat.S_IFDIR | mode) << 16) | 0x10  # 0x10: MS-DOS directory flag
    entry.CRC = entry.compress_size = entry.file_size = 0
    return entry


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _is_within(path: Path, folder: Path) -> bool:
    resolved = path.resolve()
    return resolved.is_relative_to(folder.resolve())


def _local(now: datetime | None) -> datetime:
    """``now`` as naive local time (the clock in file names)."""
    if now is None:
        return datetime.now().replace(microsecond=0)
    if now.tzinfo is not None:
        return now.astimezone().replace(tzinfo=None)
    return now


def _zip_time(timestamp: float) -> tuple[int, int, int, int, int, int]:
    try:
        year, month, day, hour, minute, second = time.localtime(timestamp)[:6]
    except (OverflowError, OSError, ValueError):
        return (1980, 1, 1, 0, 0, 0)
    if year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    if year > 2107:
        return (2107, 12, 31, 23, 59, 58)
    return (year, month, day, hour, minute, second)


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _is_disk_full(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)) or (
        getattr(exc, "winerror", None) in _WINDOWS_DISK_FULL
    )


def _write_failure(exc: OSError, where: Path, after: str) -> BackupError:
    if _is_disk_full(exc):
        return DiskFullError(f"not enough space on {where}: {after}")
    if isinstance(exc, PermissionError):
        return DestinationNotWritableError(f"cannot write in {where} ({_why(exc)}): {after}")
    return BackupError(f"could not write the backup in {where} ({_why(exc)}): {after}")


def _restore_failure(exc: OSError, where: Path, after: str) -> BackupError:
    if _is_disk_full(exc):
        return DiskFullError(f"not enough space on {where}: {after}")
    return RestoreError(f"could not restore into {where} ({_why(exc)}): {after}")


def _rename(source: Path, target: Path) -> None:
    """``os.rename`` (fails rather than replaces on Windows), retried while Windows says a file is busy."""
    for attempt in range(_RENAME_ATTEMPTS):
        try:
            os.rename(source, target)
            return
        except PermissionError:
            if attempt == _RENAME_ATTEMPTS - 1:
                raise
            time.sleep(_RETRY_DELAY_SECONDS)


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        log.warning("could not remove the partial backup %s: %s", path, _why(exc))


def _fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (POSIX; Windows cannot open a folder and does not need it)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
