"""Korean and English through Qt's translation system, following the system language unless chosen.

Installing or removing a translator makes Qt send ``LanguageChange`` to every widget, which re-applies its
texts; so switching the language in Settings takes effect at once, without a restart.
"""

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

#: Languages the UI ships (English is the source language).
LANGUAGES = ("en", "ko")


def resolve_language(choice: str, system_locale: QLocale | None = None) -> str:
    """``"system"`` becomes the system language if we ship it, else English."""
    if choice in LANGUAGES:
        return choice
    locale = system_locale or QLocale.system()
    for name in locale.uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return "en"


class Translations:
    """Owns the installed translators of the application."""

    def __init__(self, app: QCoreApplication, folder: Path) -> None:
        self._app = app
        self._folder = folder
        self._installed: list[QTranslator] = []
        self.language = "en"

    def apply(self, choice: str) -> str:
        """Switch to ``choice`` ("system", "en", "ko"); returns the language now in use."""
        language = resolve_language(choice)
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed = []
        if language != "en":
            ours = QTranslator(self._app)
            if ours.load(f"monitor_app_{language}", str(self._folder)):
                self._installed.append(ours)
                qt = QTranslator(self._app)
                if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
                    self._installed.append(qt)  # Qt's own dialogs and buttons
            else:
                log.warning("no %s translation in %s; showing English", language, self._folder)
                language = "en"
        for translator in self._installed:
            self._app.installTranslator(translator)
        self.language = language
        return language
