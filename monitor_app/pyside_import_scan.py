"""Keeps PySide6's import-time source scan from filling ``linecache`` (about 20 MiB of the window's memory).

Importing shiboken6 replaces ``__import__``. For every module imported afterwards it asks whether the module's
source mentions "PySide6" (to know where ``from __feature__ import ...`` may apply), and it reads that source with
``inspect.getsource``. That goes through ``linecache``, which keeps every line of every module for the life of the
process: 18 MiB of small strings for the desktop app's 750 modules, plus the heap they fragment.

:func:`install` gives shiboken the same answer from the module loader's ``get_source``: the text is read once and
dropped. A frozen build has no sources, where both answer "no" as before. If a PySide6 version no longer has
the hook, nothing is changed.
"""

import logging
from types import ModuleType

log = logging.getLogger(__name__)

#: What shiboken looks for in a module's source (its own criterion, kept as is).
MARKER = "PySide6"


def mentions_pyside(module: ModuleType) -> bool:
    """Whether ``module``'s source mentions PySide6, read from its loader without caching the lines."""
    spec = getattr(module, "__spec__", None)
    get_source = getattr(getattr(spec, "loader", None), "get_source", None)
    if spec is None or get_source is None:
        return False  # built-in or extension module: no source, as inspect.getsource would say
    try:
        source = get_source(spec.name)
    except (ImportError, OSError, SyntaxError, UnicodeDecodeError):
        return False
    return source is not None and MARKER in source


def install() -> bool:
    """Replace shiboken's source check with :func:`mentions_pyside`; True when it was replaced."""
    try:
        import shiboken6  # noqa: F401  (installs the import hook and loads shibokensupport)
        from shibokensupport import feature
    except ImportError:
        return False
    if not callable(getattr(feature, "_mod_uses_pyside", None)):
        log.debug("this PySide6 has no import-time source check; nothing to change")
        return False
    feature._mod_uses_pyside = mentions_pyside
    return True
