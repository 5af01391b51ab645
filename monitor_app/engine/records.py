"""``RecordRegistry``: the user's automation records (webhooks, alert rules, schedules), authoritative in memory.

Written behind like everything else (``persist`` hands each change to the storage thread). Read from any
thread: the mapping is replaced as a whole on every change, never mutated, so readers (a job worker looking
up its endpoint, the HTTP thread listing rules) need no lock; writers take one.
"""

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any, Protocol

from monitor_app.core.errors import ConflictError, FieldError, NotFoundError, ValidationError


class _Record(Protocol):
    @property
    def id(self) -> int: ...


#: Builds a validated record from REST-shaped JSON; ``existing`` is the record being changed (None = new).
Parser = Callable[[Mapping[str, object], Any], Any]


class RecordRegistry[T: _Record]:
    """Records of one kind by id.

    Args:
        records: Loaded from storage.
        last_id: Highest id ever handed out (ids are never reused).
        parse: Validation (raises ValidationError).
        persist: Called with (id, record or None for a removal) after each change.
        noun: For error messages ("webhook", "alert rule").
        limit: Most records allowed.
    """

    def __init__(
        self,
        records: Iterable[T],
        *,
        last_id: int,
        parse: Parser,
        persist: Callable[[int, T | None], None],
        noun: str,
        limit: int = 1000,
    ) -> None:
        self._records: Mapping[int, T] = MappingProxyType({r.id: r for r in records})
        self._next_id = max([last_id, *self._records]) + 1
        self._parse = parse
        self._persist = persist
        self._noun = noun
        self._limit = limit
        self._lock = threading.Lock()

    def all(self) -> tuple[T, ...]:
        records = self._records
        return tuple(records[i] for i in sorted(records))

    def get(self, record_id: int) -> T:
        try:
            return self._records[record_id]
        except KeyError:
            raise NotFoundError(f"no {self._noun} with id {record_id}") from None

    def find(self, record_id: int) -> T | None:
        """The current record, or None if it was removed."""
        return self._records.get(record_id)

    def add(self, data: Mapping[str, object], *, now: float) -> T:
        """Raises ValidationError, or ConflictError past the limit."""
        with self._lock:
            if len(self._records) >= self._limit:
                raise ConflictError(f"at most {self._limit} {self._noun}s can be registered")
            record = replace(self._parse(data, None), id=self._next_id, created_at=now)  # type: ignore[type-var]
            self._next_id += 1
            self._set(record.id, record)
        return record

    def update(self, record_id: int, data: Mapping[str, object]) -> T:
        with self._lock:
            existing = self.get(record_id)
            record = replace(self._parse(data, existing), id=record_id, created_at=existing.created_at)  # type: ignore[attr-defined,type-var]
            self._set(record_id, record)
        return record

    def remove(self, record_id: int) -> T:
        with self._lock:
            record = self.get(record_id)
            self._set(record_id, None)
        return record

    def _set(self, record_id: int, record: T | None) -> None:
        changed = dict(self._records)
        if record is None:
            changed.pop(record_id, None)
        else:
            changed[record_id] = record
        self._records = MappingProxyType(changed)
        self._persist(record_id, record)


def check_program(data: Mapping[str, object], program_name: Callable[[int], str | None]) -> None:
    """A rule or schedule naming a program must name one that exists (ValidationError otherwise)."""
    program_id = data.get("program_id")
    if isinstance(program_id, int) and not isinstance(program_id, bool) and program_name(program_id) is None:
        raise ValidationError([FieldError("program_id", f"no program with id {program_id}")])
