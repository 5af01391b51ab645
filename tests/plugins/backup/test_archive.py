"""Backups of a folder: round trip, progress, cancel, live files, damage, zip slip, pruning, full disks."""

import errno
import json
import os
import random
import struct
import zipfile
import zlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Self

import pytest

from plugins.backup import archive
from plugins.backup.archive import (
    MANIFEST_NAME,
    ArchiveDamagedError,
    BackupCancelled,
    BackupError,
    BackupNotFoundError,
    DestinationNotWritableError,
    DiskFullError,
    RestoreError,
    SourceMissingError,
    UnsafeArchiveError,
    create_backup,
    list_backups,
    prune_backups,
    restore_backup,
    verify_backup,
)

NOW = datetime(2024, 5, 1, 12, 34, 56)


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Retries happen at once, and small chunks make many progress steps from small files."""
    monkeypatch.setattr(archive, "_RETRY_DELAY_SECONDS", 0.0)
    monkeypatch.setattr(archive, "_CHUNK_SIZE", 4096)


def tree(root: Path) -> dict[str, bytes | None]:
    """Every folder (None) and file (its bytes) under ``root``, by relative path."""
    found: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        found[rel] = None if path.is_dir() else path.read_bytes()
    return found


def write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def noise(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    """A Palworld-like save folder: nested folders, binary and Korean names, empty folders, an empty file."""
    root = tmp_path / "Pal" / "Saved"
    write(root, {
        "SaveGames/0/4F1C/Level.sav": noise(50_000, 1),
        "SaveGames/0/4F1C/Players/00000001.sav": noise(3_000, 2),
        "SaveGames/0/4F1C/LevelMeta.sav": b"\x00\x01\x02\xff" * 100,
        "세이브/월드 데이터.sav": noise(10_000, 3),
        "Config/WindowsServer/한글 설정.ini": "[서버]\nServerName=팰월드\n".encode(),
        "zero.bin": b"",
    })
    (root / "Logs" / "empty").mkdir(parents=True)
    (root / "비어 있음").mkdir()
    return root


def make_zip(path: Path, members: dict[str, bytes], manifest: dict[str, Any] | None | str = "auto") -> Path:
    """A hand-made archive; ``manifest="auto"`` adds one that matches the members exactly."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data)
        if manifest == "auto":
            files = [{"path": n, "size": len(d), "crc32": zlib.crc32(d)} for n, d in members.items()]
            manifest = {
                "format": "monitor_app-backup", "version": 1, "source": "x", "created": "2024-05-01T12:00:00",
                "file_count": len(files), "total_bytes": sum(len(d) for d in members.values()),
                "files": files, "directories": [],
            }
        if manifest is not None:
            zf.writestr(MANIFEST_NAME, json.dumps(manifest))
    return path


def flip_byte_in_member(path: Path, name: str) -> None:
    """Corrupt one byte in the middle of a member's stored data (its CRC no longer matches)."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    raw = bytearray(path.read_bytes())
    name_length, extra_length = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
    data_start = info.header_offset + 30 + name_length + extra_length
    raw[data_start + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(raw))


# -- round trip --------------------------------------------------------------------------------------------


def test_backup_verify_restore_round_trip(saved: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    result = create_backup(saved, backups, prefix="palworld", now=NOW)

    assert result.path == backups / "palworld-20240501-123456.zip"
    expected = tree(saved)
    files = {rel: data for rel, data in expected.items() if data is not None}
    assert result.files == len(files) == 6
    assert result.bytes == sum(len(d) for d in files.values())
    assert result.skipped == ()
    assert result.archive_bytes == result.path.stat().st_size
    assert sorted(p.name for p in backups.iterdir()) == [result.path.name]  # no partial, no spool left

    with zipfile.ZipFile(result.path) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read(MANIFEST_NAME))
    assert names[-1] == MANIFEST_NAME
    assert "세이브/월드 데이터.sav" in names and "Logs/empty/" in names and "비어 있음/" in names
    assert all(not n.startswith("/") and "\\" not in n and ".." not in n.split("/") for n in names)
    assert manifest["source"] == str(saved)
    assert manifest["file_count"] == 6 and manifest["total_bytes"] == result.bytes
    assert {e["path"]: (e["size"], e["crc32"]) for e in manifest["files"]} == {
        rel: (len(data), zlib.crc32(data)) for rel, data in files.items()
    }
    assert datetime.fromisoformat(manifest["created"]).replace(tzinfo=None) == NOW

    verdict = verify_backup(result.path)
    assert verdict.ok and verdict.problems == () and verdict.files == 6 and verdict.bytes == result.bytes

    target = tmp_path / "restore" / "Saved"
    write(target, {"old.sav": b"the world before", "SaveGames/0/4F1C/Level.sav": b"newer, but broken"})
    before = tree(target)
    restored = restore_backup(result.path, target, now=datetime(2024, 5, 2, 8, 0, 0))

    assert tree(target) == expected
    assert restored.previous == target.with_name("Saved.before-restore-20240502-080000")
    assert tree(restored.previous) == before  # kept: the restore itself can be undone
    assert restored.files == 6 and restored.bytes == result.bytes
    assert sorted(p.name for p in target.parent.iterdir()) == ["Saved", "Saved.before-restore-20240502-080000"]


def test_restore_into_a_missing_folder_creates_it(saved: Path, tmp_path: Path) -> None:
    result = create_backup(saved, tmp_path / "backups", prefix="pal", now=NOW)
    target = tmp_path / "new" / "place" / "Saved"
    restored = restore_backup(result.path, target)
    assert restored.previous is None
    assert tree(target) == tree(saved)


def test_names_are_unique_and_listed_newest_first(saved: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    first = create_backup(saved, backups, prefix="pal", now=NOW)
    second = create_backup(saved, backups, prefix="pal", now=NOW)
    later = create_backup(saved, backups, prefix="pal", now=NOW + timedelta(hours=1))
    assert second.path.name == "pal-20240501-123456-2.zip"
    listed = list_backups(backups, "pal")
    assert [b.path for b in listed] == [later.path, second.path, first.path]
    assert listed[0].created == NOW + timedelta(hours=1)
    assert listed[2].size == first.path.stat().st_size


def test_an_aware_time_is_named_in_local_time(saved: Path, tmp_path: Path) -> None:
    moment = datetime(2024, 5, 1, 3, 4, 5).astimezone()  # local, aware
    result = create_backup(saved, tmp_path / "b", prefix="pal", now=moment)
    assert result.path.name == "pal-20240501-030405.zip"


# -- progress and cancel -----------------------------------------------------------------------------------


def test_progress_is_monotonic_and_ends_at_the_total(saved: Path, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    result = create_backup(saved, tmp_path / "b", prefix="pal", now=NOW, progress=lambda d, t: calls.append((d, t)))

    assert len(calls) > 10  # 50 kB in 4 kB chunks
    assert {total for _, total in calls} == {result.bytes}
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[0] == 0 and done[-1] == result.bytes

    restore_calls: list[tuple[int, int]] = []
    restore_backup(result.path, tmp_path / "r", progress=lambda d, t: restore_calls.append((d, t)))
    total = restore_calls[-1][1]
    done = [d for d, _ in restore_calls]
    assert done == sorted(done) and done[-1] == total > result.bytes  # verification, then extraction
    assert {t for _, t in restore_calls} == {total}


def test_cancel_midway_leaves_no_archive(saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "_SPOOL_IN_MEMORY", 1024)  # spool big files on disk too
    backups = tmp_path / "backups"
    seen: list[int] = []
    total = sum(len(d) for d in tree(saved).values() if d)

    with pytest.raises(BackupCancelled, match="cancelled"):
        create_backup(
            saved, backups, prefix="pal", now=NOW,
            progress=lambda d, t: seen.append(d), cancelled=lambda: bool(seen) and seen[-1] > total // 3,
        )
    assert 0 < seen[-1] < total
    assert list(backups.iterdir()) == []
    assert list_backups(backups, "pal") == []


def test_cancel_during_restore_leaves_the_target_untouched(saved: Path, tmp_path: Path) -> None:
    result = create_backup(saved, tmp_path / "backups", prefix="pal", now=NOW)
    target = tmp_path / "live" / "Saved"
    write(target, {"current.sav": b"current world"})
    seen: list[tuple[int, int]] = []

    def cancelled() -> bool:  # halfway through extraction (verification is the first half)
        return bool(seen) and seen[-1][0] > seen[-1][1] * 3 // 4

    with pytest.raises(BackupCancelled):
        restore_backup(result.path, target, progress=lambda d, t: seen.append((d, t)), cancelled=cancelled)
    assert tree(target) == {"current.sav": b"current world"}
    assert [p.name for p in target.parent.iterdir()] == ["Saved"]


# -- a live server writes while we read --------------------------------------------------------------------


def test_a_file_deleted_during_the_backup_is_skipped(tmp_path: Path) -> None:
    source = tmp_path / "src"
    write(source, {"a.sav": noise(20_000, 1), "b.sav": noise(100, 2), "c.sav": noise(100, 3)})

    def delete_the_next_file(done: int, total: int) -> None:
        if done > 0 and (source / "b.sav").exists():
            (source / "b.sav").unlink()

    result = create_backup(source, tmp_path / "b", prefix="pal", now=NOW, progress=delete_the_next_file)

    assert [s.path for s in result.skipped] == ["b.sav"]
    assert "disappeared" in result.skipped[0].reason
    assert result.files == 2
    assert verify_backup(result.path).ok
    with zipfile.ZipFile(result.path) as zf:
        assert sorted(zf.namelist()) == ["a.sav", "c.sav", MANIFEST_NAME]
        manifest = json.loads(zf.read(MANIFEST_NAME))
    assert manifest["skipped"] == [{"path": "b.sav", "reason": result.skipped[0].reason}]


class _GrowsWhileRead:
    """A source file that gets a byte appended during each of its first ``times`` readings (a saving game)."""

    def __init__(self, path: Path, times: dict[str, int]) -> None:
        self._path = path
        self._file = open(path, "rb")  # noqa: SIM115 - closed by __exit__
        self._times = times
        self._appended = False

    def read(self, size: int) -> bytes:
        data = self._file.read(size)
        if data and not self._appended and self._times.get(self._path.name, 0) > 0:
            self._appended = True
            self._times[self._path.name] -= 1
            with open(self._path, "ab") as game:
                game.write(b"+")
        return data

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()


def test_a_changing_file_is_read_again_and_skipped_if_it_keeps_changing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "src"
    write(source, {"busy.sav": b"busy", "calm.sav": b"calm", "settles.sav": b"settles"})
    times = {"busy.sav": 100, "settles.sav": 1}
    monkeypatch.setattr(archive, "_open_source", lambda path: _GrowsWhileRead(path, times))

    calls: list[tuple[int, int]] = []
    result = create_backup(source, tmp_path / "b", prefix="pal", now=NOW, progress=lambda d, t: calls.append((d, t)))

    assert [(s.path, s.reason) for s in result.skipped] == [("busy.sav", "it changed while it was being read")]
    assert calls[-1] == (15, 15)  # sizes when the backup started: growing files do not overshoot
    assert all(done <= total for done, total in calls)
    assert times["busy.sav"] == 98  # read exactly twice
    with zipfile.ZipFile(result.path) as zf:
        assert zf.read("settles.sav") == b"settles+"  # the second, stable read
        assert zf.read("calm.sav") == b"calm"
        assert "busy.sav" not in zf.namelist()
    assert verify_backup(result.path).ok


# -- damaged and unsafe archives ---------------------------------------------------------------------------


@pytest.mark.parametrize("compression", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_a_corrupted_archive_fails_verification_and_is_not_restored(
    saved: Path, tmp_path: Path, compression: int
) -> None:
    result = create_backup(saved, tmp_path / "backups", prefix="pal", now=NOW, compression=compression)
    flip_byte_in_member(result.path, "SaveGames/0/4F1C/Level.sav")

    verdict = verify_backup(result.path)
    assert not verdict.ok
    assert any("SaveGames/0/4F1C/Level.sav" in p and "damaged" in p for p in verdict.problems)

    target = tmp_path / "live" / "Saved"
    write(target, {"current.sav": b"current world"})
    with pytest.raises(ArchiveDamagedError, match="damaged and was not restored") as caught:
        restore_backup(result.path, target)
    assert caught.value.problems == verdict.problems
    assert tree(target) == {"current.sav": b"current world"}
    assert [p.name for p in target.parent.iterdir()] == ["Saved"]


def test_a_truncated_archive_fails_verification_and_is_not_restored(saved: Path, tmp_path: Path) -> None:
    result = create_backup(saved, tmp_path / "backups", prefix="pal", now=NOW)
    result.path.write_bytes(result.path.read_bytes()[:-200])
    verdict = verify_backup(result.path)
    assert not verdict.ok and "not a readable zip archive" in verdict.problems[0]
    target = tmp_path / "live"
    target.mkdir()
    with pytest.raises(ArchiveDamagedError):
        restore_backup(result.path, target)
    assert tree(target) == {}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Pal", "backups", "live"]


def test_verification_compares_the_archive_with_its_manifest(tmp_path: Path) -> None:
    good = make_zip(tmp_path / "good.zip", {"a.sav": b"aaaa", "d/b.sav": b"bb"})
    assert verify_backup(good).ok

    swapped = make_zip(tmp_path / "swapped.zip", {"a.sav": b"aaaa"}, manifest={
        "format": "monitor_app-backup", "version": 1, "file_count": 2, "total_bytes": 9,
        "files": [{"path": "a.sav", "size": 4, "crc32": zlib.crc32(b"AAAA")},
                  {"path": "gone.sav", "size": 5, "crc32": 0}],
        "directories": ["d/"],
    })
    problems = " | ".join(verify_backup(swapped).problems)
    assert "a.sav has CRC32" in problems
    assert "gone.sav is listed in the manifest but missing" in problems
    assert "folder d/ is listed" in problems
    assert "counts 2 files, the archive holds 1" in problems
    assert "counts 9 bytes, the archive holds 4" in problems

    extra = make_zip(tmp_path / "extra.zip", {"a.sav": b"a"}, manifest={
        "format": "monitor_app-backup", "version": 1, "file_count": 0, "total_bytes": 0, "files": [],
    })
    assert any("a.sav is in the archive but not in the manifest" in p for p in verify_backup(extra).problems)

    foreign = make_zip(tmp_path / "foreign.zip", {"a.sav": b"a"}, manifest=None)
    assert any("manifest" in p and "missing" in p for p in verify_backup(foreign).problems)

    garbled = make_zip(tmp_path / "garbled.zip", {"a.sav": b"a"}, manifest={"format": "something else"})
    assert any("cannot be read" in p for p in verify_backup(garbled).problems)

    assert verify_backup(tmp_path / "nowhere.zip").problems == (f"{tmp_path / 'nowhere.zip'} does not exist",)


@pytest.mark.parametrize(
    "name", ["../evil.txt", "inner/../../evil.txt", "/tmp/evil.txt", "C:/evil.txt", "C:evil.txt", "..\\evil.txt"]
)
def test_zip_slip_is_refused(tmp_path: Path, name: str) -> None:
    bad = make_zip(tmp_path / "pal-20240501-123456.zip", {"ok.sav": b"fine", name: b"pwned"})
    assert not verify_backup(bad).ok  # the manifest matches: only the name gives it away
    target = tmp_path / "game" / "Saved"
    write(target, {"current.sav": b"current world"})

    with pytest.raises(UnsafeArchiveError, match="refused"):
        restore_backup(bad, target)
    assert tree(target) == {"current.sav": b"current world"}
    assert [p.name for p in target.parent.iterdir()] == ["Saved"]
    assert not [p for p in tmp_path.rglob("*evil*")]


def test_the_extraction_itself_refuses_names_outside_the_folder(tmp_path: Path) -> None:
    """Second line of defence, should an unsafe name get past the checks before extraction."""
    bad = make_zip(tmp_path / "bad.zip", {"../evil.txt": b"pwned"})
    staging = tmp_path / "staging"
    staging.mkdir()
    tracker = archive._Tracker(None, None, 100, "restore")
    with zipfile.ZipFile(bad) as zf, pytest.raises(UnsafeArchiveError):
        archive._extract(zf, zf.infolist(), staging, tracker, 0)
    assert not (tmp_path / "evil.txt").exists()


# -- pruning -----------------------------------------------------------------------------------------------

PRUNE_NOW = datetime(2024, 5, 10, 12, 0, 0)
AGES_DAYS = [0.5, 1, 2, 4, 8, 16]


@pytest.fixture
def aged(tmp_path: Path) -> Path:
    """Backups 0.5 … 16 days old (only the name counts), among things that are not backups."""
    folder = tmp_path / "backups"
    folder.mkdir()
    for age in AGES_DAYS:
        (folder / f"pal-{(PRUNE_NOW - timedelta(days=age)):%Y%m%d-%H%M%S}.zip").write_bytes(b"zip")
    for foreign in ("pal-20200101-000000.zip.partial", "notes.txt", "other-20200101-000000.zip",
                    "pal-20201399-000000.zip", "pal-2020-01-01.zip", "palworld-20200101-000000.zip"):
        (folder / foreign).write_bytes(b"x")
    (folder / "pal-20200102-000000.zip").mkdir()
    return folder


def remaining_ages(folder: Path) -> list[float]:
    return [(PRUNE_NOW - b.created) / timedelta(days=1) for b in list_backups(folder, "pal")]


@pytest.mark.parametrize(
    ("keep_last", "keep_days", "kept"),
    [
        (3, None, [0.5, 1, 2]),
        (None, 3, [0.5, 1, 2]),
        (None, 4, [0.5, 1, 2]),  # "younger than": exactly 4 days old goes
        (5, 3, [0.5, 1, 2, 4, 8]),  # kept by either rule
        (1, 5, [0.5, 1, 2, 4]),
        (0, 0, [0.5]),  # the newest is never deleted
        (None, None, AGES_DAYS),  # no rule: nothing deleted
        (100, None, AGES_DAYS),
    ],
)
def test_pruning_keeps_what_either_rule_keeps(
    aged: Path, keep_last: int | None, keep_days: float | None, kept: list[float]
) -> None:
    before = set(aged.iterdir())
    deleted = prune_backups(aged, "pal", keep_last=keep_last, keep_days=keep_days, now=PRUNE_NOW)
    assert remaining_ages(aged) == kept
    assert set(deleted) == before - set(aged.iterdir())
    assert len(deleted) == len(AGES_DAYS) - len(kept)  # foreign files and folders are never touched


def test_the_newest_backup_survives_even_when_every_backup_is_old(aged: Path) -> None:
    prune_backups(aged, "pal", keep_last=None, keep_days=1, now=PRUNE_NOW + timedelta(days=365))
    assert remaining_ages(aged) == [0.5]


def test_pruning_rejects_negative_rules_and_tolerates_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        prune_backups(tmp_path, "pal", keep_last=-1, keep_days=None)
    with pytest.raises(ValueError):
        prune_backups(tmp_path, "pal", keep_last=None, keep_days=-0.5)
    assert prune_backups(tmp_path / "missing", "pal", keep_last=1, keep_days=None) == []
    assert list_backups(tmp_path / "missing", "pal") == []


# -- full disks and other failures -------------------------------------------------------------------------


class _FillsUp:
    """A file on a disk with ``room`` bytes left."""

    def __init__(self, real: Any, room: int) -> None:
        self._real = real
        self._room = room

    def write(self, data: bytes) -> int:
        if len(data) > self._room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self._room -= len(data)
        return self._real.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._real.close()


@pytest.mark.parametrize("room", [0, 30_000])
def test_a_full_disk_leaves_no_partial_backup(
    saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, room: int
) -> None:
    real_open = archive._open_output
    monkeypatch.setattr(archive, "_open_output", lambda path: _FillsUp(real_open(path), room))
    backups = tmp_path / "backups"

    with pytest.raises(DiskFullError) as caught:
        create_backup(saved, backups, prefix="pal", now=NOW)
    assert str(caught.value) == f"not enough space on {backups}: the partial backup was removed"
    assert list(backups.iterdir()) == []


def test_a_full_disk_during_restore_leaves_the_target_untouched(
    saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = create_backup(saved, tmp_path / "backups", prefix="pal", now=NOW)
    target = tmp_path / "game" / "Saved"
    write(target, {"current.sav": b"current world"})
    real_open = archive._open_output
    monkeypatch.setattr(archive, "_open_output", lambda path: _FillsUp(real_open(path), 20_000))

    with pytest.raises(DiskFullError, match="not enough space on .*: the partly restored files were removed"):
        restore_backup(result.path, target)
    assert tree(target) == {"current.sav": b"current world"}
    assert [p.name for p in target.parent.iterdir()] == ["Saved"]


def test_a_target_in_use_is_left_alone(saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = create_backup(saved, tmp_path / "backups", prefix="pal", now=NOW)
    target = tmp_path / "game" / "Saved"
    write(target, {"current.sav": b"current world"})

    def locked(source: Path, destination: Path) -> None:
        raise PermissionError(13, "The process cannot access the file because it is being used")

    monkeypatch.setattr(archive, "_rename", locked)
    with pytest.raises(RestoreError, match="still running"):
        restore_backup(result.path, target)
    assert tree(target) == {"current.sav": b"current world"}
    assert [p.name for p in target.parent.iterdir()] == ["Saved"]


def test_a_failed_swap_puts_the_original_back(saved: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = create_backup(saved, tmp_path / "backups", prefix="pal", now=NOW)
    target = tmp_path / "game" / "Saved"
    write(target, {"current.sav": b"current world"})
    real_rename = archive._rename
    renames: list[tuple[str, str]] = []

    def second_rename_fails(source: Path, destination: Path) -> None:
        renames.append((source.name, destination.name))
        if len(renames) == 2:
            raise OSError(errno.EIO, "I/O error")
        real_rename(source, destination)

    monkeypatch.setattr(archive, "_rename", second_rename_fails)
    with pytest.raises(RestoreError, match="was not changed"):
        restore_backup(result.path, target)
    assert [r[1] for r in renames] == [renames[0][1], "Saved", "Saved"]  # aside, (failed) into place, back
    assert tree(target) == {"current.sav": b"current world"}
    assert [p.name for p in target.parent.iterdir()] == ["Saved"]


def test_human_errors_for_bad_sources_destinations_and_archives(saved: Path, tmp_path: Path) -> None:
    with pytest.raises(SourceMissingError, match="does not exist"):
        create_backup(tmp_path / "nope", tmp_path / "b", prefix="pal")
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    with pytest.raises(SourceMissingError, match="not a folder"):
        create_backup(a_file, tmp_path / "b", prefix="pal")
    with pytest.raises(DestinationNotWritableError):
        create_backup(saved, a_file, prefix="pal")
    with pytest.raises(DestinationNotWritableError):
        create_backup(saved, a_file / "below", prefix="pal")
    with pytest.raises(BackupError, match="inside the folder being backed up"):
        create_backup(saved, saved / "backups", prefix="pal")
    assert not (saved / "backups").exists()
    with pytest.raises(BackupError, match="cannot start a file name"):
        create_backup(saved, tmp_path / "b", prefix="pal/../x")
    with pytest.raises(BackupNotFoundError):
        restore_backup(tmp_path / "missing.zip", tmp_path / "t")
    good = create_backup(saved, tmp_path / "b", prefix="pal", now=NOW)
    with pytest.raises(RestoreError, match="not a folder"):
        restore_backup(good.path, a_file)
    assert a_file.read_text() == "x"


def test_a_file_named_like_the_manifest_is_skipped_not_confused(tmp_path: Path) -> None:
    source = tmp_path / "src"
    write(source, {MANIFEST_NAME: b"{}", "sub/" + MANIFEST_NAME: b"nested is fine"})
    result = create_backup(source, tmp_path / "b", prefix="pal", now=NOW)
    assert [s.path for s in result.skipped] == [MANIFEST_NAME]
    assert verify_backup(result.path).ok
    restore_backup(result.path, tmp_path / "out")
    assert tree(tmp_path / "out") == {"sub": None, f"sub/{MANIFEST_NAME}": b"nested is fine"}


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
def test_links_to_folders_are_not_followed(tmp_path: Path) -> None:
    source = tmp_path / "src"
    write(source, {"a.sav": b"a"})
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere, {"huge.bin": b"not ours"})
    try:
        (source / "link").symlink_to(elsewhere, target_is_directory=True)
    except OSError:
        pytest.skip("cannot create symbolic links here")
    result = create_backup(source, tmp_path / "b", prefix="pal", now=NOW)
    assert [s.path for s in result.skipped] == ["link/"]
    with zipfile.ZipFile(result.path) as zf:
        assert sorted(zf.namelist()) == ["a.sav", MANIFEST_NAME]
