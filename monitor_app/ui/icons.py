"""Icons drawn in code: the application glyph, the tray icon in its health colour, state dots.

Drawing them keeps the bundle free of image files that would have to be kept in sync with state colours,
and lets the tray icon change colour with the programs' health.
"""

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

from monitor_app.core.states import ProgramState

STATE_COLORS: dict[ProgramState, str] = {
    ProgramState.RUNNING: "#2e9d4f",
    ProgramState.STARTING: "#2f7fd1",
    ProgramState.STOPPING: "#d08a1f",
    ProgramState.BACKOFF: "#d08a1f",
    ProgramState.EXITED: "#8a8f96",
    ProgramState.FATAL: "#c9362c",
    ProgramState.STOPPED: "#8a8f96",
}

HEALTH_COLORS = {
    "ok": "#2e9d4f",  # everything that should run does
    "warning": "#d08a1f",  # something is restarting or stopping
    "error": "#c9362c",  # something gave up or crashed and stays down
    "idle": "#6c737c",  # nothing is running
}


@cache
def dot_icon(color: str) -> QIcon:
    """A coloured dot (``#rrggbb``), for state columns of tables and menus."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawEllipse(QRectF(3, 3, 10, 10))
    painter.end()
    return QIcon(pixmap)


def state_icon(state: ProgramState) -> QIcon:
    """A coloured dot for a program state, for the table and menus."""
    return dot_icon(STATE_COLORS[state])


def draw_app_glyph(painter: QPainter, size: int, accent: str) -> None:
    """The monitor_app mark: a rounded screen with a pulse line, its frame in ``accent``."""
    s = size / 64.0
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(accent))
    painter.drawRoundedRect(QRectF(2 * s, 6 * s, 60 * s, 46 * s), 9 * s, 9 * s)
    painter.setBrush(QColor("#16202b"))
    painter.drawRoundedRect(QRectF(7 * s, 11 * s, 50 * s, 36 * s), 5 * s, 5 * s)
    painter.setBrush(QColor(accent))
    painter.drawRoundedRect(QRectF(22 * s, 54 * s, 20 * s, 6 * s), 3 * s, 3 * s)
    pulse = QPainterPath(QPointF(11 * s, 31 * s))
    for x, y in ((22, 31), (27, 19), (33, 41), (38, 27), (42, 31), (53, 31)):
        pulse.lineTo(QPointF(x * s, y * s))
    pen = QPen(QColor("#ffffff"), max(1.0, 3.2 * s))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(pulse)


@cache
def app_icon(health: str = "ok") -> QIcon:
    """The application icon at several sizes, framed in the health colour (``HEALTH_COLORS`` key)."""
    icon = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        draw_app_glyph(painter, size, HEALTH_COLORS[health])
        painter.end()
        icon.addPixmap(pixmap)
    return icon
