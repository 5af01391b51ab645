"""The registered programs and what must survive a monitor restart about them (pid, restarts, last exit).

A spec is stored as JSON of every ``ProgramSpec`` field except ``id``. Loading ignores keys it does not
know and fills missing ones with the dataclass defaults, so a database written by an older or newer
release of the same schema still loads.
"""

import json
import logging
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any

from monitor_app.core.model import ProcessIdentity, ProgramRuntime, ProgramSpec
from monitor_app.core.states import RestartPolicy
from monitor_app.storage import meta
from monitor_app.storage.metric_tables import TIERS

log = logging.getLogger(__name__)

_SPEC_FIELDS = {f.name: f for f in fields(ProgramSpec) if f.name != "id"}


def spec_to_json(spec: ProgramSpec) -> str:
    """Every field but ``id`` as a JSON object (enums as their values, sequences as lists)."""
    document: dict[str, Any] = {}
    for name in _SPEC_FIELDS:
        value = getattr(spec, name)
        if isinstance(value, RestartPolicy):
            value = value.value
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, Mapping):
            value = dict(value)
        document[name] = value
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def spec_from_json(program_id: int, name: str, text: str) -> ProgramSpec:
    """Rebuild a spec from its JSON; unknown keys are ignored, missing ones take the defaults.

    ``name`` comes from the table's column, the one the uniqueness constraint guards.
    """
    document = json.loads(text)
    if not isinstance(document, dict):
        document = {}
    values: dict[str, Any] = {key: value for key, value in document.items() if key in _SPEC_FIELDS}
    values["name"] = name
    values.setdefault("path", "")
    policy = values.get("restart_policy")
    if policy is not None and policy not in {p.value for p in RestartPolicy}:
        log.warning("program %d has an unknown restart policy %r; using the default", program_id, policy)
        del values["restart_policy"]
    return ProgramSpec(**values, id=program_id)


def upsert_programs(connection: sqlite3.Connection, specs: Iterable[ProgramSpec], now: float) -> None:
    """Insert or replace programs by id, keeping their creation time; raise the id high-water mark."""
    rows = [(spec.id, spec.name, spec_to_json(spec), now, now) for spec in specs]
    # Names are unique, and one batch may swap two programs' names: first park the changing rows on names no
    # user can type (names have no control characters), so the order of the upserts cannot trip the constraint.
    connection.executemany("UPDATE programs SET name = char(1) || id WHERE id = ?", [(row[0],) for row in rows])
    connection.executemany(
        "INSERT INTO programs (id, name, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET "
        "name = excluded.name, spec = excluded.spec, updated_at = excluded.updated_at",
        rows,
    )
    if rows:
        meta.raise_int(connection, meta.LAST_PROGRAM_ID, max(row[0] for row in rows))


def remove_programs(connection: sqlite3.Connection, program_ids: Iterable[int]) -> None:
    """Delete programs with their runtime and every stored sample; the event log keeps their history."""
    ids = [(program_id,) for program_id in program_ids]
    if not ids:
        return
    for tier in TIERS:
        connection.executemany(f"DELETE FROM {tier.program_table} WHERE program_id = ?", ids)
    connection.executemany("DELETE FROM program_runtime WHERE program_id = ?", ids)
    connection.executemany("DELETE FROM programs WHERE id = ?", ids)
    # A removed id stays taken even if it was never recorded as the high-water mark (older databases).
    meta.raise_int(connection, meta.LAST_PROGRAM_ID, max(row[0] for row in ids))


def upsert_runtimes(connection: sqlite3.Connection, runtimes: Iterable[ProgramRuntime]) -> None:
    rows = [
        (
            runtime.program_id,
            runtime.identity.pid if runtime.identity else None,
            runtime.identity.create_time if runtime.identity else None,
            runtime.identity.exe if runtime.identity else None,
            runtime.restarts,
            runtime.last_exit_code,
        )
        for runtime in runtimes
    ]
    connection.executemany(
        "INSERT OR REPLACE INTO program_runtime "
        "(program_id, pid, create_time, exe, restarts, last_exit_code) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


def load_programs(connection: sqlite3.Connection) -> tuple[ProgramSpec, ...]:
    """Every program, ordered by id."""
    rows = connection.execute("SELECT id, name, spec FROM programs ORDER BY id").fetchall()
    return tuple(spec_from_json(program_id, name, text) for program_id, name, text in rows)


def program_ids(connection: sqlite3.Connection) -> set[int]:
    return {row[0] for row in connection.execute("SELECT id FROM programs")}


def load_runtimes(connection: sqlite3.Connection) -> dict[int, ProgramRuntime]:
    rows = connection.execute(
        "SELECT program_id, pid, create_time, exe, restarts, last_exit_code FROM program_runtime"
    ).fetchall()
    runtimes: dict[int, ProgramRuntime] = {}
    for program_id, pid, create_time, exe, restarts, last_exit_code in rows:
        identity = None
        if pid is not None and create_time is not None:
            identity = ProcessIdentity(pid=pid, create_time=create_time, exe=exe or "")
        runtimes[program_id] = ProgramRuntime(
            program_id=program_id, identity=identity, restarts=restarts, last_exit_code=last_exit_code
        )
    return runtimes


def last_program_id(connection: sqlite3.Connection) -> int:
    """The highest id ever used: the high-water mark, or the largest id present if that is higher."""
    recorded = meta.read_int(connection, meta.LAST_PROGRAM_ID) or 0
    (largest,) = connection.execute("SELECT MAX(id) FROM programs").fetchone()
    return max(recorded, largest or 0)
