"""Where bundled files (translations, icons) live: next to the package in a checkout, in the PyInstaller
bundle (``sys._MEIPASS``) when frozen."""

import sys
from pathlib import Path


def resource_dir() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def translations_dir() -> Path:
    return resource_dir() / "translations"


def bundled_plugins_dir() -> Path:
    """The plugins shipped with monitor_app (``plugins/`` in a checkout, bundled beside ``resources``)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "plugins"
    return Path(__file__).resolve().parent.parent / "plugins"
