"""Upgrade steps for settings files written by older versions, applied to the raw TOML document on load.

A step is registered with ``@migrator(from_version)`` and turns a document of ``from_version`` into one of
``from_version + 1`` (rename a key, convert a unit, split a table). Steps see plain dicts, never ``Settings``,
because an old file may hold names the current schema no longer has.
"""

import copy
from collections.abc import Callable
from typing import Any

from monitor_app.settings.errors import SettingsError

Document = dict[str, Any]
Migrator = Callable[[Document], Document]


class Migrations:
    """A registry of one-version upgrade steps, chained by ``upgrade``."""

    def __init__(self) -> None:
        self._steps: dict[int, Migrator] = {}

    def migrator(self, from_version: int) -> Callable[[Migrator], Migrator]:
        """Decorator: register ``func`` as the step from ``from_version`` to ``from_version + 1``.

        Raises:
            ValueError: the version is negative or already has a step (two steps would make the result depend
                on import order).
        """
        if isinstance(from_version, bool) or not isinstance(from_version, int) or from_version < 0:
            raise ValueError(f"a settings migrator starts from a version >= 0, not {from_version!r}")
        if from_version in self._steps:
            raise ValueError(f"a settings migrator from version {from_version} is already registered")

        def register(func: Migrator) -> Migrator:
            self._steps[from_version] = func
            return func

        return register

    def upgrade(self, document: Document, from_version: int, to_version: int) -> Document:
        """Apply every step from ``from_version`` up to ``to_version``; the input document is not modified.

        Raises:
            SettingsError: a step in the chain is missing or returned something other than a table.
        """
        current = copy.deepcopy(document)
        for version in range(from_version, to_version):
            step = self._steps.get(version)
            if step is None:
                raise SettingsError(
                    f"no settings migration from version {version} to {version + 1}; "
                    f"this monitor_app cannot read settings version {from_version}"
                )
            result = step(current)
            if not isinstance(result, dict):
                raise SettingsError(
                    f"settings migration {version} -> {version + 1} returned {type(result).__name__}, not a table"
                )
            current = result
        return current

    def versions(self) -> tuple[int, ...]:
        """The versions a step starts from, ascending (for tests and diagnostics)."""
        return tuple(sorted(self._steps))


#: The registry the application uses. Version 1 is the first settings layout, so it holds no steps yet.
MIGRATIONS = Migrations()
migrator = MIGRATIONS.migrator
