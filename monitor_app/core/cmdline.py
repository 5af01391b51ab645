"""Turning an argument line typed by a user into a list and back, by the rules of the target OS.

Windows programs parse their own command line (``CommandLineToArgvW`` rules); POSIX shells use
``shlex``. Unbalanced quotes are reported instead of guessed, so a user sees why an argument is wrong.
"""

import shlex
import subprocess

from monitor_app.core.errors import FieldError, ValidationError


def split_args(text: str, *, windows: bool) -> tuple[str, ...]:
    """Split an argument line.

    Raises:
        ValidationError: on unbalanced quotes or NUL characters.
    """
    if "\x00" in text:
        raise ValidationError([FieldError("args", "arguments cannot contain NUL characters")])
    if windows:
        return _split_windows(text)
    try:
        return tuple(shlex.split(text, posix=True))
    except ValueError as exc:  # "No closing quotation", "No escaped character"
        raise ValidationError([FieldError("args", f"malformed arguments: {exc}")]) from None


def join_args(args: tuple[str, ...] | list[str], *, windows: bool) -> str:
    """The inverse of :func:`split_args`: a line that splits back to exactly ``args``."""
    if windows:
        return subprocess.list2cmdline(list(args))
    return shlex.join(args)


def _split_windows(text: str) -> tuple[str, ...]:
    """``CommandLineToArgvW`` rules (as the MSVC runtime since 2008 applies them to arguments)."""
    args: list[str] = []
    current: list[str] = []
    in_quotes = False
    have_arg = False
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            j = i
            while j < n and text[j] == "\\":
                j += 1
            count = j - i
            if j < n and text[j] == '"':
                current.append("\\" * (count // 2))
                if count % 2:
                    current.append('"')
                    i = j + 1
                else:
                    i = j
            else:
                current.append("\\" * count)
                i = j
            have_arg = True
            continue
        if ch == '"':
            if in_quotes and i + 1 < n and text[i + 1] == '"':
                current.append('"')  # "" inside quotes is a literal quote
                i += 2
                continue
            in_quotes = not in_quotes
            have_arg = True
            i += 1
            continue
        if ch in " \t" and not in_quotes:
            if have_arg:
                args.append("".join(current))
                current, have_arg = [], False
            i += 1
            continue
        current.append(ch)
        have_arg = True
        i += 1
    if in_quotes:
        raise ValidationError([FieldError("args", "malformed arguments: no closing quotation")])
    if have_arg:
        args.append("".join(current))
    return tuple(args)
