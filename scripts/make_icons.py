#!/usr/bin/env python3
"""Write the application icon files (resources/icons/monitor_app.png and .ico) from the glyph drawn in code.

The window and tray draw the icon at run time (``monitor_app.ui.icons``); the bundle's .exe needs an .ico file,
so this renders the same drawing once. Re-run it after changing ``draw_app_glyph``.
"""

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402

from monitor_app.ui.icons import HEALTH_COLORS, draw_app_glyph  # noqa: E402

SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    draw_app_glyph(painter, size, HEALTH_COLORS["ok"])
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data().data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A multi-size .ico whose entries are PNG images (supported by Windows since Vista)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, data in sorted(pngs.items()):
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset + len(blobs))
        blobs += data
    return header + entries + blobs


def main() -> int:
    app = QGuiApplication([])
    folder = ROOT / "resources" / "icons"
    folder.mkdir(parents=True, exist_ok=True)
    render(256).save(str(folder / "monitor_app.png"))
    (folder / "monitor_app.ico").write_bytes(ico_bytes({size: png_bytes(render(size)) for size in SIZES}))
    del app
    print("wrote", folder / "monitor_app.png", folder / "monitor_app.ico")
    return 0


if __name__ == "__main__":
    sys.exit(main())
