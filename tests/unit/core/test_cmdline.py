"""Argument lines split and join like the target OS does, and malformed lines are explained."""

import pytest

from monitor_app.core.cmdline import join_args, split_args
from monitor_app.core.errors import ValidationError


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("", ()),
        ("-port=8211 -useperfthreads", ("-port=8211", "-useperfthreads")),
        ('"C:\\Program Files\\x" a', ("C:\\Program Files\\x", "a")),
        ('a\\\\"b c"', ('a\\b c',)),  # 2n backslashes + quote: n backslashes, quote toggles
        ('a\\"b', ('a"b',)),  # 2n+1 backslashes + quote: literal quote
        ("a\\\\b", ("a\\\\b",)),  # backslashes not before a quote are literal
        ('"say ""hi"""', ('say "hi"',)),
        ('""', ("",)),
        ("  spaced\targs  ", ("spaced", "args")),
    ],
)
def test_split_args_windows_rules(line: str, expected: tuple[str, ...]) -> None:
    assert split_args(line, windows=True) == expected


@pytest.mark.parametrize(
    "args",
    [("plain",), ("with space", "x"), ('quote"inside',), ("trailing\\",), ("C:\\dir with space\\",), ("",)],
)
def test_join_then_split_round_trips(args: tuple[str, ...]) -> None:
    for windows in (True, False):
        assert split_args(join_args(args, windows=windows), windows=windows) == args


def test_split_args_posix_uses_shell_quoting() -> None:
    assert split_args("a 'b c' \"d e\" f\\ g", windows=False) == ("a", "b c", "d e", "f g")


@pytest.mark.parametrize("windows", [True, False])
def test_split_args_reports_unbalanced_quotes(windows: bool) -> None:
    with pytest.raises(ValidationError) as exc:
        split_args('-name "My Server', windows=windows)
    assert "malformed arguments" in exc.value.by_field()["args"]
