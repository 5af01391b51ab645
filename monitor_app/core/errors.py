"""Errors the engine raises to its callers; each carries a stable code for the REST API and the GUI."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class MonitorError(Exception):
    """Base of every error the engine reports to a user."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid field: which, and what the user should change."""

    field: str
    message: str


class ValidationError(MonitorError):
    """Input that cannot be accepted; nothing was changed."""

    code = "validation_error"

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors) or "invalid input")

    def by_field(self) -> Mapping[str, str]:
        """The first message for each field, for inline display next to form fields."""
        out: dict[str, str] = {}
        for error in self.errors:
            out.setdefault(error.field, error.message)
        return out


class NotFoundError(MonitorError):
    """The program (or other object) does not exist."""

    code = "not_found"


class ConflictError(MonitorError):
    """The request is valid but not in the current state (e.g. start a running program)."""

    code = "conflict"


class ForbiddenError(MonitorError):
    """The signed-in user may not do this (a guest asking for a change); nothing was changed."""

    code = "forbidden"


class LaunchError(MonitorError):
    """The operating system refused to start a program."""

    code = "launch_failed"


class StorageError(MonitorError):
    """The database cannot be opened, migrated or written."""

    code = "storage_error"
