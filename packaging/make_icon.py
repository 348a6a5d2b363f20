"""Make packaging/taizhang.ico from resources/icons/taizhang.svg (run again when the
SVG changes; the .ico is committed so a build needs no extra step).

    QT_QPA_PLATFORM=offscreen python packaging/make_icon.py

The .ico holds PNG images of 16–256 px (Windows Vista and later read them): the
taskbar, the desktop shortcut and Explorer each pick their size.
"""
from __future__ import annotations

import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)


def render_png(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"not a valid SVG: {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def ico_bytes(images: dict[int, bytes]) -> bytes:
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in sorted(images.items()):
        dim = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def main() -> int:
    from PySide6.QtGui import QGuiApplication
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts, painting)
    svg = ROOT / "resources" / "icons" / "taizhang.svg"
    target = ROOT / "packaging" / "taizhang.ico"
    target.write_bytes(ico_bytes({size: render_png(svg, size) for size in SIZES}))
    sys.stdout.write(f"{target} ({target.stat().st_size} bytes, {len(SIZES)} sizes)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
