"""The Automation tab: one sub-tab per kind of automation (Webhooks, Jobs; alert rules and schedules next).

Adding a page is one call, ``panel.add_page(widget)``; the tab follows the widget's ``windowTitle`` (set in
its ``_retranslate``), so it is translated with the page. A page with ``save_state(settings)`` /
``restore_state(settings)`` methods has its splitters and columns remembered with the window.
"""

from collections.abc import Callable

from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

Title = str | Callable[[], str] | None


class AutomationPanel(QWidget):
    """A tab widget of automation pages."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("automationPanel")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("automationTabs")
        self.tabs.setDocumentMode(True)
        self._titles: dict[QWidget, Callable[[], str] | None] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def add_page(self, widget: QWidget, title: Title = None, *, index: int = -1) -> int:
        """Add ``widget`` as a sub-tab (at ``index``, default last) and return its index.

        Args:
            title: None to follow the widget's window title (recommended: retranslated with the page);
                a callable returning the translated title (called again on a language change); or a fixed
                text.
        """
        if isinstance(title, str):
            text = title
            self._titles[widget] = None
        elif callable(title):
            text = title()
            self._titles[widget] = title
        else:
            text = widget.windowTitle()
            self._titles[widget] = None
            widget.windowTitleChanged.connect(lambda new, page=widget: self._set_title(page, new))
        return self.tabs.insertTab(index, widget, text)

    def page(self, object_name: str) -> QWidget | None:
        """The page whose objectName is ``object_name`` (e.g. ``"webhooksView"``)."""
        for position in range(self.tabs.count()):
            widget = self.tabs.widget(position)
            if widget.objectName() == object_name:
                return widget
        return None

    def show_page(self, widget: QWidget) -> None:
        self.tabs.setCurrentWidget(widget)

    def restore_state(self, settings: QSettings) -> None:
        for position in range(self.tabs.count()):
            restore = getattr(self.tabs.widget(position), "restore_state", None)
            if restore is not None:
                restore(settings)
        name = settings.value("automation/page")
        page = self.page(str(name)) if name else None
        if page is not None:
            self.tabs.setCurrentWidget(page)

    def save_state(self, settings: QSettings) -> None:
        for position in range(self.tabs.count()):
            save = getattr(self.tabs.widget(position), "save_state", None)
            if save is not None:
                save(settings)
        current = self.tabs.currentWidget()
        if current is not None and current.objectName():
            settings.setValue("automation/page", current.objectName())

    def _set_title(self, widget: QWidget, text: str) -> None:
        position = self.tabs.indexOf(widget)
        if position >= 0:
            self.tabs.setTabText(position, text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            for widget, title in self._titles.items():
                if title is not None:
                    self._set_title(widget, title())
        super().changeEvent(event)
