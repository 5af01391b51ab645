"""Reading query parameters: one error shape for every endpoint (a ``ValidationError`` naming the parameter)."""

import math
from typing import Any

from monitor_app.core.errors import FieldError, ValidationError
from monitor_app.httpapi.dispatch import Context


def invalid(name: str, message: str) -> ValidationError:
    return ValidationError([FieldError(name, message)])


def int_query(c: Context, name: str, default: int | None, low: int, high: int) -> Any:
    raw = c.request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(name, "must be a whole number") from None
    if not low <= value <= high:
        raise invalid(name, f"must be between {low} and {high}")
    return value


def float_query(c: Context, name: str) -> float | None:
    raw = c.request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise invalid(name, "must be a number (seconds since 1970)") from None
    if not math.isfinite(value):
        raise invalid(name, "must be a finite number")
    return value
