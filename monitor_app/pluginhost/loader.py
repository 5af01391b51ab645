"""Finding and importing plugins: bundled ones (the top-level ``plugins/`` folder) and the user's
(``<data dir>/plugins``). A folder that is not a working plugin is reported with the reason and skipped;
nothing a plugin does while being imported can stop the monitor.
"""

import importlib.machinery
import importlib.util
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from monitor_app.pluginhost.api import API_VERSION, MIN_API_VERSION, Plugin
from monitor_app.pluginhost.manifest import MANIFEST_NAME, ManifestError, PluginManifest, read_manifest

log = logging.getLogger(__name__)

#: Plugins are imported as sub-packages of this name, so a plugin's modules may import each other relatively.
PACKAGE = "monitor_app_plugins"


@dataclass(frozen=True, slots=True)
class PluginInfo:
    """A plugin found on disk: loaded (``cls`` set) or not (``error`` says why)."""

    folder: Path
    manifest: PluginManifest | None
    cls: type[Plugin] | None = None
    error: str = ""

    @property
    def id(self) -> str:
        return self.manifest.id if self.manifest else self.folder.name

    @property
    def loaded(self) -> bool:
        return self.cls is not None


def discover(roots: Iterable[Path]) -> list[PluginInfo]:
    """Load every plugin folder below ``roots`` (earlier roots win when two share an id)."""
    found: dict[str, PluginInfo] = {}
    for root in roots:
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if (p / MANIFEST_NAME).is_file()):
            info = load(folder)
            if info.id in found:
                log.warning("plugin %s in %s ignored: %s already has that id", info.id, folder, found[info.id].folder)
                continue
            found[info.id] = info
            if info.error:
                log.warning("plugin in %s not loaded: %s", folder, info.error)
    return list(found.values())


def load(folder: Path) -> PluginInfo:
    """Read the manifest, check the API version, import the entry class."""
    try:
        manifest = read_manifest(folder)
    except ManifestError as exc:
        return PluginInfo(folder, None, error=str(exc))
    if not MIN_API_VERSION <= manifest.api_version <= API_VERSION:
        return PluginInfo(
            folder,
            manifest,
            error=f"written for plugin API {manifest.api_version}; this monitor_app supports "
            f"{MIN_API_VERSION}–{API_VERSION}: update the plugin or monitor_app",
        )
    try:
        cls = _import_entry(manifest)
    except Exception as exc:  # whatever a broken plugin raises while importing
        log.debug("importing plugin %s failed", manifest.id, exc_info=True)
        return PluginInfo(folder, manifest, error=f"cannot be imported: {type(exc).__name__}: {exc}")
    return PluginInfo(folder, manifest, cls=cls)


def _import_entry(manifest: PluginManifest) -> type[Plugin]:
    """Import ``entry`` from the folder as ``monitor_app_plugins.<id>.<module>`` (the folder is the package)."""
    for name, path in ((PACKAGE, []), (f"{PACKAGE}.{manifest.id}", [str(manifest.folder)])):
        if name not in sys.modules:
            module = importlib.util.module_from_spec(importlib.machinery.ModuleSpec(name, None, is_package=True))
            module.__path__ = path  # type: ignore[attr-defined]
            sys.modules[name] = module
    entry = importlib.import_module(f"{PACKAGE}.{manifest.id}.{manifest.module}")
    cls = getattr(entry, manifest.class_name, None)
    if not isinstance(cls, type) or not issubclass(cls, Plugin):
        raise TypeError(f"{manifest.entry} is not a subclass of monitor_app.pluginhost.api.Plugin")
    return cls
