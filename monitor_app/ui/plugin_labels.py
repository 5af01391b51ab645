"""Words and colours for plugins in the UI: instance statuses, the engine's field messages, action results.

Shared by the Plugins tab, its settings form and its dialogs. Every text goes through
``QCoreApplication.translate`` with its literal spelled out, so lupdate finds it. What a plugin itself says
(its labels, help lines, panel facts, error messages) is shown as the plugin wrote it.
"""

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication

#: Colours of instance statuses (the program states' palette: green runs, blue starts, red failed, grey idle).
STATUS_COLORS: dict[str, str] = {
    "running": "#2e9d4f",
    "starting": "#2f7fd1",
    "failed": "#c9362c",
    "disabled": "#d08a1f",
    "stopped": "#8a8f96",
    "not loaded": "#c9362c",
    "off": "#8a8f96",
}
ERROR_COLOR = "#c9362c"
ERROR_STYLE = f"color: {ERROR_COLOR};"
HINT_STYLE = "color: palette(mid);"
#: Rows of a list result shown in the result table (the rest are counted).
MAX_RESULT_ROWS = 500
#: Characters of a result in the status bar.
MAX_SUMMARY = 120


def status_key(described: Mapping[str, Any]) -> str:
    """The status to show: ``off`` for an instance the user switched off, else the engine's status."""
    if not described.get("enabled", True):
        return "off"
    return str(described.get("status") or "stopped")


def status_label(status: str) -> str:
    labels = {
        "running": QCoreApplication.translate("Plugins", "Running"),
        "starting": QCoreApplication.translate("Plugins", "Starting…"),
        "failed": QCoreApplication.translate("Plugins", "Failed"),
        "disabled": QCoreApplication.translate("Plugins", "Disabled"),
        "stopped": QCoreApplication.translate("Plugins", "Stopped"),
        "not loaded": QCoreApplication.translate("Plugins", "Not loaded"),
        "off": QCoreApplication.translate("Plugins", "Switched off"),
    }
    return labels.get(status, status)


def status_text(described: Mapping[str, Any]) -> str:
    """"Running", "Failed: the server refused…", "Switched off" — the status with its reason."""
    status = status_key(described)
    reason = str(described.get("reason") or "") if status != "off" else ""
    label = status_label(status)
    return f"{label}: {reason}" if reason else label


def can_run_actions(described: Mapping[str, Any]) -> bool:
    """Whether the instance can take actions now (a failed one may: its actions report why not)."""
    return status_key(described) in ("running", "starting", "failed")


def field_message(message: str) -> str:
    """An engine message about a setting (the small vocabulary of ``pluginhost.settings``) in the UI language;
    any other message as it is."""
    fixed = {
        "is required": QCoreApplication.translate("Plugins", "is required"),
        "unknown setting": QCoreApplication.translate("Plugins", "unknown setting"),
        "must be a number": QCoreApplication.translate("Plugins", "must be a number"),
        "must be a whole number": QCoreApplication.translate("Plugins", "must be a whole number"),
        "must be true or false": QCoreApplication.translate("Plugins", "must be true or false"),
        "must be text": QCoreApplication.translate("Plugins", "must be text"),
    }
    if message in fixed:
        return fixed[message]
    patterns = (
        (r"must be at least (\S+)", QCoreApplication.translate("Plugins", "must be at least %1")),
        (
            r"must be at most (\d+) characters",
            QCoreApplication.translate("Plugins", "must be at most %1 characters"),
        ),
        (r"must be at most (\S+)", QCoreApplication.translate("Plugins", "must be at most %1")),
        (r"must be one of: (.+)", QCoreApplication.translate("Plugins", "must be one of: %1")),
    )
    for pattern, text in patterns:
        match = re.fullmatch(pattern, message)
        if match is not None:
            return text.replace("%1", match.group(1))
    return message


# ---------------------------------------------------------------------- results


def value_text(value: Any) -> str:
    """One cell or fact: text as it is, numbers plainly, nested data as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        if value:
            return QCoreApplication.translate("Plugins", "yes")
        return QCoreApplication.translate("Plugins", "no")
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str | int):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    except (TypeError, ValueError):
        return str(value)


def result_table(result: Any) -> tuple[list[str], list[list[str]], int] | None:
    """A list or a dict as (headers, rows, rows left out); None for a result that reads as one line.

    A list of objects becomes one row per object with a column per key (in order of first appearance); a list
    of plain values one column; an object two columns, key and value. Headers are empty when they would
    only repeat "value".
    """
    if isinstance(result, Mapping):
        if not result:
            return None
        rows = [[str(key), value_text(value)] for key, value in result.items()]
        return ["", ""], rows[:MAX_RESULT_ROWS], max(0, len(rows) - MAX_RESULT_ROWS)
    if isinstance(result, Sequence) and not isinstance(result, str | bytes):
        if not result:
            return None
        shown = list(result)[:MAX_RESULT_ROWS]
        left = len(result) - len(shown)
        if all(isinstance(item, Mapping) for item in shown):
            keys: list[str] = []
            for item in shown:
                keys.extend(str(k) for k in item if str(k) not in keys)
            rows = [[value_text(_get(item, key)) for key in keys] for item in shown]
            return keys, rows, left
        return [""], [[value_text(item)] for item in shown], left
    return None


def _get(item: Mapping[Any, Any], key: str) -> Any:
    if key in item:
        return item[key]
    return next((value for k, value in item.items() if str(k) == key), None)


def result_summary(result: Any) -> str:
    """A result in one line (status bar, and the result area for plain values)."""
    if result is None:
        return QCoreApplication.translate("Plugins", "done")
    if isinstance(result, Mapping):
        text = value_text(dict(result)) if result else QCoreApplication.translate("Plugins", "done")
    elif isinstance(result, Sequence) and not isinstance(result, str | bytes):
        text = QCoreApplication.translate("Plugins", "%n item(s)", "", len(result))
    else:
        text = value_text(result)
    text = " ".join(text.split())
    return text if len(text) <= MAX_SUMMARY else text[: MAX_SUMMARY - 1] + "…"
