"""PySide6's import-time source check answers as before without leaving the source in linecache."""

import importlib
import linecache
import sys
from pathlib import Path

import pytest
import shiboken6  # noqa: F401
from shibokensupport import feature

from monitor_app import pyside_import_scan


@pytest.fixture
def module_dir(tmp_path: Path):  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in ("scan_uses_qt", "scan_plain"):
        sys.modules.pop(name, None)


def test_the_app_installs_the_check_when_its_package_is_imported() -> None:
    assert feature._mod_uses_pyside is pyside_import_scan.mentions_pyside


def test_imported_modules_are_classified_without_caching_their_lines(module_dir: Path) -> None:
    (module_dir / "scan_uses_qt.py").write_text("from PySide6.QtCore import QObject\n" + "x = 1\n" * 5000)
    (module_dir / "scan_plain.py").write_text("y = 2\n" * 5000)
    # Through __import__, as an import statement does: shiboken hooks that, not importlib.import_module.
    __import__("scan_uses_qt")
    __import__("scan_plain")
    assert feature.pyside_feature_dict["scan_uses_qt"] == 0  # may use __feature__, as shiboken decides itself
    assert feature.pyside_feature_dict["scan_plain"] == -1
    assert str(module_dir / "scan_uses_qt.py") not in linecache.cache
    assert str(module_dir / "scan_plain.py") not in linecache.cache


def test_modules_without_source_are_not_pyside_users() -> None:
    assert pyside_import_scan.mentions_pyside(sys) is False  # built-in
    assert pyside_import_scan.mentions_pyside(importlib.import_module("_json")) is False  # extension
