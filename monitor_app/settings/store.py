"""The settings file: TOML, only the values the user changed, written atomically, never lost when unreadable.

Loading never raises and never crashes the program: a missing file means defaults, a value that does not fit
falls back to its default, a file that is not TOML is kept aside as ``<name>.broken-<timestamp>``. Each of these
is logged as a WARNING so the user can find out why a setting did not stick. Loading never writes the file
(apart from that rename): a file from a newer monitor_app stays as it is until the user saves.
"""

import itertools
import logging
import math
import os
import tomllib
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from monitor_app.core.errors import ValidationError
from monitor_app.settings.errors import SettingsError
from monitor_app.settings.files import replace_file
from monitor_app.settings.migrations import MIGRATIONS, Document, Migrations
from monitor_app.settings.schema import (
    FIELDS,
    RETENTION_FIELDS,
    SCHEMA_VERSION,
    SECTIONS,
    FieldInfo,
    Settings,
    check_field,
    validate_settings,
)

log = logging.getLogger(__name__)

SETTINGS_FILE_NAME = "settings.toml"
VERSION_KEY = "schema_version"
_BY_LOCATION: dict[tuple[str, str], FieldInfo] = {(info.section, info.key): info for info in FIELDS.values()}
_SECTION_OF_KEY: dict[str, str] = {info.key: info.section for info in FIELDS.values()} | {
    info.name: info.section for info in FIELDS.values()
}


class SettingsStore:
    """Reads and writes one settings file.

    Args:
        path: The TOML file, usually ``<data dir>/settings.toml``; its folder is created on the first save.
        migrations: Upgrade steps for older files (tests pass their own registry).
        now: Local time for the name a broken file is kept under.
    """

    def __init__(
        self,
        path: Path,
        *,
        migrations: Migrations = MIGRATIONS,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        self._path = Path(path)
        self._migrations = migrations
        self._now = now

    @property
    def path(self) -> Path:
        return self._path

    def load(self) -> Settings:
        """The saved settings; defaults for anything missing, unreadable or invalid (each logged as a WARNING)."""
        try:
            data = self._path.read_bytes()
        except FileNotFoundError:
            log.info("no settings file at %s yet; using the defaults", self._path)
            return Settings()
        except OSError as exc:
            log.warning("cannot read the settings file %s (%s); using the defaults", self._path, exc)
            return Settings()
        try:
            # utf-8-sig: Windows editors may put a byte-order mark in front, which TOML itself does not allow.
            document = tomllib.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            self._keep_aside(f"is not valid TOML ({exc})")
            return Settings()
        version = self._version(document)
        if version < SCHEMA_VERSION:
            try:
                document = self._migrations.upgrade(document, version, SCHEMA_VERSION)
            except Exception as exc:  # a faulty step must not stop the program from starting
                log.error(
                    "cannot upgrade the settings file %s from version %d", self._path, version, exc_info=exc
                )
                self._keep_aside(f"could not be upgraded from settings version {version}")
                return Settings()
            log.info(
                "upgraded the settings read from %s from version %d to %d",
                self._path,
                version,
                SCHEMA_VERSION,
            )
        elif version > SCHEMA_VERSION:
            log.warning(
                "the settings file %s was written by a newer monitor_app (settings version %d, this one knows %d); "
                "reading the settings this version knows and leaving the file as it is until you save",
                self._path,
                version,
                SCHEMA_VERSION,
            )
        return self._settings_from(document, newer=version > SCHEMA_VERSION)

    def save(self, settings: Settings) -> None:
        """Write the values that differ from the defaults; a crash or error mid-way keeps the previous file.

        Raises:
            SettingsError: the folder or file cannot be written (the message names the path and the reason).
        """
        text = render_toml(settings)
        try:
            replace_file(self._path, text, durable=True)
        except OSError as exc:
            raise SettingsError(f"cannot save the settings to {self._path}: {exc}") from exc
        log.debug("saved the settings to %s", self._path)

    def _version(self, document: Document) -> int:
        raw = document.pop(VERSION_KEY, SCHEMA_VERSION)  # a hand-written file without it is taken as current
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            log.warning(
                "settings file %s: %s = %r is not a version number; reading it as version %d",
                self._path,
                VERSION_KEY,
                raw,
                SCHEMA_VERSION,
            )
            return SCHEMA_VERSION
        return raw

    def _settings_from(self, document: Document, *, newer: bool) -> Settings:
        # A newer file is expected to hold names this version does not know: say so once (above), not per key.
        report_unknown = log.info if newer else log.warning
        values: dict[str, Any] = {}
        for section, table in document.items():
            if section not in SECTIONS:
                home = _SECTION_OF_KEY.get(section)
                if home is not None and not isinstance(table, dict):
                    log.warning(
                        "settings file %s: %r belongs in the [%s] table; ignored here",
                        self._path,
                        section,
                        home,
                    )
                else:
                    report_unknown("settings file %s: unknown setting %r ignored", self._path, section)
                continue
            if not isinstance(table, dict):
                log.warning(
                    "settings file %s: %r should be a table ([%s]); ignored", self._path, section, section
                )
                continue
            for key, value in table.items():
                info = _BY_LOCATION.get((section, key))
                if info is None:
                    report_unknown(
                        "settings file %s: unknown setting %s.%s ignored", self._path, section, key
                    )
                    continue
                try:
                    values[info.name] = check_field(info.name, value)
                except ValidationError as exc:
                    log.warning(
                        "settings file %s: %s.%s = %r %s; using the default %r",
                        self._path,
                        section,
                        key,
                        value,
                        exc.errors[0].message,
                        info.default,
                    )
        return self._consistent(values)

    def _consistent(self, values: dict[str, Any]) -> Settings:
        try:
            return validate_settings(values)
        except ValidationError as first:
            # Each value is fine alone but they contradict each other (raw retention longer than the minute
            # one): give back as few of the user's choices as possible, the earliest tiers first.
            for dropped in _subsets([name for name in RETENTION_FIELDS if name in values]):
                try:
                    settings = validate_settings({k: v for k, v in values.items() if k not in dropped})
                except ValidationError:
                    continue
                log.warning(
                    "settings file %s: %s; using the default for %s",
                    self._path,
                    first.message,
                    ", ".join(dropped),
                )
                return settings
            log.warning("settings file %s: %s; using the defaults", self._path, first.message)
            return Settings()

    def _keep_aside(self, reason: str) -> None:
        # Never lose the user's file silently: it may hold hours of hand-tuning next to one typo.
        stamp = self._now().strftime("%Y%m%d-%H%M%S")
        for attempt in itertools.count():
            suffix = "" if attempt == 0 else f"-{attempt}"
            target = self._path.with_name(f"{self._path.name}.broken-{stamp}{suffix}")
            if not target.exists():
                break
        try:
            os.replace(self._path, target)
        except OSError as exc:
            log.warning(
                "the settings file %s %s, and it cannot be renamed (%s); using the defaults",
                self._path,
                reason,
                exc,
            )
            return
        log.warning(
            "the settings file %s %s; kept it as %s and using the defaults", self._path, reason, target.name
        )


def render_toml(settings: Settings) -> str:
    """The file text for ``settings``: the version and the non-default values, each under a comment saying why."""
    changed = settings.non_defaults()
    lines = [
        "# monitor_app settings. Only values that differ from the defaults are listed;",
        "# delete a line to go back to its default.",
        f"{VERSION_KEY} = {SCHEMA_VERSION}",
    ]
    for section in SECTIONS:
        entries = [info for info in FIELDS.values() if info.section == section and info.name in changed]
        if not entries:
            continue
        lines.extend(["", f"[{_toml_key(section)}]"])
        for info in entries:
            lines.append(f"# {info.description}")
            lines.append(f"{_toml_key(info.key)} = {toml_value(changed[info.name])}")
    return "\n".join(lines) + "\n"


def toml_value(value: bool | float | str) -> str:
    """One scalar in TOML syntax (``ValueError`` for anything else, NaN and infinities included)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} has no place in a settings file")
        return repr(value)  # shortest round-tripping form: "0.05", "1e-05", "1e+16" are all TOML floats
    if isinstance(value, str):
        return _toml_string(value)
    raise ValueError(f"cannot write a {type(value).__name__} to a settings file")


_STRING_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def _toml_string(text: str) -> str:
    # A TOML basic string: quote and backslash escaped, control characters (U+0000-U+001F, U+007F) as escapes.
    out = []
    for ch in text:
        if ch in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_key(key: str) -> str:
    bare = key != "" and all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in key)
    return key if bare else _toml_string(key)


def _subsets(names: list[str]) -> Iterable[tuple[str, ...]]:
    for size in range(1, len(names) + 1):
        yield from itertools.combinations(names, size)
