"""A plugin instance's panel (facts, tables with row actions, live logs, a status line) and its last action's
result.

Plugins describe their panel as data (``pluginhost.api.Panel``, no Qt in plugins); these widgets render it.
Panels arrive after every poll, often unchanged or with one number changed, so they are applied as a diff:
labels get new text, a table is refilled only when its rows changed, and rebuilt only when its shape did; a
log gets only its new lines appended.
"""

import re
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from monitor_app.pluginhost.api import Panel, PanelLog, PanelTable
from monitor_app.ui.plugin_labels import ERROR_STYLE, HINT_STYLE, result_summary, result_table, value_text

#: Fact pairs (label, value) per row of the facts grid.
FACT_COLUMNS = 3
#: Rows a table shows before it scrolls.
TABLE_ROWS_SHOWN = 8
#: Role of the row's data (the plugin's mapping) in the first cell of a panel table row.
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
#: Lines a log view keeps (and filters): every refresh, filter or resume costs at most this many lines, so it
#: stays well under a frame on the GUI thread however fast the log grows.
LOG_LINES_KEPT = 2000
#: Typing in a log's filter is applied this long after the last key (one refilter per word, not per key).
LOG_FILTER_DELAY_MS = 150
#: Height of a log view in lines of text.
LOG_LINES_SHOWN = 14


def fit_table_height(table: QTableWidget, rows_shown: int = TABLE_ROWS_SHOWN) -> None:
    """Make a table as tall as its rows (up to ``rows_shown``): a page of small tables, no inner scrolling."""
    header = table.horizontalHeader()
    rows = min(table.rowCount(), rows_shown)
    row_height = table.verticalHeader().defaultSectionSize()
    height = (0 if header.isHidden() else header.sizeHint().height()) + rows * row_height
    table.setFixedHeight(height + 2 * table.frameWidth() + (2 if rows else row_height // 2))


def _read_only_table() -> QTableWidget:
    table = QTableWidget()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return table


class PanelTableView(QWidget):
    """One ``PanelTable``: a title over a table whose rows carry the table's row actions (buttons and menu).

    Signals:
        row_action_requested(str, str, str, object): action name, its label, the parameter, the row's value.
    """

    row_action_requested = Signal(str, str, str, object)

    def __init__(self, spec: PanelTable, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"panelTable_{spec.key}")
        self.spec = spec
        self.rows: tuple[Mapping[str, Any], ...] = ()
        self.menu: QMenu | None = None
        self.title = QLabel(spec.title)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.table = _read_only_table()
        self.table.setObjectName(f"table_{spec.key}")
        headers = [header for _key, header in spec.columns]
        self.table.setColumnCount(len(headers) + (1 if spec.row_actions else 0))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        if spec.row_actions:  # rows as tall as their buttons
            button_height = QPushButton("X").sizeHint().height()
            vertical = self.table.verticalHeader()
            vertical.setDefaultSectionSize(max(vertical.defaultSectionSize(), button_height + 4))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.table)
        self._retranslate()
        self.set_rows(spec.rows)

    def same_shape(self, spec: PanelTable) -> bool:
        return (spec.columns, spec.row_actions) == (self.spec.columns, self.spec.row_actions)

    def set_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        rows = tuple(rows)
        if rows == self.rows and self.table.rowCount() == len(rows):
            return
        self.rows = rows
        table = self.table
        table.setRowCount(len(rows))
        for row_index, row in enumerate(rows):
            for column, (key, _header) in enumerate(self.spec.columns):
                item = QTableWidgetItem(value_text(row.get(key)))
                if column == 0:
                    item.setData(ROW_ROLE, row)
                table.setItem(row_index, column, item)
            if self.spec.row_actions:
                table.setCellWidget(row_index, len(self.spec.columns), self._row_buttons(row_index, row))
        table.resizeColumnsToContents()
        fit_table_height(table)

    def _row_buttons(self, row_index: int, row: Mapping[str, Any]) -> QWidget:
        box = QWidget()
        layout = QHBoxLayout(box)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(4)
        for action, label, param in self.spec.row_actions:
            button = QPushButton(label)
            button.setObjectName(f"row_{action}_{row_index}")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(
                lambda _checked=False, a=action, lbl=label, p=param, r=row: self._request(a, lbl, p, r)
            )
            layout.addWidget(button)
        layout.addStretch(1)
        return box

    def row_menu(self, row_index: int) -> QMenu | None:
        """The context menu of a row: its row actions (None when the table has none)."""
        if not self.spec.row_actions or not 0 <= row_index < len(self.rows):
            return None
        row = self.rows[row_index]
        menu = QMenu(self)
        for action, label, param in self.spec.row_actions:
            entry = menu.addAction(label)
            entry.setObjectName(f"menu_{action}")
            entry.triggered.connect(
                lambda _checked=False, a=action, lbl=label, p=param, r=row: self._request(a, lbl, p, r)
            )
        return menu

    def _request(self, action: str, label: str, param: str, row: Mapping[str, Any]) -> None:
        self.row_action_requested.emit(action, label, param, row.get(param))

    @Slot(QPoint)
    def _on_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        self.table.selectRow(index.row())
        self.menu = self.row_menu(index.row())
        if self.menu is not None:
            self.menu.popup(self.table.viewport().mapToGlobal(pos))

    def _retranslate(self) -> None:
        headers = [header for _key, header in self.spec.columns]
        if self.spec.row_actions:
            headers.append(self.tr("Actions"))
        self.table.setHorizontalHeaderLabels(headers)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


def line_matcher(text: str, *, regex: bool) -> Callable[[str], bool]:
    """A case-insensitive test of one line: plain text, or a regular expression (raises re.error)."""
    if not text:
        return lambda line: True
    if regex:
        return re.compile(text, re.IGNORECASE).search  # type: ignore[return-value]
    needle = text.casefold()
    return lambda line: needle in line.casefold()


class PanelLogView(QWidget):
    """One ``PanelLog``: the latest lines, followed live, filtered as the user types, pausable.

    Only new lines are appended on each panel (``PanelLog.first`` numbers them); a filter change or a resume
    refills from the kept lines (at most ``LOG_LINES_KEPT``). Pause keeps the view still (to read or select)
    while the lines go on being collected; resume shows them.
    """

    def __init__(self, spec: PanelLog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"panelLog_{spec.key}")
        self.key = spec.key
        self.lines: deque[str] = deque(maxlen=LOG_LINES_KEPT)
        self._end = 0  # sequence number after the last line kept
        self._match: Callable[[str], bool] = line_matcher("", regex=False)
        self._waiting = 0  # lines collected while paused
        self.title = QLabel(spec.title)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.filter = QLineEdit()
        self.filter.setObjectName(f"logFilter_{spec.key}")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._on_filter_edited)
        self.regex = QCheckBox()
        self.regex.setObjectName(f"logRegex_{spec.key}")
        self.regex.toggled.connect(self._on_filter_edited)
        self.pause = QCheckBox()
        self.pause.setObjectName(f"logPause_{spec.key}")
        self.pause.toggled.connect(self._on_pause_toggled)
        self.count = QLabel()
        self.count.setObjectName(f"logCount_{spec.key}")
        self.count.setStyleSheet(HINT_STYLE)
        self.text = QPlainTextEdit()
        self.text.setObjectName(f"logText_{spec.key}")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setMaximumBlockCount(LOG_LINES_KEPT)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setFixedHeight(self.text.fontMetrics().lineSpacing() * LOG_LINES_SHOWN + 12)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(LOG_FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filter)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.title)
        bar.addWidget(self.filter, 1)
        bar.addWidget(self.regex)
        bar.addWidget(self.pause)
        bar.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.text)
        self._retranslate()
        self.set_log(spec)

    # ------------------------------------------------------------------ input

    def set_log(self, spec: PanelLog) -> None:
        """Take the plugin's latest lines: append what is new, or start over if the log went back or jumped."""
        self.title.setText(spec.title)
        end = spec.first + len(spec.lines)
        if spec.first > self._end or end < self._end or (not spec.lines and self.lines):
            self.lines = deque(spec.lines, maxlen=LOG_LINES_KEPT)  # restarted, cleared or too far behind
            self._end = end
            if self.pause.isChecked():
                self._waiting = len(spec.lines)
            else:
                self._refill()
            return
        new = spec.lines[len(spec.lines) - (end - self._end):] if end > self._end else ()
        if not new:
            return
        self.lines.extend(new)
        self._end = end
        if self.pause.isChecked():
            self._waiting += len(new)
            self._show_count()
            return
        shown = [line for line in new if self._match(line)]
        if shown:
            self.text.appendPlainText("\n".join(shown))
            self._follow()
        self._show_count()

    # ------------------------------------------------------------------ queries (tests, accessibility)

    def shown_lines(self) -> list[str]:
        text = self.text.toPlainText()
        return text.split("\n") if text else []

    # ------------------------------------------------------------------ filtering and pausing

    @Slot()
    def apply_filter(self) -> None:
        """Filter by the text now in the box (normally a moment after the last key)."""
        self._filter_timer.stop()
        try:
            self._match = line_matcher(self.filter.text(), regex=self.regex.isChecked())
        except re.error as exc:  # keep the lines shown; say what is wrong with the expression
            self.filter.setStyleSheet(ERROR_STYLE)
            self.filter.setToolTip(self.tr("Not a valid regular expression: %1").replace("%1", str(exc)))
            return
        self.filter.setStyleSheet("")
        self.filter.setToolTip(self.tr("Shows only the lines that contain this text (upper or lower case alike)"))
        if not self.pause.isChecked():
            self._refill()

    def _on_filter_edited(self, *_args: object) -> None:
        self._filter_timer.start()

    def _on_pause_toggled(self, paused: bool) -> None:
        if not paused:
            self._refill()
        self._show_count()

    def _refill(self) -> None:
        self._waiting = 0
        shown = [line for line in self.lines if self._match(line)]
        self.text.setPlainText("\n".join(shown))
        self._follow()
        self._show_count()

    def _follow(self) -> None:
        self.text.moveCursor(QTextCursor.MoveOperation.End)
        self.text.ensureCursorVisible()

    def _show_count(self) -> None:
        if self.pause.isChecked():
            text = self.tr("paused, %1 new").replace("%1", str(self._waiting))
        elif self.filter.text():
            text = self.tr("%1 of %2 lines").replace("%1", str(self.text.blockCount() if self.text.toPlainText()
                                                                 else 0)).replace("%2", str(len(self.lines)))
        else:
            text = self.tr("%1 lines").replace("%1", str(len(self.lines)))
        self.count.setText(text)

    def _retranslate(self) -> None:
        self.filter.setPlaceholderText(self.tr("Filter…"))
        self.regex.setText(self.tr("Regex"))
        self.regex.setToolTip(self.tr("Treat the filter as a regular expression"))
        self.pause.setText(self.tr("Pause"))
        self.pause.setToolTip(self.tr("Stop following (to read or copy); the new lines show when you resume"))
        self._show_count()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


class PluginPanelView(QWidget):
    """What an instance's ``Panel`` shows.

    Signals:
        row_action_requested(str, str, str, object): from a table: action, label, parameter, the row's value.
    """

    row_action_requested = Signal(str, str, str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pluginPanel")
        self.panel: Panel | None = None
        self.facts = QWidget()
        self.facts.setObjectName("panelFacts")
        self.facts_grid = QGridLayout(self.facts)
        self.facts_grid.setContentsMargins(0, 0, 0, 0)
        self.facts_grid.setHorizontalSpacing(8)
        self.facts_grid.setVerticalSpacing(2)
        self._fact_labels: list[tuple[QLabel, QLabel]] = []
        self.tables: dict[str, PanelTableView] = {}
        self._tables_layout = QVBoxLayout()
        self._tables_layout.setContentsMargins(0, 0, 0, 0)
        self.logs: dict[str, PanelLogView] = {}
        self._logs_layout = QVBoxLayout()
        self._logs_layout.setContentsMargins(0, 0, 0, 0)
        self.status = QLabel()
        self.status.setObjectName("panelStatus")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(HINT_STYLE)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Pause: keep what is shown (e.g. to read a fast log tail); the newest panel is applied on resume.
        self.pause = QCheckBox()
        self.pause.setObjectName("panelPause")
        self.pause.toggled.connect(self._on_pause_toggled)
        self._held: Panel | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pause, 0, Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.facts)
        layout.addLayout(self._tables_layout)
        layout.addLayout(self._logs_layout)
        layout.addWidget(self.status)
        self._retranslate()
        self.set_panel(None)

    def set_panel(self, panel: Panel | None) -> None:
        if self.pause.isChecked() and panel is not None:
            self._held = panel
            return
        if panel == self.panel and panel is not None:
            return
        self.panel = panel
        shown = panel or Panel()
        self._set_facts(shown.facts)
        self._set_tables(shown.tables)
        self._set_logs(shown.logs)
        self.status.setText(shown.status)
        self.status.setVisible(bool(shown.status))
        self.setVisible(bool(shown.facts or shown.tables or shown.logs or shown.status))

    def _retranslate(self) -> None:
        self.pause.setText(self.tr("Pause"))
        self.pause.setToolTip(self.tr("Keep this view still; the latest state shows when you resume"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _on_pause_toggled(self, paused: bool) -> None:
        if not paused and self._held is not None:
            held, self._held = self._held, None
            self.set_panel(held)

    def fact(self, label: str) -> str | None:
        """The value shown next to ``label`` (for tests and accessibility checks)."""
        for name, value in self._fact_labels:
            if name.text() == label:
                return value.text()
        return None

    def _set_facts(self, facts: Sequence[tuple[str, str]]) -> None:
        if [name.text() for name, _value in self._fact_labels] != [label for label, _v in facts]:
            for name, value in self._fact_labels:
                name.deleteLater()
                value.deleteLater()
            self._fact_labels = []
            for position, (label, _value) in enumerate(facts):
                name = QLabel(label)
                name.setStyleSheet(HINT_STYLE)
                value = QLabel()
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                row, column = divmod(position, FACT_COLUMNS)
                self.facts_grid.addWidget(name, row, column * 2, Qt.AlignmentFlag.AlignLeft)
                self.facts_grid.addWidget(value, row, column * 2 + 1, Qt.AlignmentFlag.AlignLeft)
                self._fact_labels.append((name, value))
            for column in range(FACT_COLUMNS * 2):
                self.facts_grid.setColumnStretch(column, 0)
                self.facts_grid.setColumnMinimumWidth(column, 0 if column % 2 == 0 else 120)
            self.facts_grid.setColumnStretch(FACT_COLUMNS * 2, 1)
        for (_name, value), (_label, text) in zip(self._fact_labels, facts, strict=True):
            if value.text() != str(text):
                value.setText(str(text))
        self.facts.setVisible(bool(facts))

    def _set_tables(self, tables: Sequence[PanelTable]) -> None:
        wanted = {table.key for table in tables}
        for key in [k for k in self.tables if k not in wanted]:
            self._drop_table(key)
        for position, spec in enumerate(tables):
            view = self.tables.get(spec.key)
            if view is not None and not view.same_shape(spec):
                self._drop_table(spec.key)
                view = None
            if view is None:
                view = PanelTableView(spec)
                view.row_action_requested.connect(self.row_action_requested)
                self.tables[spec.key] = view
                self._tables_layout.insertWidget(position, view)
            else:
                view.title.setText(spec.title)
                view.set_rows(spec.rows)

    def _drop_table(self, key: str) -> None:
        view = self.tables.pop(key)
        self._tables_layout.removeWidget(view)
        view.deleteLater()

    def _set_logs(self, logs: Sequence[PanelLog]) -> None:
        wanted = {log.key for log in logs}
        for key in [k for k in self.logs if k not in wanted]:
            view = self.logs.pop(key)
            self._logs_layout.removeWidget(view)
            view.deleteLater()
        for position, spec in enumerate(logs):
            view = self.logs.get(spec.key)
            if view is None:
                view = PanelLogView(spec)
                self.logs[spec.key] = view
                self._logs_layout.insertWidget(position, view)
            else:
                view.set_log(spec)


class ActionResultView(QWidget):
    """The outcome of the last action run from a section: a line (red for errors) and, for lists and objects,
    a small table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionResult")
        self.message = QLabel()
        self.message.setObjectName("resultMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = _read_only_table()
        self.table.setObjectName("resultTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.hide()
        self.is_error = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.message)
        layout.addWidget(self.table)
        self.hide()

    def show_running(self, label: str, *, job_id: int | None = None) -> None:
        if job_id is None:
            self._show_line(self.tr("%1: running…").replace("%1", label), error=False)
        else:
            text = self.tr("%1: running as job #%2; its progress shows in Automation › Jobs…")
            self._show_line(text.replace("%1", label).replace("%2", str(job_id)), error=False)
        self.table.hide()

    def show_result(self, label: str, result: Any) -> None:
        stamp = time.strftime("%H:%M:%S")
        tabular = result_table(result)
        if tabular is None:
            text = self.tr("%1 (%2): %3").replace("%1", label).replace("%2", stamp)
            self._show_line(text.replace("%3", result_summary(result)), error=False)
            self.table.hide()
            return
        headers, rows, left = tabular
        text = self.tr("%1 (%2):").replace("%1", label).replace("%2", stamp)
        if left:
            text += " " + self.tr("the first %1 of %2 rows").replace("%1", str(len(rows))).replace(
                "%2", str(len(rows) + left)
            )
        self._show_line(text, error=False)
        table = self.table
        table.clear()
        table.setColumnCount(len(headers))
        table.setRowCount(len(rows))
        table.setHorizontalHeaderLabels(headers)
        table.horizontalHeader().setVisible(any(headers))
        for row_index, row in enumerate(rows):
            for column, text_value in enumerate(row):
                table.setItem(row_index, column, QTableWidgetItem(text_value))
        table.resizeColumnsToContents()
        fit_table_height(table)
        table.show()

    def show_error(self, label: str, message: str) -> None:
        self._show_line(self.tr("%1 failed: %2").replace("%1", label).replace("%2", message), error=True)
        self.table.hide()

    def text(self) -> str:
        return self.message.text()

    def cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None and self.table.isVisibleTo(self) else ""

    def _show_line(self, text: str, *, error: bool) -> None:
        self.is_error = error
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.show()
