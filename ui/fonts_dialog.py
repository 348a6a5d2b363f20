"""公文字体: which font serves each GB/T 9704 role, and adding the office's own font file.

The same panel is the page 设置 › 公文字体 and the dialog the letter editor opens from
its font warning. The report and the copy run as jobs (a font scan reads name tables;
a first scan can take seconds). An added file is kept in the data folder
(``<data>/fonts``) and is found before system fonts; the program ships no Microsoft or
Founder font.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout,
                               QWidget)

from ui import dialogs


def fonts_text(data_dir: Path) -> str:
    from desktop_app.letters import get_fonts

    fonts = get_fonts(cache_dir=data_dir / "cache", added_dir=data_dir / "fonts")
    return fonts.report().to_text()


def add_font_file(data_dir: Path, path: Path) -> str:
    from desktop_app.letters.fontadd import add_font

    added = add_font(path, data_dir)
    return added.to_text() + "\n\n" + fonts_text(data_dir)


class FontsPanel(QWidget):
    added = Signal()

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        v = QVBoxLayout(self)
        note = QLabel("GB/T 9704 要求标题用小标宋、正文用仿宋、一级标题用黑体、二级标题用楷体。"
                      "本机缺少的字体可由本单位添加自有的字体文件（.ttf/.ttc），保存在数据文件夹中，"
                      "优先于系统字体使用。")
        note.setWordWrap(True)
        v.addWidget(note)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setPlainText("正在查找字体…")
        v.addWidget(self.report, 1)
        self.buttons = QHBoxLayout()
        self.add_button = QPushButton("添加字体文件…")
        self.add_button.clicked.connect(self.choose_font)
        self.buttons.addWidget(self.add_button)
        self.buttons.addStretch(1)
        v.addLayout(self.buttons)
        self.changed = False
        data_dir = Path(ctx.data_dir)
        ctx.jobs.run(lambda job: fonts_text(data_dir), session=False, on_done=self.report.setPlainText,
                     key=("fonts-report", id(self)))

    def choose_font(self) -> None:
        path = dialogs.open_file_name(self, "选择字体文件", "字体文件 (*.ttf *.ttc *.TTF *.TTC)")
        if path is not None:
            self.add(path)

    def add(self, path: Path) -> None:
        data_dir = Path(self.ctx.data_dir)
        self.add_button.setEnabled(False)
        self.ctx.jobs.run(lambda job: add_font_file(data_dir, Path(path)), session=False,
                          on_done=self._added, on_error=self._failed, key=("fonts-add", id(self)))

    def _added(self, text: str) -> None:
        self.changed = True
        self.add_button.setEnabled(True)
        self.report.setPlainText(text)
        self.added.emit()

    def _failed(self, exc: BaseException) -> None:
        self.add_button.setEnabled(True)
        dialogs.show_error(self, str(exc))


class FontsDialog(QDialog):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.setWindowTitle("公文字体")
        self.resize(720, 420)
        v = QVBoxLayout(self)
        self.panel = FontsPanel(ctx, self)
        v.addWidget(self.panel)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        self.panel.buttons.addWidget(close)

    @property
    def changed(self) -> bool:
        return self.panel.changed

    # the panel's parts, for callers and tests
    @property
    def report(self):
        return self.panel.report

    @property
    def add_button(self):
        return self.panel.add_button

    def add(self, path: Path) -> None:
        self.panel.add(path)
