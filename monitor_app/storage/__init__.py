"""Persistence: programs, runtimes, the event log, tiered metric history and accounts in one SQLite file.

The only package that imports Peewee; it hands out core dataclasses only.
"""

from monitor_app.storage.batch import WriteBatch
from monitor_app.storage.repository import Storage
from monitor_app.storage.retention import Retention

__all__ = ["Retention", "Storage", "WriteBatch"]
