"""帮助 › 使用说明 (F1): the user guide, offline, in a window of its own.

The guide is Markdown with relative links and images under resources/guide/
(shipped in the wheel and the bundle; ``desktop_app.paths.resource``).
QTextBrowser renders the Markdown itself: no web engine, no network.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextCursor, QTextDocument, QTextImageFormat
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton,
                               QSplitter, QTextBrowser, QVBoxLayout, QWidget)

from desktop_app.paths import resource

log = logging.getLogger(__name__)

INDEX = "index.md"
FILE_ROLE = Qt.ItemDataRole.UserRole
IMAGE_WIDTH = 760             # pixels: a screenshot fits beside the chapter list
_CHAPTER = re.compile(r"^\s*\d+\.\s*\[([^\]]+)\]\(([^)]+\.md)\)")


def guide_dir() -> Path:
    return resource("guide")


def chapters(folder: Path | None = None) -> list[tuple[str, str]]:
    """(title, file) of each chapter, in the order the index lists them."""
    folder = folder or guide_dir()
    text = (folder / INDEX).read_text(encoding="utf-8")
    return [(m.group(1), m.group(2)) for line in text.splitlines() if (m := _CHAPTER.match(line))]


class HelpWindow(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)      # a window of its own, not modal
        self.setWindowTitle("使用说明")
        self.resize(1180, 780)
        self.folder = guide_dir()
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.back = QPushButton("后退")
        self.forward = QPushButton("前进")
        home = QPushButton("目录")
        bar.addWidget(self.back)
        bar.addWidget(self.forward)
        bar.addWidget(home)
        bar.addStretch(1)
        note = QLabel("本说明随程序安装，离线可读。")
        note.setObjectName("muted")
        bar.addWidget(note)
        layout.addLayout(bar)
        split = QSplitter()
        self.toc = QListWidget()
        self.toc.addItem(QListWidgetItem("目录"))
        self.toc.item(0).setData(FILE_ROLE, INDEX)
        for title, name in chapters(self.folder):
            item = QListWidgetItem(title)
            item.setData(FILE_ROLE, name)
            self.toc.addItem(item)
        self.toc.currentItemChanged.connect(lambda item, _: item and self.show_file(item.data(FILE_ROLE)))
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setOpenLinks(True)
        self.browser.sourceChanged.connect(self._source_changed)
        self.browser.backwardAvailable.connect(self.back.setEnabled)
        self.browser.forwardAvailable.connect(self.forward.setEnabled)
        self.back.clicked.connect(self.browser.backward)
        self.forward.clicked.connect(self.browser.forward)
        home.clicked.connect(lambda: self.show_file(INDEX))
        split.addWidget(self.toc)
        split.addWidget(self.browser)
        split.setSizes([220, 960])
        layout.addWidget(split, 1)
        self.back.setEnabled(False)
        self.forward.setEnabled(False)
        self.show_file(INDEX)

    def show_file(self, name: str) -> None:
        url = QUrl.fromLocalFile(str(self.folder / name))
        if self.browser.source() != url:
            self.browser.setSource(url, QTextDocument.ResourceType.MarkdownResource)

    def current_file(self) -> str:
        return Path(self.browser.source().toLocalFile()).name

    def _source_changed(self, url: QUrl) -> None:
        if url.scheme() not in ("", "file"):
            log.warning("the guide links outside itself: %s", url.toString())
        self._fit_images()
        name = Path(url.toLocalFile()).name
        for i in range(self.toc.count()):
            if self.toc.item(i).data(FILE_ROLE) == name and self.toc.currentRow() != i:
                self.toc.blockSignals(True)
                self.toc.setCurrentRow(i)
                self.toc.blockSignals(False)

    def _fit_images(self) -> None:
        """Screenshots at most IMAGE_WIDTH wide (the height follows)."""
        doc = self.browser.document()
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.isImageFormat():
                    image = fmt.toImageFormat()
                    size = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(image.name()))
                    width = getattr(size, "width", lambda: 0)()
                    if width > IMAGE_WIDTH:
                        resized = QTextImageFormat(image)
                        resized.setWidth(IMAGE_WIDTH)
                        resized.setHeight(IMAGE_WIDTH * size.height() / width)
                        cursor = QTextCursor(doc)
                        cursor.setPosition(fragment.position())
                        cursor.setPosition(fragment.position() + fragment.length(),
                                           QTextCursor.MoveMode.KeepAnchor)
                        cursor.setCharFormat(resized)
                it += 1
            block = block.next()

    def missing_images(self) -> list[str]:
        """Images the current page names that cannot be loaded (tests)."""
        doc, missing = self.browser.document(), []
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fmt = it.fragment().charFormat()
                if fmt.isImageFormat():
                    name = fmt.toImageFormat().name()
                    res = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
                    if res is None or getattr(res, "isNull", lambda: True)():
                        missing.append(name)
                it += 1
            block = block.next()
        return missing
