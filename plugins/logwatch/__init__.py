"""The bundled log-watcher plugin's core (no Qt): follow log files and turn matching lines into events.

- ``follow.LogFollower``: ``tail -F`` for paths and globs, polled by the plugin's worker thread (e.g. every
  100 ms): rotation, truncation, new and deleted files, per-line decoding (UTF-8, then the system code page such
  as cp949, then replacement characters), a bounded ring of recent lines for the live panel (``tail``,
  ``search``), and an optional watchdog wake-up.
- ``rules.RuleMatcher``: regex ``LogRule``s to ``RuleHit`` events (``player_joined``, ``error``…) with a token
  bucket per rule.

Stdlib and ``watchdog`` only; nothing from ``monitor_app`` (a plugin may import ``monitor_app.pluginhost.api``
alone, which the manifest and the Qt worker/panel will use).
"""
