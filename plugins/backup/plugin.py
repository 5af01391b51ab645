"""The backup plugin: the archive work of ``archive.py`` offered as actions, a panel and a schedule hook.

Backing up and restoring are long-running actions: the monitor runs them as jobs (the Jobs view shows their
progress and can cancel them) on the instance's own thread, so a backup of a few GB never touches the
window. While one runs the plugin says a restart is not safe. Restoring requires the program to be stopped
(the server would overwrite the restored saves, or hold them locked on Windows).
"""

import time
from datetime import datetime
from pathlib import Path

from monitor_app.pluginhost.api import Action, Panel, PanelTable, Plugin, PluginError, RestartCheck, Setting

from .archive import (
    BackupCancelled,
    BackupError,
    create_backup,
    list_backups,
    prune_backups,
    restore_backup,
    verify_backup,
)

PREFIX_HELP = "Archive names start with this, then the date and time."


class BackupPlugin(Plugin):
    settings_schema = (
        Setting("source", "Folder to back up", required=False,
                help="Empty: the program's Pal/Saved folder if there is one, else its working folder."),
        Setting("destination", "Backup folder", required=False,
                help="Empty: a 'backups' folder in the monitor's data folder for this plugin."),
        Setting("prefix", "Name prefix", default="backup", help=PREFIX_HELP),
        Setting("keep_last", "Keep the last", kind="int", default=10, minimum=1, maximum=1000),
        Setting("keep_days", "Keep for days", kind="float", default=7.0, minimum=0, maximum=3650,
                help="A backup is kept while it is among the last N or younger than this (0: count only)."),
        Setting("before_restart", "Back up before scheduled restarts", kind="bool", default=True),
    )
    actions = (
        Action("backup", "Back up now", long_running=True),
        Action("list", "List backups", admin=False),
        Action("verify", "Verify the newest backup", admin=False),
        Action("restore", "Restore a backup", params=(Setting("name", "Archive name", required=True),),
               confirm="Restore this backup? The current folder is kept beside it as .before-restore-…",
               long_running=True),
    )

    def __init__(self, context, settings):
        super().__init__(context, settings)
        self._last = ""
        self._busy = ""  # "backup" or "restore" while one runs (read by restart_check on the engine's thread)

    # ------------------------------------------------------------------ actions

    def run_action(self, name, params):
        if name == "backup":
            return self._backup()
        if name == "list":
            return [{"name": b.path.name, "created": b.created.isoformat(timespec="seconds"), "bytes": b.size}
                    for b in list_backups(self._destination(), self._prefix())]
        if name == "verify":
            backups = list_backups(self._destination(), self._prefix())
            if not backups:
                raise PluginError("there is no backup yet")
            result = verify_backup(backups[0].path)
            return {"name": backups[0].path.name, "ok": result.ok, "problems": list(result.problems)}
        if name == "restore":
            return self._restore(str(params["name"]))
        return super().run_action(name, params)

    def before_scheduled_action(self, action, minutes_left):
        if action == "restart" and minutes_left <= 1 and self.settings.get("before_restart", True):
            try:  # a job like any other backup: progress in the Jobs view; the restart waits if it is not done
                if self.context.queue_action("backup", {}) is None:
                    self._backup()
            except PluginError as exc:
                self.context.emit("failed", {"message": f"backup before the restart failed: {exc}"})

    def restart_check(self):
        if self._busy:
            return RestartCheck(False, f"a {self._busy} is running")
        return None

    def panel(self):
        try:
            backups = list_backups(self._destination(), self._prefix())[:20]
        except (BackupError, OSError):
            backups = []
        rows = tuple({"name": b.path.name, "created": b.created.strftime("%Y-%m-%d %H:%M"),
                      "size": f"{b.size / 2**20:.1f} MB"} for b in backups)
        return Panel(
            facts=(("Folder", str(self._source())), ("Backups in", str(self._destination())),
                   ("Backups", str(len(rows)))),
            tables=(PanelTable("backups", "Backups", (("name", "Name"), ("created", "Created"), ("size", "Size")),
                               rows, (("restore", "Restore", "name"),)),),
            status=self._last,
        )

    # ------------------------------------------------------------------ work

    def _backup(self):
        started = time.monotonic()
        self._busy = "backup"
        try:
            result = create_backup(self._source(), self._destination(), prefix=self._prefix(),
                                   progress=self._reporter("backed up"), cancelled=self.context.cancelled)
            pruned = prune_backups(self._destination(), self._prefix(), keep_last=int(self.settings["keep_last"]),
                                   keep_days=float(self.settings["keep_days"]) or None)
        except BackupCancelled:
            self._last = "the last backup was cancelled"
            raise PluginError("the backup was cancelled; nothing was kept") from None
        except BackupError as exc:
            self._last = f"backup failed: {exc}"
            raise PluginError(str(exc)) from None
        finally:
            self._busy = ""
        skipped = f", {len(result.skipped)} file(s) skipped while in use" if result.skipped else ""
        self._last = f"last backup {datetime.now():%H:%M}: {result.path.name}{skipped}"
        self.context.emit("created", {"message": f"backup {result.path.name} ({result.files} files{skipped})",
                                      "seconds": round(time.monotonic() - started, 1)})
        return {"name": result.path.name, "path": str(result.path), "files": result.files, "bytes": result.bytes,
                "skipped": [s.path for s in result.skipped], "pruned": [p.name for p in pruned]}

    def _restore(self, name):
        if self.context.is_running():
            raise PluginError("stop the program first: a running server would overwrite or lock the restored files")
        archive = self._destination() / Path(name).name
        self._busy = "restore"
        try:
            result = restore_backup(archive, self._source(), progress=self._reporter("verified and restored"),
                                    cancelled=self.context.cancelled)
        except BackupCancelled:
            raise PluginError("the restore was cancelled; the folder was left as it was") from None
        except BackupError as exc:
            raise PluginError(str(exc)) from None
        finally:
            self._busy = ""
        self.context.emit("restored", {"message": f"restored {archive.name}"})
        return {"restored": archive.name, "files": result.files,
                "previous": str(result.previous) if result.previous else None}

    def _reporter(self, verb):
        """``progress(done, total)`` in bytes for archive.py, passed on to the job as "12.5 of 40.0 MB <verb>"."""

        def progress(done, total):
            self.context.progress(done, total, f"{done / 2**20:.1f} of {total / 2**20:.1f} MB {verb}")

        return progress

    def _source(self) -> Path:
        given = (self.settings.get("source") or "").strip()
        if given:
            return Path(given)
        program = Path(self.context.program.path)
        for root in (program.parent, *program.parents):
            if (root / "Pal" / "Saved").is_dir():
                return root / "Pal" / "Saved"
        return Path(self.context.program.cwd or program.parent)

    def _destination(self) -> Path:
        given = (self.settings.get("destination") or "").strip()
        return Path(given) if given else self.context.data_dir / "backups"

    def _prefix(self) -> str:
        return (self.settings.get("prefix") or "backup").strip() or "backup"
