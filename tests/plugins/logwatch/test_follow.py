"""LogFollower on real files: appends, partial lines, rotation, truncation, globs, deletion, encodings, limits.

Most tests run twice: ``hold`` keeps files open between polls (the POSIX default), ``reopen`` opens them at
each poll and finds a renamed file again by its identity (the Windows default).
"""

import logging
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from plugins.logwatch import follow
from plugins.logwatch.follow import LineKind, LogFollower, LogLine, decode_line, system_fallback_encoding


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["hold", "reopen"])
def hold_open(request: pytest.FixtureRequest) -> bool:
    return request.param == "hold"


def append(path: Path, data: bytes | str) -> None:
    with open(path, "ab") as fh:
        fh.write(data.encode() if isinstance(data, str) else data)


def texts(lines: list[LogLine]) -> list[str]:
    """Text lines as their text, markers as ``<kind>``."""
    return [line.text if line.kind is LineKind.TEXT else f"<{line.kind}>" for line in lines]


def make(path_or_glob: Path | str, hold_open: bool = True, **options) -> LogFollower:
    options.setdefault("encoding_fallback", "cp949")
    return LogFollower([str(path_or_glob)], hold_open=hold_open, **options)


# -- appends and lines ---------------------------------------------------------------------------------------


def test_reads_only_what_is_appended_after_start(tmp_path: Path, hold_open: bool) -> None:
    log = tmp_path / "server.log"
    log.write_text("before 1\nbefore 2\n")
    with make(log, hold_open) as follower:
        assert follower.poll() == []
        append(log, "after 1\nafter 2\n")
        lines = follower.poll()
        assert texts(lines) == ["after 1", "after 2"]
        assert all(line.path == str(log) and line.kind is LineKind.TEXT and not line.capped for line in lines)
        assert follower.poll() == []
        append(log, "after 3\n")
        assert texts(follower.poll()) == ["after 3"]


def test_start_at_end_false_reads_existing_content(tmp_path: Path, hold_open: bool) -> None:
    log = tmp_path / "server.log"
    log.write_text("one\ntwo\n")
    with make(log, hold_open, start_at_end=False) as follower:
        assert texts(follower.poll()) == ["one", "two"]
        assert follower.poll() == []


def test_lines_are_frozen_and_stamped_with_the_poll_time(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log) as follower:
        append(log, "x\n")
        [line] = follower.poll()
    with pytest.raises(AttributeError):
        line.text = "y"  # type: ignore[misc]
    assert line.time > 1_600_000_000  # wall clock, not monotonic


def test_partial_line_is_kept_until_its_newline(tmp_path: Path, hold_open: bool) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log, hold_open) as follower:
        append(log, "first\nhalf of a")
        assert texts(follower.poll()) == ["first"]
        append(log, " line")
        assert follower.poll() == []
        append(log, " done\nnext")
        assert texts(follower.poll()) == ["half of a line done"]
        append(log, "\n")
        assert texts(follower.poll()) == ["next"]


def test_crlf_line_endings_and_a_utf8_bom_are_stripped(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_bytes(b"\xef\xbb\xbfstarted\r\nready\r\n")
    with make(log, start_at_end=False) as follower:
        assert texts(follower.poll()) == ["started", "ready"]


def test_stalled_partial_line_is_emitted_after_the_timeout(tmp_path: Path, hold_open: bool) -> None:
    log = tmp_path / "server.log"
    log.touch()
    clock = FakeClock()
    with make(log, hold_open, partial_timeout_s=2.0, clock=clock) as follower:
        append(log, "Fatal error: out of mem")
        assert follower.poll() == []
        clock.now += 1.0
        append(log, "ory")  # growing restarts the wait
        assert follower.poll() == []
        clock.now += 1.9
        assert follower.poll() == []
        clock.now += 0.1
        assert texts(follower.poll()) == ["Fatal error: out of memory"]
        append(log, "\nrestarted\n")  # the late newline does not make a blank line
        assert texts(follower.poll()) == ["restarted"]


def test_partial_timeout_none_waits_forever(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.touch()
    clock = FakeClock()
    with make(log, partial_timeout_s=None, clock=clock) as follower:
        append(log, "no newline")
        follower.poll()
        clock.now += 3600
        assert follower.poll() == []


# -- rotation, truncation, new and deleted files --------------------------------------------------------------


def test_rotation_by_rename_and_create_finishes_the_old_file_first(tmp_path: Path, hold_open: bool) -> None:
    log = tmp_path / "server.log"
    log.write_text("")
    with make(log, hold_open) as follower:
        append(log, "a\n")
        assert texts(follower.poll()) == ["a"]
        append(log, "b (written just before the rotation)\nc")
        os.rename(log, tmp_path / "server.log.1")
        log.write_text("d (first line of the new file)\n")
        lines = follower.poll()
        assert texts(lines) == [
            "b (written just before the rotation)",
            "c",
            "<rotated>",
            "d (first line of the new file)",
        ]
        assert {line.path for line in lines} == {str(log)}
        append(log, "e\n")
        assert texts(follower.poll()) == ["e"]
        assert follower.followed() == [str(log)]


def test_rotation_with_the_new_file_created_after_a_poll(tmp_path: Path, hold_open: bool) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log, hold_open) as follower:
        append(log, "last of the old\n")
        os.rename(log, tmp_path / "server.log.1")
        assert texts(follower.poll()) == ["last of the old"]
        assert follower.followed() == []
        log.write_text("first of the new\n")
        assert texts(follower.poll()) == ["<rotated>", "first of the new"]


def test_rotation_by_copytruncate(tmp_path: Path, hold_open: bool) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log, hold_open) as follower:
        append(log, "one\ntwo\nthree\n")
        assert texts(follower.poll()) == ["one", "two", "three"]
        shutil.copyfile(log, tmp_path / "server.log.1")
        with open(log, "r+b") as fh:
            fh.truncate(0)
        append(log, "four\n")
        assert texts(follower.poll()) == ["<truncated>", "four"]
        append(log, "five\n")
        assert texts(follower.poll()) == ["five"]


def test_truncation_restarts_at_zero_with_a_marker(tmp_path: Path, hold_open: bool) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log, hold_open) as follower:
        append(log, "".join(f"line {i}\n" for i in range(10)))
        assert len(follower.poll()) == 10
        log.write_text("")  # truncated
        assert texts(follower.poll()) == ["<truncated>"]
        append(log, "fresh\n")
        assert texts(follower.poll()) == ["fresh"]


def test_truncation_and_regrowth_past_the_old_end_between_polls(tmp_path: Path, hold_open: bool) -> None:
    """The size alone cannot tell; the bytes just before the read position changed."""
    log = tmp_path / "server.log"
    log.touch()
    with make(log, hold_open) as follower:
        append(log, "aaaa\nbbbb\n")
        assert texts(follower.poll()) == ["aaaa", "bbbb"]
        log.write_text("restarted server, banner line 1\nbanner line 2\n")  # same file, rewritten
        assert texts(follower.poll()) == ["<truncated>", "restarted server, banner line 1", "banner line 2"]


def test_copytruncate_hole_of_nul_bytes_is_dropped(tmp_path: Path) -> None:
    """A writer without O_APPEND keeps writing at its old offset after a copytruncate: zeros before it."""
    log = tmp_path / "server.log"
    log.touch()
    with make(log) as follower:
        append(log, "0123456789\n")
        follower.poll()
        with open(log, "r+b") as fh:
            fh.truncate(0)
            fh.seek(11)
            fh.write(b"after the hole\n")
        assert texts(follower.poll()) == ["<truncated>", "after the hole"]


def test_new_files_matching_a_glob_are_read_from_their_start(tmp_path: Path, hold_open: bool) -> None:
    (tmp_path / "old.log").write_text("history that is skipped\n")
    (tmp_path / "notes.txt").write_text("")
    with make(tmp_path / "*.log", hold_open) as follower:
        assert follower.followed() == [str(tmp_path / "old.log")]
        (tmp_path / "new.log").write_text("new 1\nnew 2\n")
        (tmp_path / "notes.txt").write_text("not a log\n")
        append(tmp_path / "old.log", "old 1\n")
        lines = follower.poll()
        assert sorted((Path(line.path).name, line.text) for line in lines) == [
            ("new.log", "new 1"),
            ("new.log", "new 2"),
            ("old.log", "old 1"),
        ]
        assert follower.followed() == [str(tmp_path / "new.log"), str(tmp_path / "old.log")]


def test_a_folder_means_its_log_files(tmp_path: Path) -> None:
    with LogFollower([str(tmp_path)], encoding_fallback="cp949") as follower:
        assert follower.patterns == [str(tmp_path / "*.log")]
        (tmp_path / "Pal.log").write_text("hello\n")
        assert texts(follower.poll()) == ["hello"]


def test_recursive_glob(tmp_path: Path) -> None:
    with make(f"{tmp_path}/**/*.log") as follower:
        (tmp_path / "a" / "b").mkdir(parents=True)
        (tmp_path / "a" / "b" / "deep.log").write_text("deep\n")
        assert texts(follower.poll()) == ["deep"]


@pytest.mark.parametrize("given", ["file", "folder", "glob"])
def test_square_brackets_in_an_existing_folder_name_are_literal(tmp_path: Path, given: str) -> None:
    folder = tmp_path / "[KR] 서버"
    folder.mkdir()
    log = folder / "Pal.log"
    log.touch()
    pattern = {"file": str(log), "folder": str(folder), "glob": f"{folder}/*.log"}[given]
    with LogFollower([pattern], encoding_fallback="cp949") as follower:
        assert follower.followed() == [str(log)]
        append(log, "안녕\n")
        assert texts(follower.poll()) == ["안녕"]
        waker = follower.wake_on_change(lambda: None)
        assert waker.folders == [str(folder)]


def test_only_a_bounded_number_of_idle_files_is_held_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(follow, "_MAX_HELD", 2)
    for i in range(5):
        (tmp_path / f"backup-{i}.log").write_text("old\n")
    clock = FakeClock()
    with make(tmp_path / "*.log", hold_open=True, clock=clock) as follower:

        def held() -> int:
            return sum(f.fh is not None for f in follower._files.values())

        assert held() == 2
        append(tmp_path / "backup-4.log", "recent\n")
        assert texts(follower.poll()) == ["recent"]
        clock.now += 60
        follower.poll()
        assert held() == 2
        append(tmp_path / "backup-0.log", "one\n")
        append(tmp_path / "backup-3.log", "three\n")
        assert sorted(texts(follower.poll())) == ["one", "three"]
        clock.now += 60
        follower.poll()
        assert held() == 2
        os.rename(tmp_path / "backup-2.log", tmp_path / "backup-2.old")  # a closed file is found by identity
        append(tmp_path / "backup-2.old", "late\n")
        assert texts(follower.poll()) == ["late"]


def test_rename_within_the_glob_keeps_following_without_duplicates(tmp_path: Path, hold_open: bool) -> None:
    log = tmp_path / "Pal.log"
    log.write_text("")
    with make(tmp_path / "*.log", hold_open) as follower:
        append(log, "one\n")
        assert texts(follower.poll()) == ["one"]
        backup = tmp_path / "Pal-backup-2024.01.01.log"
        os.rename(log, backup)
        append(backup, "two\n")
        lines = follower.poll()
        assert texts(lines) == ["two"]
        assert lines[0].path == str(backup)
        log.write_text("new\n")
        assert texts(follower.poll()) == ["<rotated>", "new"]


def test_deleted_file_is_dropped(tmp_path: Path, hold_open: bool, caplog: pytest.LogCaptureFixture) -> None:
    keep, gone = tmp_path / "keep.log", tmp_path / "gone.log"
    keep.touch()
    gone.touch()
    with make(tmp_path / "*.log", hold_open) as follower:
        append(gone, "written before the delete\n")
        gone.unlink()
        append(keep, "still here\n")
        lines = follower.poll()
        if hold_open:  # the open file is read to its end before it is let go
            assert texts(lines) == ["written before the delete", "still here"]
        else:
            assert texts(lines) == ["still here"]
        assert follower.followed() == [str(keep)]
        assert follower.poll() == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_file_appearing_under_a_plain_path(tmp_path: Path, hold_open: bool) -> None:
    log = tmp_path / "later.log"
    with make(log, hold_open) as follower:
        assert follower.poll() == [] and follower.followed() == []
        log.write_text("created after the start\n")
        assert texts(follower.poll()) == ["created after the start"]


def test_unreadable_file_warns_once_and_recovers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    log = tmp_path / "server.log"
    log.write_text("history, skipped even though the file could not be opened at the start\n")
    real_open = follow._open_for_reading
    locked = {"on": True}

    def sharing_violation(path: str):
        if locked["on"]:
            raise PermissionError(13, "The process cannot access the file", path)
        return real_open(path)

    monkeypatch.setattr(follow, "_open_for_reading", sharing_violation)
    with make(log, hold_open=False) as follower:
        append(log, "x\n")
        assert follower.poll() == []
        assert follower.poll() == []
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and str(log) in warnings[0].getMessage()
        locked["on"] = False
        assert texts(follower.poll()) == ["x"]


def test_korean_file_names(tmp_path: Path, hold_open: bool) -> None:
    folder = tmp_path / "로그"
    folder.mkdir()
    with make(folder / "*.log", hold_open) as follower:
        (folder / "서버.log").write_text("플레이어 접속\n", encoding="utf-8")
        [line] = follower.poll()
        assert (line.text, Path(line.path).name) == ("플레이어 접속", "서버.log")


# -- encodings ---------------------------------------------------------------------------------------------------


def test_korean_in_utf8_and_in_cp949_in_the_same_file(tmp_path: Path, hold_open: bool) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log, hold_open, encoding_fallback="cp949") as follower:
        append(log, "서버 시작\n".encode("cp949"))
        append(log, "서버 시작\n".encode())
        append(log, "플레이어 홍길동 접속\n".encode("cp949"))
        assert texts(follower.poll()) == ["서버 시작", "서버 시작", "플레이어 홍길동 접속"]


def test_cp949_bytes_without_the_fallback_are_not_korean(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log, encoding_fallback="latin-1") as follower:
        append(log, "서버 시작\n".encode("cp949"))
        [line] = follower.poll()
        assert line.text != "서버 시작" and "\ufffd" not in line.text


def test_invalid_bytes_are_replaced(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log, encoding_fallback="cp949") as follower:
        append(log, b"ok \xff end\n")
        assert texts(follower.poll()) == ["ok \ufffd end"]


def test_decode_line_order() -> None:
    assert decode_line("한글".encode(), "cp949") == "한글"
    assert decode_line("한글".encode("cp949"), "cp949") == "한글"
    assert decode_line(b"\xff\xfe", "ascii") == "\ufffd\ufffd"
    assert decode_line("가나".encode()[:-1], "ascii", complete=False) == "가"


def test_system_fallback_encoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(follow.locale, "getencoding", lambda: "cp949")
    assert system_fallback_encoding() == "cp949"
    monkeypatch.setattr(follow.locale, "getencoding", lambda: "UTF-8")
    assert system_fallback_encoding() == "latin-1"
    monkeypatch.setattr(follow.locale, "getencoding", lambda: "ANSI_X3.4-1968")
    assert system_fallback_encoding() == "latin-1"
    monkeypatch.setattr(follow.locale, "getencoding", lambda: "no-such-codec")
    assert system_fallback_encoding() == "latin-1"


def test_default_fallback_is_the_system_code_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(follow.locale, "getencoding", lambda: "cp949")
    with LogFollower([str(tmp_path / "x.log")]) as follower:
        assert follower.encoding_fallback == "cp949"


@pytest.mark.parametrize("name", ["no-such-codec", "hex"])
def test_unusable_fallback_encoding_is_rejected(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match=name):
        LogFollower([str(tmp_path / "x.log")], encoding_fallback=name)


@pytest.mark.parametrize(
    "options",
    [{"max_line_bytes": 0}, {"ring_lines": 0}, {"max_read_bytes": -1}, {"partial_timeout_s": 0}],
)
def test_bad_limits_are_rejected(tmp_path: Path, options: dict) -> None:
    with pytest.raises(ValueError):
        LogFollower([str(tmp_path / "x.log")], **options)


@pytest.mark.parametrize("patterns", [[], [""], ["  "]])
def test_empty_patterns_are_rejected(patterns: list[str]) -> None:
    with pytest.raises(ValueError):
        LogFollower(patterns)


# -- bounds ------------------------------------------------------------------------------------------------------


def test_very_long_line_is_capped_and_the_rest_skipped(tmp_path: Path, hold_open: bool) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log, hold_open, max_line_bytes=100) as follower:
        append(log, "x" * 1000 + "\nnext\n")
        lines = follower.poll()
        assert texts(lines) == ["x" * 100, "next"]
        assert [line.capped for line in lines] == [True, False]


def test_long_partial_line_is_capped_before_its_newline(tmp_path: Path, hold_open: bool) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log, hold_open, max_line_bytes=100) as follower:
        append(log, "y" * 150)
        [line] = follower.poll()
        assert (line.text, line.capped) == ("y" * 100, True)
        append(log, "y" * 5000)
        assert follower.poll() == []
        append(log, "y\nafter\n")
        assert texts(follower.poll()) == ["after"]


def test_capping_does_not_split_a_korean_character(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log, max_line_bytes=100) as follower:
        append(log, "가" * 100 + "\n")  # 3 bytes each in UTF-8
        append(log, ("나" * 100 + "\n").encode("cp949"))  # 2 bytes each
        utf8, cp949 = follower.poll()
        assert utf8.text == "가" * 33 and utf8.capped
        assert cp949.text == "나" * 50 and cp949.capped


def test_reads_per_poll_are_bounded_and_catch_up(tmp_path: Path, hold_open: bool) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log, hold_open, max_read_bytes=1000) as follower:
        append(log, "".join(f"line {i:05d}\n" for i in range(1000)))  # 11,000 bytes
        seen: list[str] = []
        polls = 0
        while True:
            lines = follower.poll()
            polls += 1
            assert sum(len(line.text) + 1 for line in lines) <= 1000 + 11
            seen += texts(lines)
            if not follower.behind:
                break
        assert seen == [f"line {i:05d}" for i in range(1000)]
        assert polls == 11


def test_ring_keeps_the_last_lines(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log, ring_lines=10) as follower:
        for batch in range(5):
            append(log, "".join(f"{batch}-{i}\n" for i in range(7)))
            follower.poll()
        assert texts(follower.tail()) == [f"{b}-{i}" for b, i in [(3, 4), (3, 5), (3, 6)]] + [
            f"4-{i}" for i in range(7)
        ]
        assert texts(follower.tail(3)) == ["4-4", "4-5", "4-6"]
        assert follower.tail(0) == []
        follower.clear()
        assert follower.tail() == []


def test_ring_is_bounded_by_characters_too(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log, ring_lines=1000, ring_chars=1000) as follower:
        append(log, "".join(f"{i:099d}\n" for i in range(50)))  # 100 characters each
        follower.poll()
        assert len(follower.tail()) == 10
        assert follower.tail()[-1].text == f"{49:099d}"


def test_search_text_regex_and_limit(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.touch()
    with make(log) as follower:
        append(log, "Error: one\ninfo\nERROR: two\n플레이어 접속\nerror: three\n")
        follower.poll()
        log.write_text("")
        follower.poll()  # a <truncated> marker is in the ring; markers are not searched
        assert texts(follower.search("error")) == ["Error: one", "ERROR: two", "error: three"]
        assert texts(follower.search("error", limit=2)) == ["ERROR: two", "error: three"]
        assert texts(follower.search(re.compile(r"^E"))) == ["Error: one", "ERROR: two"]
        assert texts(follower.search("접속")) == ["플레이어 접속"]
        assert follower.search("truncated") == []
        assert follower.search("error", limit=0) == []
        assert len(follower.tail()) == 6


def test_idle_files_are_not_opened_at_every_poll_in_reopen_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(3):
        (tmp_path / f"old-{i}.log").write_text("history\n")
    opened: list[str] = []
    real_open = follow._open_for_reading

    def counting_open(path: str):
        opened.append(path)
        return real_open(path)

    monkeypatch.setattr(follow, "_open_for_reading", counting_open)
    clock = FakeClock()
    with make(tmp_path / "*.log", hold_open=False, clock=clock) as follower:
        clock.now += 60
        for _ in range(follow._SWEEP_EVERY):
            opened.clear()
            follower.poll()
        assert len(opened) == 3  # the sweep
        opened.clear()
        follower.poll()
        assert opened == []
        append(tmp_path / "old-1.log", "new\n")
        assert texts(follower.poll()) == ["new"]
        assert opened == [str(tmp_path / "old-1.log")]


def test_close_stops_polling(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.touch()
    follower = make(log)
    follower.poll()
    follower.close()
    append(log, "after close\n")
    assert follower.poll() == []


@pytest.mark.allow_error_log  # watchdog may log "queue_events() called when the thread is inactive" on stop
def test_wake_on_change_calls_back_when_a_followed_file_grows(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.touch()
    woken = threading.Event()
    with make(tmp_path / "*.log") as follower:
        waker = follower.wake_on_change(woken.set)
        assert waker.folders == [str(tmp_path)]
        (tmp_path / "other.txt").write_text("not followed\n")
        append(log, "wake up\n")
        assert woken.wait(5)
        assert texts(follower.poll()) == ["wake up"]
