"""Light, dark or follow the system, on Qt's Fusion style (it looks the same on every Windows version).

The colour scheme is requested from the platform (Windows 11 then draws dark title bars too) and the palette is
set explicitly, because several platforms (and the offscreen one used by tests) ignore the request.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

SCHEMES = {
    "system": Qt.ColorScheme.Unknown,  # Unknown = follow the platform
    "light": Qt.ColorScheme.Light,
    "dark": Qt.ColorScheme.Dark,
}


def dark_palette() -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#1f2328",
        QPalette.ColorRole.WindowText: "#e6e8eb",
        QPalette.ColorRole.Base: "#16191d",
        QPalette.ColorRole.AlternateBase: "#23272d",
        QPalette.ColorRole.ToolTipBase: "#2b3036",
        QPalette.ColorRole.ToolTipText: "#e6e8eb",
        QPalette.ColorRole.PlaceholderText: "#8b929a",
        QPalette.ColorRole.Text: "#e6e8eb",
        QPalette.ColorRole.Button: "#2b3036",
        QPalette.ColorRole.ButtonText: "#e6e8eb",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Highlight: "#2f7fd1",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#5aa3ec",
        QPalette.ColorRole.Mid: "#8b929a",
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6c737c"))
    return palette


def apply_theme(app: QApplication, theme: str) -> None:
    """Switch to ``theme`` ("system", "light", "dark") at once."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    scheme = SCHEMES.get(theme, Qt.ColorScheme.Unknown)
    app.styleHints().setColorScheme(scheme)
    effective = scheme if scheme is not Qt.ColorScheme.Unknown else app.styleHints().colorScheme()
    if effective is Qt.ColorScheme.Dark:
        app.setPalette(dark_palette())
    else:
        app.setPalette(app.style().standardPalette())
