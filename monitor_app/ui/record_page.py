"""What the Automation pages share: table models over a list of records, and a page of id-keyed records.

``ListTableModel`` is the Qt boilerplate of a table over a Python list. ``RecordTableModel`` adds records
keyed by ``id`` (sorted by id, diffed in place so selection survives edits) and an Enabled checkbox whose
ticks are requests to the engine. ``RecordPage`` is the page around such a model: selection, the edit dialog,
delete with confirmation, Enable/Disable. Nothing here calls ``self.tr`` (its context is the class name):
translated strings stay in the subclasses and are passed in.
"""

from collections.abc import Callable, Iterable, Sequence
from enum import IntEnum
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QByteArray,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QMenu,
    QMessageBox,
    QTableView,
    QToolButton,
    QWidget,
)

from monitor_app.core.errors import MonitorError
from monitor_app.ui.session import GuiSession

# The record id of a row, in any column.
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class Record(Protocol):
    @property
    def id(self) -> int: ...


def make_action(parent: QWidget, name: str, slot: Callable[..., object]) -> QAction:
    """A QAction named ``name`` (tests and styles find it by objectName) that calls ``slot``."""
    act = QAction(parent)
    act.setObjectName(name)
    act.triggered.connect(slot)
    return act


def tool_bar(*actions: QAction) -> QHBoxLayout:
    """A row of tool buttons, one per action."""
    bar = QHBoxLayout()
    for act in actions:
        button = QToolButton()
        button.setDefaultAction(act)
        bar.addWidget(button)
    return bar


def make_table(
    name: str,
    model: QAbstractItemModel,
    row_height: int,
    *,
    selection: QAbstractItemView.SelectionMode = QAbstractItemView.SelectionMode.SingleSelection,
    on_context_menu: Callable[..., object] | None = None,
) -> QTableView:
    """A read-only table of whole rows, without row numbers or word wrap, with alternating row colours."""
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(selection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    if on_context_menu is not None:
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(on_context_menu)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(row_height)
    table.setWordWrap(False)
    table.setAlternatingRowColors(True)
    return table


def select_row(table: QTableView, source: QAbstractItemModel, row: int | None) -> bool:
    """Select and show ``source``'s ``row`` in ``table`` (whose model may be a proxy hiding it)."""
    if row is None:
        return False
    index = source.index(row, 0)
    shown = table.model()
    if isinstance(shown, QSortFilterProxyModel):
        index = shown.mapFromSource(index)
        if not index.isValid():
            return False
    table.selectRow(index.row())
    table.scrollTo(index)
    return True


def restore_states(
    settings: QSettings, restorers: Iterable[tuple[str, Callable[[QByteArray], object]]]
) -> None:
    """Restore each saved layout (a splitter's, a header's) that is found under its key."""
    for key, restore in restorers:
        value = settings.value(key)
        if isinstance(value, QByteArray):
            restore(value)


class ListTableModel(QAbstractTableModel):
    """A flat table over ``self._records``, one row each, in the columns of ``columns``.

    Subclasses set ``columns`` (an IntEnum) and give the header titles in ``_titles`` (translated there).
    """

    columns: type[IntEnum]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._records: list[Any] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self._titles()[self.columns(section)]

    def _titles(self) -> dict[Any, str]:
        raise NotImplementedError

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
            if self._records:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self._records) - 1, len(self.columns) - 1)
                )
        return super().event(event)


class RecordTableModel(ListTableModel):
    """Records keyed by ``id``, sorted by id, with an Enabled checkbox in ``enabled_column``.

    Signals:
        enabled_change_requested(int, bool): the user ticked or unticked a record's Enabled box.
    """

    enabled_change_requested = Signal(int, bool)
    enabled_column: int

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.enabled_column:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: object, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        if (
            not index.isValid()
            or index.column() != self.enabled_column
            or role != Qt.ItemDataRole.CheckStateRole
        ):
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked  # type: ignore[call-overload]
        # The engine decides; its change signal brings the new state back into this model.
        self.enabled_change_requested.emit(self._records[index.row()].id, checked)
        return True

    def record(self, record_id: int) -> Any:
        return next((r for r in self._records if r.id == record_id), None)

    def row_of(self, record_id: int) -> int | None:
        return next((row for row, r in enumerate(self._records) if r.id == record_id), None)

    def records(self) -> tuple[Any, ...]:
        return tuple(self._records)

    def set_records(self, records: Sequence[Record]) -> None:
        """Diff the engine's records (sorted by id) into the rows: remove, repaint, insert; never reset."""
        wanted = sorted(records, key=lambda r: r.id)
        keep = {r.id for r in wanted}
        for row in reversed(range(len(self._records))):
            if self._records[row].id not in keep:
                self.beginRemoveRows(QModelIndex(), row, row)
                gone = self._records.pop(row)
                self._forget(gone.id)
                self.endRemoveRows()
        for row, record in enumerate(wanted):
            if row < len(self._records) and self._records[row].id == record.id:
                if self._records[row] != record:
                    self._records[row] = record
                    self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))
            else:
                self.beginInsertRows(QModelIndex(), row, row)
                self._records.insert(row, record)
                self.endInsertRows()

    def _forget(self, record_id: int) -> None:
        """A record's row is gone: drop what else is kept about it."""


class RecordPage(QWidget):
    """A page of id-keyed records with Add / Edit / Delete / Enable.

    Subclasses build ``model`` (a RecordTableModel), ``table``, ``toggle_action`` and ``status_message``,
    start with ``dialog = None``, and give ``edit_selected``, ``_set_enabled`` and ``_retranslate``.

    Attributes:
        result_attribute: The attribute of an accepted dialog that holds the stored record.
        discard_second_dialog: Whether a dialog asked for while one is open is deleted (else left alone).
    """

    result_attribute = ""
    discard_second_dialog = True
    #: The window's session; None (tests of a page alone) means everything is allowed.
    session: GuiSession | None = None
    model: RecordTableModel
    table: QTableView
    toggle_action: QAction
    dialog: QDialog | None
    status_message: Signal

    # ------------------------------------------------------------------ selection

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(RECORD_ID_ROLE) if rows else None

    def _selected_record(self) -> Any:
        record_id = self.selected_id()
        return None if record_id is None else self.model.record(record_id)

    def _select_record(self, record_id: int) -> bool:
        return select_row(self.table, self.model, self.model.row_of(record_id))

    # ------------------------------------------------------------------ commands

    def edit_selected(self) -> None:
        raise NotImplementedError

    def _set_enabled(self, record_id: int, enabled: bool) -> None:
        raise NotImplementedError

    def _retranslate(self) -> None:
        raise NotImplementedError

    def _open_dialog(self, dialog: QDialog) -> None:
        """Window-modal, without a nested event loop; the result is taken when it closes."""
        if self.dialog is not None:
            if self.discard_second_dialog:
                dialog.deleteLater()
            self.dialog.raise_()
            return
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._on_dialog_finished(dialog))
        dialog.open()

    def _on_dialog_finished(self, dialog: QDialog) -> None:
        self.dialog = None
        stored = getattr(dialog, self.result_attribute)
        if stored is not None:
            self._reveal(stored.id)
        dialog.deleteLater()

    def _reveal(self, record_id: int) -> None:
        """Select a record the dialog stored."""
        self._select_record(record_id)

    def _confirm_delete(self, title: str, text: str, informative: str | None, delete_text: str) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(title)
        box.setText(text)
        if informative is not None:
            box.setInformativeText(informative)
        delete = box.addButton(delete_text, QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is delete

    def set_session(self, session: GuiSession) -> None:
        """Follow ``session``: its guests see the records but every change control is disabled."""
        self.session = session
        session.changed.connect(self._update_actions)
        self._update_actions()

    def _update_actions(self) -> None:
        raise NotImplementedError

    def _refused(self) -> bool:
        """True (and the reason in the status bar) when the session may not change things."""
        if self.session is None or self.session.can_change:
            return False
        self.status_message.emit(self.session.refusal())
        return True

    def _run(self, command: Callable[..., object], *args: object) -> None:
        """Run an engine command; a refusal goes to the status bar."""
        if self._refused():
            return
        try:
            command(*args)
        except MonitorError as exc:
            self.status_message.emit(exc.message)

    @Slot()
    def toggle_selected(self) -> None:
        record = self._selected_record()
        if record is not None and not self._refused():
            self._set_enabled(record.id, not record.enabled)

    def _update_record_actions(
        self, record: Any, actions: Sequence[QAction], *, enable: str, disable: str
    ) -> None:
        """Enable ``actions`` while a record is selected (and the session may change things); Enable or
        Disable on the toggle. ``add_action``, if the page has one, follows the session only."""
        for act in actions:
            act.setEnabled(record is not None)
        self.toggle_action.setText(enable if record is not None and not record.enabled else disable)
        if self.session is not None:
            for act in actions:
                self.session.gate(act, record is not None)
            add_action = getattr(self, "add_action", None)
            if isinstance(add_action, QAction):
                self.session.gate(add_action)

    # ------------------------------------------------------------------ slots

    @Slot(int, bool)
    def _on_enabled_change_requested(self, record_id: int, enabled: bool) -> None:
        if not self._refused():
            self._set_enabled(record_id, enabled)

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        if index.column() != self.model.enabled_column and not self._refused():
            self.edit_selected()

    def _popup_menu(self, position, *groups: Sequence[QAction]) -> None:  # type: ignore[no-untyped-def]
        """A context menu of the action groups (separated) at ``position`` in the table."""
        menu = QMenu(self)
        for number, group in enumerate(groups):
            if number:
                menu.addSeparator()
            menu.addActions(list(group))
        menu.exec(self.table.viewport().mapToGlobal(position))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
