"""Follow log files like ``tail -F``: new lines from every file matching a set of paths or globs.

``LogFollower.poll()`` reads what is new since the previous call and returns it as frozen ``LogLine`` values;
the caller drives it (a timer in the plugin's worker thread, e.g. every 100 ms). Nothing here starts a thread
except the optional ``wake_on_change`` watcher, and memory stays bounded whatever the input rate: each poll
reads at most ``max_read_bytes`` per file (``behind`` says more is waiting), a line is cut at
``max_line_bytes``, and only the last ``ring_lines`` lines (and at most ``ring_chars`` characters) are kept for
the panel (``tail``, ``search``); the file itself is never held in memory.

File identity. A followed file is known by what it *is*, not by its name, so renames and re-creations are
told apart from appends:

- POSIX: ``(st_dev, st_ino)``. Files are kept open between polls, which also keeps a rotated or deleted
  file's inode alive (so it cannot be reused for the replacement while we still read the old one) and lets the
  remainder of a renamed or deleted file be read to its end. At most 64 are held: beyond that the
  longest-idle ones are closed and opened again when their ``stat`` changes (a folder of old backups must not
  use up the descriptors); a closed file renamed away is found again by its identity in its folder.
- Windows: ``os.stat`` fills ``st_dev`` with the volume serial number and ``st_ino`` with the NTFS/ReFS file
  index (up to 128 bits since Python 3.12), so the same ``(st_dev, st_ino)`` key works. File indexes carry a
  sequence number, so a deleted-and-recreated ``Pal.log`` gets a new one. Where the file system has no file
  index (``st_ino == 0``: FAT32, some network shares) the key falls back to ``(path, creation time)``. That
  fallback is weaker: Windows "file tunnelling" gives a file created under a just-deleted or renamed name the
  old file's creation time for ~15 s, so a rotation there looks like a truncation (reading still restarts at
  0; only the marker differs).
- On Windows files are *not* kept open between polls: ``open()`` does not share delete access, so holding a
  log open would make the server's own rotation (rename or delete) fail. Each poll opens the files it reads
  with ``FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE`` and closes them again, and the size comes
  from the open handle (``fstat``), because a directory entry's size lags behind a file another process is
  writing (python/cpython#85278). A file renamed away is found again by its identity in its folder and read
  to the end; idle files are opened only when their ``stat`` changes, plus once a second as a sweep.

Events handled at each poll: appends; rotation by rename (the old file is finished first, then the file
that now has the name is read from 0, after a ``ROTATED`` marker); copy-truncate and truncation (size below
what was read, or the bytes just before the read position changed: read again from 0 after a ``TRUNCATED``
marker); files appearing for a glob (from 0 if they appeared after the follower started, else from the end
when ``start_at_end``); deleted files (dropped). A partial last line is kept until its newline arrives, until
it reaches ``max_line_bytes`` (then it is cut, ``capped=True``, and the rest up to the newline skipped), or
until it has not grown for ``partial_timeout_s`` (a crashing server's last words often lack the newline).

Decoding, per line and never raising: UTF-8 (strict), else the fallback code page (strict), else UTF-8 with
U+FFFD replacement characters. The fallback defaults to the system's ANSI code page (cp949 on Korean
Windows), so UTF-8 and legacy lines may even be mixed in one file. NUL bytes are dropped (a copy-truncate
against a writer without ``O_APPEND`` leaves a hole of zeros). UTF-16 logs are not supported.

Threads: ``poll``, ``close`` and ``wake_on_change`` belong to one thread (the worker's). ``tail``, ``search``
and ``clear`` only touch the ring under a lock and may be called from any thread.
"""

import codecs
import fnmatch
import glob
import locale
import logging
import os
import re
import stat
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import BinaryIO, Self

log = logging.getLogger(__name__)

DEFAULT_MAX_LINE_BYTES = 64 * 1024
DEFAULT_RING_LINES = 5_000
DEFAULT_RING_CHARS = 4_000_000
DEFAULT_MAX_READ_BYTES = 1024 * 1024
DEFAULT_PARTIAL_TIMEOUT_S = 2.0

#: Bytes just before the read position remembered per file: if they change, the file was rewritten.
_SIGNATURE_BYTES = 16
#: Reopen mode: a file that gave data this recently is read at every poll, whatever its ``stat`` says.
_HOT_S = 10.0
#: Reopen mode: every n-th poll opens every file (a directory entry may lag behind an open file's size).
_SWEEP_EVERY = 10
#: Reads (of ``max_read_bytes``) spent finishing a file renamed away or deleted, at most.
_DRAIN_READS = 16
#: Hold mode: files kept open at most; the longest-idle ones beyond this are closed until they change.
_MAX_HELD = 64
#: Paths remembered to tell "a new file under a followed name" (rotation) from "a new name".
_KNOWN_PATHS = 1024
#: A folder given as a pattern means this glob inside it.
_FOLDER_GLOB = "*.log"

_TRUNCATED_TEXT = "(file truncated: reading from the start)"
_ROTATED_TEXT = "(new file under this name: reading from the start)"

type FileId = tuple[object, ...]


class LineKind(StrEnum):
    """What a ``LogLine`` is. Only ``TEXT`` lines come from the file; the others are markers for the panel
    (their ``text`` is a short English note; a UI shows its own translated wording by ``kind``)."""

    TEXT = "text"
    TRUNCATED = "truncated"
    ROTATED = "rotated"


@dataclass(frozen=True, slots=True)
class LogLine:
    """One line of a followed file.

    Attributes:
        path: The followed path it belongs to (for the remainder of a rotated file: the name it was followed
            under, not the name it was renamed to).
        text: The decoded line without its line ending.
        time: Wall-clock time (``time.time()``) of the poll that read it; files do not say when a line was
            written.
        kind: ``TEXT``, or a marker (``TRUNCATED``, ``ROTATED``).
        capped: The line was longer than ``max_line_bytes`` and was cut there.
    """

    path: str
    text: str
    time: float
    kind: LineKind = LineKind.TEXT
    capped: bool = False


def system_fallback_encoding() -> str:
    """The code page legacy programs write in: the ANSI code page on Windows (``cp949`` in Korean), else the
    locale's encoding; ``latin-1`` when that is UTF-8 or ASCII (they add nothing after a UTF-8 attempt).

    ``locale.getencoding()`` rather than ``getpreferredencoding(False)``: the latter answers ``utf-8`` in
    Python's UTF-8 mode (``PYTHONUTF8=1``) even on a cp949 system, and the server's log does not care about our
    mode.
    """
    try:
        name = codecs.lookup(locale.getencoding()).name
    except LookupError:
        return "latin-1"
    return "latin-1" if name in ("utf-8", "ascii") else name


def decode_line(raw: bytes, fallback: str, *, complete: bool = True) -> str:
    """Decode one line: UTF-8, else ``fallback``, else UTF-8 with replacement characters. Never raises.

    ``complete=False`` is for a line cut at an arbitrary byte: an incomplete character at its very end is
    dropped instead of failing the strict attempts.
    """
    for encoding in ("utf-8", fallback):
        try:
            if complete:
                return raw.decode(encoding)
            return codecs.getincrementaldecoder(encoding)().decode(raw, final=False)
        except (UnicodeError, LookupError):
            continue
    return raw.decode("utf-8", errors="replace")


def file_identity(path: str, st: os.stat_result) -> FileId:
    """``(st_dev, st_ino)``, or ``(path, creation time)`` where the file system has no file index."""
    if st.st_ino:
        return (st.st_dev, st.st_ino)
    born = getattr(st, "st_birthtime_ns", None) or st.st_ctime_ns
    return (os.path.normcase(path), born)


def _check_encoding(name: str) -> str:
    try:
        canonical = codecs.lookup(name).name
        b"x".decode(canonical)  # rejects bytes-to-bytes codecs such as "hex" or "base64"
    except (LookupError, UnicodeError, TypeError) as err:
        raise ValueError(f"unknown or unusable text encoding {name!r}: {err}") from err
    return canonical


def _is_glob(pattern: str) -> bool:
    return any(char in pattern for char in "*?[")


def _normalize_pattern(pattern: str) -> str:
    """An absolute glob. Whatever exists literally is escaped, so that ``D:\\[KR] 서버\\Pal.log`` is a path
    and not a character class; a folder means its ``*.log``."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise ValueError(f"a log pattern must be a non-empty path or glob, not {pattern!r}")
    path = os.path.abspath(os.path.expanduser(pattern))
    if os.path.isdir(path) or (not _is_glob(path) and pattern.endswith(("/", os.sep))):
        return os.path.join(glob.escape(path), _FOLDER_GLOB)
    if os.path.exists(path):
        return glob.escape(path)
    rest: list[str] = []
    folder = path
    while True:
        parent, name = os.path.split(folder)
        if not name or parent == folder:
            return path
        rest.append(name)
        folder = parent
        if os.path.isdir(folder):
            return os.path.join(glob.escape(folder), *reversed(rest))


_ESCAPED = re.compile(r"\[([*?\[])\]")


def _literal(part: str) -> str | None:
    """A path component without glob magic (escapes such as ``[[]`` undone), or None if it has some."""
    if _is_glob(_ESCAPED.sub("", part)):
        return None
    return _ESCAPED.sub(r"\1", part)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import ctypes
    import msvcrt
    from ctypes import wintypes

    _kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    _create_file = _kernel32.CreateFileW
    _create_file.argtypes = [
        wintypes.LPCWSTR,
        wintypes.DWORD,
        wintypes.DWORD,
        wintypes.LPVOID,
        wintypes.DWORD,
        wintypes.DWORD,
        wintypes.HANDLE,
    ]
    _create_file.restype = wintypes.HANDLE
    _close_handle = _kernel32.CloseHandle
    _close_handle.argtypes = [wintypes.HANDLE]
    _GENERIC_READ = 0x80000000
    _SHARE_ALL = 0x1 | 0x2 | 0x4  # FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE
    _OPEN_EXISTING = 3
    _FILE_ATTRIBUTE_NORMAL = 0x80
    _INVALID_HANDLE = ctypes.c_void_p(-1).value

    def _open_for_reading(path: str) -> BinaryIO:
        """Open without blocking the writer's rename or delete (Python's ``open`` does not share delete)."""
        handle = _create_file(path, _GENERIC_READ, _SHARE_ALL, None, _OPEN_EXISTING, _FILE_ATTRIBUTE_NORMAL, None)
        if handle is None or handle == _INVALID_HANDLE:
            raise ctypes.WinError(ctypes.get_last_error())
        try:
            fd = msvcrt.open_osfhandle(handle, os.O_RDONLY | os.O_BINARY)
        except OSError:
            _close_handle(handle)
            raise
        return open(fd, "rb", buffering=0)

else:

    def _open_for_reading(path: str) -> BinaryIO:
        return open(path, "rb", buffering=0)


def _read_up_to(fh: BinaryIO, count: int) -> bytes:
    chunks: list[bytes] = []
    while count > 0:
        chunk = fh.read(count)
        if not chunk:
            break
        chunks.append(chunk)
        count -= len(chunk)
    return b"".join(chunks)


class _Followed:
    """Reading state of one file (by identity)."""

    __slots__ = (
        "active_at",
        "continued",
        "discarding",
        "fh",
        "ident",
        "offset",
        "partial",
        "partial_at",
        "path",
        "signature",
        "stamp",
    )

    def __init__(self, path: str, ident: FileId) -> None:
        self.path = path
        self.ident = ident
        self.offset = 0  # bytes consumed: emitted lines plus ``partial``
        self.signature = b""  # the last bytes before ``offset``
        self.partial = b""  # an incomplete last line
        self.partial_at = 0.0  # clock time ``partial`` last grew
        self.discarding = False  # skipping the rest of a capped line up to its newline
        self.continued = False  # ``partial`` was emitted on timeout: a bare newline next ends it, no blank line
        self.fh: BinaryIO | None = None  # kept open in hold mode only
        self.stamp: tuple[int, int] | None = None  # (size, mtime_ns) of the last stat, reopen mode
        self.active_at = float("-inf")  # clock time data was last read

    def close(self) -> None:
        if self.fh is not None:
            try:
                self.fh.close()
            except OSError:
                pass
            self.fh = None


class ChangeWaker:
    """Calls ``callback`` soon after a followed file changes, from watchdog's observer thread.

    A hint only: polling stays the guarantee. Events closer together than ``min_interval_s`` are coalesced
    (the last of a burst may be dropped; the next timed poll picks its data up). On Windows the directory
    watch reports appends to a file held open by its writer lazily, so expect wake-ups for created, renamed
    and deleted files mostly. The callback must be thread-safe (e.g. emit a queued Qt signal).
    """

    def __init__(self, patterns: Iterable[str], callback: Callable[[], None], min_interval_s: float) -> None:
        from watchdog.events import (
            FileClosedEvent,
            FileCreatedEvent,
            FileDeletedEvent,
            FileModifiedEvent,
            FileMovedEvent,
            FileSystemEvent,
            FileSystemEventHandler,
        )
        from watchdog.observers import Observer

        patterns = list(patterns)
        # fnmatch's "*" crosses folders, but "a/**/*.log" must also match "a/x.log" as glob's does.
        doubled = f"**{os.sep}"
        self._patterns = [os.path.normcase(p) for p in patterns]
        self._patterns += [p.replace(doubled, "") for p in self._patterns if doubled in p]
        self._callback = callback
        self._min_interval_s = min_interval_s
        self._last = float("-inf")
        waker = self

        class _Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                waker._on_event(event.src_path, getattr(event, "dest_path", ""))

        # Not "opened"/"closed without writing": our own reads would wake us in a loop.
        only = [FileCreatedEvent, FileModifiedEvent, FileMovedEvent, FileDeletedEvent, FileClosedEvent]
        self._observer = Observer()
        self._observer.daemon = True
        watched: set[tuple[str, bool]] = set()
        for pattern in patterns:
            folder, recursive = _watch_root(pattern)
            if (folder, recursive) in watched or not os.path.isdir(folder):
                continue
            watched.add((folder, recursive))
            self._observer.schedule(_Handler(), folder, recursive=recursive, event_filter=only)
        self.folders = sorted(folder for folder, _ in watched)

    def start(self) -> None:
        self._observer.start()

    def stop(self) -> None:
        """Stop watching and wait (briefly) for the observer thread."""
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)

    def _on_event(self, *paths: object) -> None:
        if not any(isinstance(p, str) and p and self._matches(p) for p in paths):
            return
        now = time.monotonic()
        if now - self._last < self._min_interval_s:
            return
        self._last = now
        try:
            self._callback()
        except Exception:  # a failing callback must not kill the observer thread
            log.exception("log watcher wake-up callback failed")

    def _matches(self, path: str) -> bool:
        path = os.path.normcase(path)
        return any(fnmatch.fnmatch(path, pattern) for pattern in self._patterns)


def _watch_root(pattern: str) -> tuple[str, bool]:
    """The folder to watch for a pattern: its longest glob-free leading part; recursive if more folders
    follow it in the pattern."""
    parts = pattern.split(os.sep)
    fixed: list[str] = []
    for part in parts[:-1]:
        literal = _literal(part)
        if literal is None:
            break
        fixed.append(literal)
    folder = os.sep.join(fixed) or os.sep
    recursive = len(fixed) < len(parts) - 1
    return folder, recursive


class LogFollower:
    """Follows every file matching ``patterns`` (paths, globs with ``*``/``?``/``[]``/``**``, or folders,
    which mean ``<folder>/*.log``).

    Args:
        patterns: Files, globs or folders. Relative paths and ``~`` are resolved once, now.
        start_at_end: Files that exist now are followed from their current end; with False, from their start.
            Files that appear later are always read from their start.
        encoding_fallback: Code page tried when a line is not UTF-8; default ``system_fallback_encoding()``.
        max_line_bytes: A longer line is cut there (``capped=True``) and the rest up to its newline skipped.
        ring_lines: Lines kept for ``tail``/``search``.
        ring_chars: Characters kept for ``tail``/``search`` (bounds the ring when lines are long).
        max_read_bytes: Bytes read per file per poll at most; more waiting sets ``behind``.
        partial_timeout_s: An incomplete last line that has not grown for this long is emitted as it is
            (None: wait for its newline forever).
        hold_open: Keep files open between polls (default: yes on POSIX, no on Windows; see the module doc).
        clock: Monotonic seconds, for the partial-line timeout and for telling idle files from active ones.

    Raises:
        ValueError: an empty pattern list, an empty pattern, an unknown encoding, a non-positive limit.
    """

    def __init__(
        self,
        patterns: list[str],
        *,
        start_at_end: bool = True,
        encoding_fallback: str | None = None,
        max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
        ring_lines: int = DEFAULT_RING_LINES,
        ring_chars: int = DEFAULT_RING_CHARS,
        max_read_bytes: int = DEFAULT_MAX_READ_BYTES,
        partial_timeout_s: float | None = DEFAULT_PARTIAL_TIMEOUT_S,
        hold_open: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(patterns, str):
            patterns = [patterns]
        if not patterns:
            raise ValueError("a log follower needs at least one path or glob")
        for name, value in (
            ("max_line_bytes", max_line_bytes),
            ("ring_lines", ring_lines),
            ("ring_chars", ring_chars),
            ("max_read_bytes", max_read_bytes),
        ):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, not {value!r}")
        if partial_timeout_s is not None and not partial_timeout_s > 0:
            raise ValueError(f"partial_timeout_s must be positive or None, not {partial_timeout_s!r}")
        self._patterns = list(dict.fromkeys(_normalize_pattern(p) for p in patterns))
        self._fallback = _check_encoding(encoding_fallback or system_fallback_encoding())
        self._max_line = max_line_bytes
        self._ring_lines = ring_lines
        self._ring_max_chars = ring_chars
        self._max_read = max_read_bytes
        self._partial_timeout_s = partial_timeout_s
        self._hold_open = os.name != "nt" if hold_open is None else hold_open
        self._clock = clock

        self._files: dict[FileId, _Followed] = {}
        self._known_paths: dict[str, None] = {}
        self._ring: deque[LogLine] = deque()
        self._ring_chars = 0
        self._ring_lock = threading.Lock()
        self._behind = False
        self._polls = 0
        self._warned: dict[str, str] = {}
        self._wakers: list[ChangeWaker] = []
        self._closed = False

        for ident, (path, st) in self._scan().items():
            followed = self._files[ident] = _Followed(path, ident)
            self._remember(path)
            try:
                if self._hold_open and len(self._files) <= _MAX_HELD:
                    fh = self._held(followed)  # held from now on: a file deleted before the first poll is read
                    size = os.fstat(fh.fileno()).st_size if fh is not None else 0
                else:
                    with _open_for_reading(path) as fh:
                        size = os.fstat(fh.fileno()).st_size
            except OSError as err:  # e.g. a sharing violation: its stat is the best guess of its end
                self._warn(path, err)
                size = st.st_size
            if start_at_end:
                followed.offset = size
                followed.stamp = (st.st_size, st.st_mtime_ns)
        log.debug("following %s: %d file(s)", self._patterns, len(self._files))

    # -- the worker's side -------------------------------------------------------------------------------

    @property
    def patterns(self) -> list[str]:
        """The absolute globs followed: folders turned into ``<folder>/*.log``, the part that existed at the
        start escaped (``[`` as ``[[]``)."""
        return list(self._patterns)

    @property
    def encoding_fallback(self) -> str:
        return self._fallback

    @property
    def behind(self) -> bool:
        """The last poll left data unread (``max_read_bytes``): poll again soon instead of waiting a tick."""
        return self._behind

    def followed(self) -> list[str]:
        """The paths followed right now."""
        return sorted(f.path for f in self._files.values())

    def poll(self) -> list[LogLine]:
        """Read what is new in every matching file; also added to the ring. Never raises for file trouble
        (a file that cannot be read is logged once as a warning and tried again at the next poll)."""
        if self._closed:
            return []
        wall = time.time()
        now = self._clock()
        self._polls += 1
        self._behind = False
        out: list[LogLine] = []
        present = self._scan()
        for ident in [ident for ident in self._files if ident not in present]:
            self._retire(self._files.pop(ident), out, wall, now)
        for ident, (path, st) in present.items():
            followed = self._files.get(ident)
            if followed is None:
                followed = self._files[ident] = _Followed(path, ident)
                if path in self._known_paths:
                    out.append(LogLine(path, _ROTATED_TEXT, wall, LineKind.ROTATED))
                log.info("following new log file %s", path)
            elif followed.path != path:
                log.info("log file %s was renamed to %s; still following it", followed.path, path)
                followed.path = path
            self._remember(path)
            try:
                self._read(followed, st, out, wall, now)
            except OSError as err:
                followed.close()
                self._warn(path, err)
            else:
                self._warned.pop(path, None)
        if self._hold_open:
            self._release_idle(now)
        if self._partial_timeout_s is not None:
            for followed in self._files.values():
                if followed.partial and now - followed.partial_at >= self._partial_timeout_s:
                    self._emit(followed, followed.partial, out, wall)
                    followed.partial = b""
                    followed.continued = True
        if out:
            self._append_to_ring(out)
        return out

    def wake_on_change(self, callback: Callable[[], None], *, min_interval_s: float = 0.02) -> ChangeWaker:
        """Call ``callback`` (from watchdog's thread) when a followed file or folder changes, so the caller
        can poll at once instead of at its next tick; ``close()`` stops it. Folders that do not exist yet are
        not watched (polling still finds files in them)."""
        waker = ChangeWaker(self._patterns, callback, min_interval_s)
        waker.start()
        self._wakers.append(waker)
        return waker

    def close(self) -> None:
        """Close every file and stop the change watchers. Further polls return nothing."""
        self._closed = True
        for waker in self._wakers:
            waker.stop()
        self._wakers.clear()
        for followed in self._files.values():
            followed.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the panel's side (any thread) -------------------------------------------------------------------

    def tail(self, n: int | None = None) -> list[LogLine]:
        """The last ``n`` lines of the ring (all of it with None), oldest first."""
        with self._ring_lock:
            lines = list(self._ring)
        if n is None:
            return lines
        return lines[-n:] if n > 0 else []

    def search(self, query: str | re.Pattern[str], limit: int = 200) -> list[LogLine]:
        """The newest ``limit`` text lines of the ring containing ``query`` (case-insensitive) or, for a
        compiled pattern, matching it (``pattern.search``); oldest first."""
        if isinstance(query, re.Pattern):
            pattern = query

            def matches(text: str) -> bool:
                return pattern.search(text) is not None

        else:
            needle = str(query).casefold()

            def matches(text: str) -> bool:
                return needle in text.casefold()

        with self._ring_lock:
            lines = list(self._ring)
        hits: list[LogLine] = []
        if limit < 1:
            return hits
        for line in reversed(lines):
            if line.kind is LineKind.TEXT and matches(line.text):
                hits.append(line)
                if len(hits) >= limit:
                    break
        hits.reverse()
        return hits

    def clear(self) -> None:
        """Empty the ring (following goes on)."""
        with self._ring_lock:
            self._ring.clear()
            self._ring_chars = 0

    # -- internals ---------------------------------------------------------------------------------------

    def _scan(self) -> dict[FileId, tuple[str, os.stat_result]]:
        present: dict[FileId, tuple[str, os.stat_result]] = {}
        for pattern in self._patterns:
            paths = sorted(glob.glob(pattern, recursive=True)) if _is_glob(pattern) else [pattern]
            for path in paths:
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):
                    present.setdefault(file_identity(path, st), (path, st))
        return present

    def _remember(self, path: str) -> None:
        known = self._known_paths
        known.pop(path, None)
        known[path] = None
        if len(known) > _KNOWN_PATHS:
            del known[next(iter(known))]

    def _held(self, followed: _Followed) -> BinaryIO | None:
        """Hold mode: the open file, opened now if needed (None if the name now holds another file)."""
        if followed.fh is None:
            fh = _open_for_reading(followed.path)
            st = os.fstat(fh.fileno())
            if file_identity(followed.path, st) != followed.ident:
                fh.close()  # replaced between the scan and the open: the next poll sorts it out
                return None
            followed.fh = fh
        return followed.fh

    def _read(self, followed: _Followed, st: os.stat_result, out: list[LogLine], wall: float, now: float) -> None:
        stamp = (st.st_size, st.st_mtime_ns)
        if followed.fh is not None:
            self._read_new(followed, followed.fh, out, wall, now)
        else:
            idle = now - followed.active_at > _HOT_S
            sweep = not self._hold_open and self._polls % _SWEEP_EVERY == 0
            if stamp == followed.stamp and idle and not sweep:
                return
            if self._hold_open:
                fh = self._held(followed)
                if fh is None:
                    return
                self._read_new(followed, fh, out, wall, now)
            else:
                with _open_for_reading(followed.path) as fh:
                    self._read_new(followed, fh, out, wall, now)
        followed.stamp = stamp  # only once read: a file that failed to open is tried again next time

    def _release_idle(self, now: float) -> None:
        """Hold mode: close the longest-idle files beyond ``_MAX_HELD`` (a folder of old logs must not use up
        the process's descriptors); they are opened again when their ``stat`` changes."""
        held = [f for f in self._files.values() if f.fh is not None]
        if len(held) <= _MAX_HELD:
            return
        held.sort(key=lambda f: f.active_at)
        for followed in held[: len(held) - _MAX_HELD]:
            if now - followed.active_at <= _HOT_S:
                break
            followed.close()

    def _read_new(self, followed: _Followed, fh: BinaryIO, out: list[LogLine], wall: float, now: float) -> bool:
        """Read up to ``max_read_bytes`` of new data; True if anything was read."""
        size = os.fstat(fh.fileno()).st_size
        if size < followed.offset:
            self._restart(followed, out, wall)
        if size <= followed.offset:
            return False
        signature = followed.signature
        budget = min(size - followed.offset, self._max_read)
        fh.seek(followed.offset - len(signature))
        data = _read_up_to(fh, len(signature) + budget)
        if signature:
            if data[: len(signature)] == signature:
                data = data[len(signature):]
            else:  # rewritten in place (truncated, then grown past where we were): start over
                self._restart(followed, out, wall)
                fh.seek(0)
                data = _read_up_to(fh, min(size, self._max_read))
        if not data:
            return False
        followed.offset += len(data)
        followed.signature = (followed.signature + data)[-_SIGNATURE_BYTES:]
        followed.active_at = now
        if followed.offset < size:
            self._behind = True
        self._split(followed, data, out, wall, now)
        return True

    def _restart(self, followed: _Followed, out: list[LogLine], wall: float) -> None:
        log.info("log file %s was truncated; reading it from the start", followed.path)
        out.append(LogLine(followed.path, _TRUNCATED_TEXT, wall, LineKind.TRUNCATED))
        followed.offset = 0
        followed.signature = b""
        followed.partial = b""
        followed.discarding = False
        followed.continued = False

    def _split(self, followed: _Followed, data: bytes, out: list[LogLine], wall: float, now: float) -> None:
        if b"\0" in data:
            data = data.replace(b"\0", b"")
        buffer = followed.partial + data if followed.partial else data
        pieces = buffer.split(b"\n")
        rest = pieces.pop()
        if followed.continued and pieces and pieces[0] in (b"", b"\r"):
            del pieces[0]
        followed.continued = False
        for raw in pieces:
            if followed.discarding:  # the end of a capped line
                followed.discarding = False
                continue
            self._emit(followed, raw, out, wall)
        if followed.discarding:
            rest = b""
        elif len(rest) > self._max_line:
            self._emit(followed, rest, out, wall)
            followed.discarding = True
            rest = b""
        followed.partial = rest
        followed.partial_at = now

    def _emit(self, followed: _Followed, raw: bytes, out: list[LogLine], wall: float) -> None:
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        capped = len(raw) > self._max_line
        if capped:
            raw = raw[: self._max_line]
        text = decode_line(raw, self._fallback, complete=not capped).removeprefix("\ufeff")
        out.append(LogLine(followed.path, text, wall, LineKind.TEXT, capped))

    def _retire(self, followed: _Followed, out: list[LogLine], wall: float, now: float) -> None:
        """The file left the matching set (renamed away or deleted): read what is left of it, then drop it."""
        try:
            if followed.fh is not None:
                self._drain(followed, followed.fh, out, wall, now)
            else:
                moved = self._locate(followed)
                if moved is not None:
                    with _open_for_reading(moved) as fh:
                        self._drain(followed, fh, out, wall, now)
        except OSError as err:
            log.debug("could not finish %s: %s", followed.path, err)
        finally:
            followed.close()
        if followed.partial and not followed.discarding:
            self._emit(followed, followed.partial, out, wall)
        self._warned.pop(followed.path, None)
        log.info("stopped following log file %s (renamed away or deleted)", followed.path)

    def _drain(self, followed: _Followed, fh: BinaryIO, out: list[LogLine], wall: float, now: float) -> None:
        behind = self._behind
        for _ in range(_DRAIN_READS):
            if not self._read_new(followed, fh, out, wall, now):
                break
        self._behind = behind

    def _locate(self, followed: _Followed) -> str | None:
        """Where a file not held open went when it left its followed name (same folder, same identity)."""
        folder = os.path.dirname(followed.path)
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        if not entry.is_file():
                            continue
                        st = os.stat(entry.path)
                    except OSError:
                        continue
                    if file_identity(entry.path, st) == followed.ident:
                        return entry.path
        except OSError:
            return None
        return None

    def _append_to_ring(self, lines: list[LogLine]) -> None:
        if len(lines) > self._ring_lines:
            lines = lines[-self._ring_lines:]
        with self._ring_lock:
            ring = self._ring
            ring.extend(lines)
            self._ring_chars += sum(len(line.text) for line in lines)
            while len(ring) > self._ring_lines or (self._ring_chars > self._ring_max_chars and len(ring) > 1):
                self._ring_chars -= len(ring.popleft().text)

    def _warn(self, path: str, err: OSError) -> None:
        text = f"{type(err).__name__}: {err.strerror or err}"
        if self._warned.get(path) != text:
            self._warned[path] = text
            log.warning("cannot read log file %s (%s); will keep trying", path, text)
