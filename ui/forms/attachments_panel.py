"""附件 of one record: add a file, open it, save a copy; size and SHA-256 shown."""
from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_app.filenames import clean_name
from desktop_app.services import attachments
from ui import dialogs
from ui.models.rows_model import Row, RowsModel
from ui.widgets.table import make_table, on_open, set_widths

log = logging.getLogger(__name__)


def human_size(n: int) -> str:
    if n < 1024:
        return f"{n} 字节"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1048576:.1f} MB"


def _copy_out(s, sha: str, filename: str, target: Path | None) -> Path:
    """A copy of the stored file: to ``target`` (chosen in a save dialog) or, to open
    it, under its cleaned name inside the data folder (the store names files by hash)."""
    if target is None:
        return attachments.copy_to_open(s, sha, filename)
    return attachments.export_copy(s, sha, target)


class AttachmentsPanel(QWidget):
    def __init__(self, ctx, family: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.family = ctx, family
        self.record_id: str | None = None
        layout = QVBoxLayout(self)
        self.model = RowsModel(("文件名", "大小", "SHA-256 校验值", "添加时间"), self, level_column=-1)
        self.table = make_table(self)
        self.table.setModel(self.model)
        set_widths(self.table, [240, 80, 300, 150])
        on_open(self.table, lambda _: self.open_selected())
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton("添加附件…")
        self.add_button.clicked.connect(self.add)
        self.open_button = QPushButton("打开")
        self.open_button.clicked.connect(self.open_selected)
        self.save_button = QPushButton("另存为…")
        self.save_button.clicked.connect(self.save_selected)
        note = QLabel("附件保存在数据文件夹中，按校验值存放，同一文件只保存一份。")
        note.setObjectName("muted")
        for b in (self.add_button, self.open_button, self.save_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(note)
        layout.addLayout(row)

    def set_record(self, record_id: str | None, read_only: bool = False) -> None:
        self.record_id = record_id
        self.add_button.setEnabled(record_id is not None and not read_only)
        self.reload()

    def reload(self) -> None:
        if self.record_id is None:
            self.model.set_rows([])
            return
        fam, rid = self.family, self.record_id
        self.ctx.jobs.run(lambda s, job: [dict(r) for r in attachments.attachments_of(s, fam, rid)],
                          on_done=self._show, key=("attachments", id(self)), parent=self)

    def _show(self, rows: list[dict]) -> None:
        self.model.set_rows([Row((r["filename"], human_size(r["size"] or 0), r["sha256"],
                                  r["created_at"].replace("T", " ")), payload=r) for r in rows])

    def add(self) -> None:
        path = dialogs.open_file_name(self, "选择要添加的附件")
        if path is None or self.record_id is None:
            return
        fam, rid = self.family, self.record_id
        self.ctx.jobs.run(lambda s, job: attachments.add_attachment(s, fam, rid, path),
                          on_done=self._added, title=f"正在保存附件 {path.name}…", parent=self)

    def _added(self, saved) -> None:
        self.ctx.bus.changed.emit(saved.changes)
        self.reload()

    def _selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.payload(rows[0].row()) if rows else None

    def open_selected(self) -> None:
        r = self._selected()
        if r is None:
            return
        self.ctx.jobs.run(lambda s, job: _copy_out(s, r["sha256"], r["filename"], None),
                          on_done=dialogs.open_path, parent=self)

    def save_selected(self) -> None:
        r = self._selected()
        if r is None:
            return
        target = dialogs.save_file_name(self, "附件另存为", clean_name(r["filename"]), "所有文件 (*)")
        if target is not None:
            self.ctx.jobs.run(lambda s, job: _copy_out(s, r["sha256"], r["filename"], target),
                              on_done=lambda p: dialogs.show_info(self, f"已保存到 {p}"), parent=self)
