"""The bundled backup plugin: zips a program's folder (e.g. Palworld's ``Pal/Saved``) and restores it.

``archive`` is the file work, with no Qt and nothing from monitor_app: create a backup, verify it, list and
prune the backups of a folder, restore one. Every function runs to completion on the calling thread (a job
worker), reports progress through a ``progress(done, total)`` callback and stops early when a
``cancelled()`` callback says so. Scheduling, the job queue and the panel wrap it from outside.
"""
