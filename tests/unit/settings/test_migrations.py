"""The migration registry: one-version steps, chained, on raw documents."""

import pytest

from monitor_app.settings import MIGRATIONS, SCHEMA_VERSION, Migrations, SettingsError


def test_migrations_chain_steps_in_version_order() -> None:
    registry = Migrations()
    seen: list[int] = []

    @registry.migrator(1)
    def one_to_two(doc: dict) -> dict:
        seen.append(1)
        doc["b"] = doc.pop("a") * 2
        return doc

    @registry.migrator(0)
    def zero_to_one(doc: dict) -> dict:
        seen.append(0)
        doc["a"] = doc.pop("x") + 1
        return doc

    original = {"x": 1, "keep": {"t": 1}}
    assert registry.upgrade(original, 0, 2) == {"b": 4, "keep": {"t": 1}}
    assert seen == [0, 1]
    assert original == {"x": 1, "keep": {"t": 1}}, "the caller's document is not modified"
    assert registry.upgrade({"a": 1}, 1, 2) == {"b": 2}
    assert registry.versions() == (0, 1)


def test_migrations_refuse_duplicate_and_negative_versions() -> None:
    registry = Migrations()
    registry.migrator(0)(lambda doc: doc)
    with pytest.raises(ValueError, match="already registered"):
        registry.migrator(0)
    with pytest.raises(ValueError, match=">= 0"):
        registry.migrator(-1)


def test_migrations_missing_step_names_the_gap() -> None:
    registry = Migrations()
    registry.migrator(0)(lambda doc: doc)
    with pytest.raises(SettingsError, match="from version 1 to 2"):
        registry.upgrade({}, 0, 2)


def test_migrations_step_must_return_a_table() -> None:
    registry = Migrations()
    registry.migrator(0)(lambda doc: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(SettingsError, match="returned NoneType"):
        registry.upgrade({}, 0, 1)


def test_migrations_registry_covers_every_released_version() -> None:
    # Version 1 is the first layout; each later bump needs a step from every version since.
    assert set(range(1, SCHEMA_VERSION)) <= set(MIGRATIONS.versions())
