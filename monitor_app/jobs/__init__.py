"""The job queue: work that must not block anyone and must survive a restart (webhook deliveries, scheduled
and rule actions). Pure state here; the worker threads that run jobs live in ``workers.jobs``."""

from monitor_app.jobs.queue import JobQueue
from monitor_app.jobs.retry import RetryPolicy

__all__ = ["JobQueue", "RetryPolicy"]
