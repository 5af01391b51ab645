"""Korean and English: switching the language changes the visible text at once."""

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication

from monitor_app.resources import translations_dir
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.i18n import Translations, resolve_language
from monitor_app.ui.main_window import MainWindow
from monitor_app.ui.program_commands import ProgramCommands
from monitor_app.ui.programs_model import Column


@pytest.fixture
def translations(qapp):
    translations = Translations(qapp, translations_dir())
    yield translations
    translations.apply("en")  # leave English for the other tests


def test_i18n_switch_changes_visible_text(qtbot, engine, translations) -> None:
    window = MainWindow(engine, tasks=BackgroundTasks(), commands=ProgramCommands(engine, "t"))
    qtbot.addWidget(window)
    window.show()
    assert window.tabs.tabText(0) == "Programs"
    assert translations.apply("ko") == "ko"
    qtbot.waitUntil(lambda: window.tabs.tabText(0) == "프로그램")
    assert window.start_action.text() == "시작"
    assert window.model.headerData(Column.STATE, Qt.Orientation.Horizontal) == "상태"
    assert window.detail.tabs.tabText(2) == "출력"
    assert window.api_label.text() == "API: 꺼짐"
    translations.apply("en")
    qtbot.waitUntil(lambda: window.tabs.tabText(0) == "Programs")
    assert window.start_action.text() == "Start"


def test_i18n_every_string_has_a_korean_translation() -> None:
    import xml.etree.ElementTree as ET

    ts = translations_dir() / "monitor_app_ko.ts"
    messages = ET.parse(ts).getroot().iter("message")
    untranslated = [m.findtext("source") for m in messages if m.find("translation").get("type") == "unfinished"]
    assert untranslated == []


@pytest.mark.parametrize(
    ("choice", "system", "expected"),
    [("ko", "en_US", "ko"), ("en", "ko_KR", "en"), ("system", "ko_KR", "ko"), ("system", "de_DE", "en")],
)
def test_i18n_follows_the_system_language_unless_chosen(choice, system, expected) -> None:
    assert resolve_language(choice, QLocale(system)) == expected


def test_i18n_missing_translation_falls_back_to_english(qapp, tmp_path, caplog) -> None:
    assert Translations(QApplication.instance(), tmp_path).apply("ko") == "en"
    assert "no ko translation" in caplog.text
