"""Printing a finished PDF (a letter) on paper: pages rasterised at the
printer's resolution, clamped to 300–600 dpi (1200 dpi images of A4 pages
would take ~0.5 GB each; ecosystem.md §11), then drawn page by page."""
from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPdf import QPdfDocument

MIN_DPI, MAX_DPI = 300, 600
POINTS_PER_INCH = 72


def print_dpi(printer_dpi: int) -> int:
    return max(MIN_DPI, min(MAX_DPI, printer_dpi))


def load_pdf(data: bytes, parent=None) -> tuple[QPdfDocument, QBuffer]:
    """A QPdfDocument over bytes in memory; keep the buffer as long as the document."""
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc = QPdfDocument(parent)
    doc.load(buffer)
    return doc, buffer


def rasterise(data: bytes, dpi: int, job=None) -> list[QImage]:
    """Every page as an image at ``dpi`` (runs in a worker)."""
    doc, buffer = load_pdf(data)
    images = []
    try:
        for page in range(doc.pageCount()):
            if job is not None:
                job.progress(page, doc.pageCount(), f"第 {page + 1} 页")
            size = doc.pagePointSize(page)
            pixels = QSize(round(size.width() * dpi / POINTS_PER_INCH),
                           round(size.height() * dpi / POINTS_PER_INCH))
            images.append(doc.render(page, pixels))
    finally:
        doc.close()
        buffer.close()
    return images


def paint(printer, images: list[QImage]) -> None:
    """Draw each page image onto a page of ``printer`` (GUI thread), full page."""
    painter = QPainter(printer)
    try:
        for i, image in enumerate(images):
            if i:
                printer.newPage()
            target = QRectF(painter.viewport())
            scale = min(target.width() / image.width(), target.height() / image.height())
            w, h = image.width() * scale, image.height() * scale
            painter.drawImage(QRectF(target.x() + (target.width() - w) / 2, target.y(), w, h), image)
    finally:
        painter.end()
