"""The 数据冲突 page: every conflict an exchange found, both versions side by side with
the differing fields marked; the office that owns the record accepts one version or
composes the result field by field (a normal edit, which travels to the others)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton,
                               QSplitter, QVBoxLayout, QWidget)

from desktop_app.errors import UserFacingError
from ui.exchange import prompts
from ui.exchange.widgets import fill, note, session_opener, table
from ui.exchange.worker import Worker

log = logging.getLogger(__name__)
KEEP, OTHER = "保留当前版本", "采用另一版本"


class ConflictsPage(QWidget):
    families_changed = Signal(object)
    loaded = Signal()

    def __init__(self, data_dir: Path, parent: QWidget | None = None, *,
                 open_session: Callable | None = None):
        super().__init__(parent)
        self.open_session = session_opener(Path(data_dir), open_session)
        self.views: list = []
        self.current = None
        self.ordered: list = []
        self.worker: Worker | None = None
        self.show_resolved = QCheckBox("显示已处理的冲突")
        self.show_resolved.toggled.connect(self.refresh)
        self.list = table(["类别", "记录", "类型", "发现时间", "状态"])
        self.list.itemSelectionChanged.connect(self._selected)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.show_resolved)
        left_layout.addWidget(self.list, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self._detail())
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.refresh()

    def _detail(self) -> QWidget:
        page = QWidget()
        self.title = QLabel("没有选中的冲突。")
        self.title.setWordWrap(True)
        self.fields = table(["字段", "当前版本", "另一版本", "组合结果"])
        self.hint = note()
        self.keep_button = QPushButton(KEEP)
        self.other_button = QPushButton(OTHER)
        self.compose_button = QPushButton("按“组合结果”保存")
        self.keep_button.clicked.connect(lambda: self.resolve("winner"))
        self.other_button.clicked.connect(lambda: self.resolve("loser"))
        self.compose_button.clicked.connect(self.compose)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.keep_button, self.other_button, self.compose_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(page)
        layout.addWidget(self.title)
        layout.addWidget(self.fields, 1)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        self._enable(False)
        return page

    def _enable(self, on: bool) -> None:
        for button in (self.keep_button, self.other_button, self.compose_button):
            button.setEnabled(on)

    # -- loading
    def refresh(self) -> None:
        include = self.show_resolved.isChecked()

        def work(s, progress, cancel):
            from desktop_app.exchange.conflicts import list_conflicts
            return list_conflicts(s, include_resolved=include)
        self._run(work, self._show)

    def _run(self, fn, on_done) -> None:
        self.worker = Worker(fn, self.open_session)
        self.worker.done.connect(on_done)
        self.worker.failed.connect(self._failed)
        self.worker.start()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserFacingError):
            prompts.show_error(self, str(exc))
        else:
            log.error("conflicts page job failed", exc_info=exc)
            prompts.show_error(self, f"程序错误：{exc!r}")

    def _show(self, views: list) -> None:
        keep = self.current.id if self.current else None
        self.views = views
        fill(self.list, [(v.label, v.title, v.kind_label, v.detected_utc,
                          "待处理" if v.status == "open" else f"已处理（{v.resolved_by}）")
                         for v in views])
        ids = [v.id for v in views]
        if keep in ids:
            self.list.selectRow(ids.index(keep))
        elif views:
            self.list.selectRow(0)
        else:
            self.show_conflict(None)
        self.loaded.emit()

    def _selected(self) -> None:
        row = self.list.currentRow()
        self.show_conflict(self.views[row] if 0 <= row < len(self.views) else None)

    def show_conflict(self, view) -> None:
        self.current = view
        if view is None:
            self.title.setText("没有待处理的冲突。")
            fill(self.fields, [])
            self.hint.setText("")
            self._enable(False)
            return
        self.title.setText(f"{view.label}“{view.title}”：{view.kind_label}，发现于 {view.detected_utc}")
        # The differing fields first: with 20 fields, the two that differ matter.
        self.ordered = sorted(view.fields, key=lambda f: not f.differs)
        rows = [(f.label, f.winner, f.loser, "") for f in self.ordered]
        fill(self.fields, rows, marked=[i for i, f in enumerate(self.ordered) if f.differs])
        names = set(_field_names(view))
        for i, f in enumerate(self.ordered):
            if f.differs and f.name in names and view.editable:
                pick = QComboBox()
                pick.addItems([KEEP, OTHER])
                self.fields.setCellWidget(i, 3, pick)
        self.hint.setText(_hint(view))
        self._enable(view.editable)
        self.compose_button.setEnabled(view.editable and view.kind != "duplicate_key")
        self.other_button.setEnabled(view.editable and view.kind != "duplicate_key")
        if view.kind == "duplicate_key":
            self.keep_button.setText("两条都保留，标记为已处理")
        else:
            self.keep_button.setText(KEEP)

    # -- resolving
    def picks(self) -> dict[str, str]:
        out = {}
        for i, f in enumerate(self.ordered):
            widget = self.fields.cellWidget(i, 3)
            if isinstance(widget, QComboBox):
                out[f.name] = "loser" if widget.currentText() == OTHER else "winner"
        return out

    def resolve(self, choice: str | None) -> None:
        view = self.current
        if view is None:
            return
        choice = None if view.kind == "duplicate_key" else choice

        def work(s, progress, cancel):
            from desktop_app.exchange.conflicts import resolve_conflict
            return resolve_conflict(s, view.id, choice=choice)
        self._run(work, self._resolved)

    def compose(self) -> None:
        view, picks = self.current, self.picks()
        if view is None:
            return

        def work(s, progress, cancel):
            from desktop_app.exchange.conflicts import compose_values, resolve_conflict
            return resolve_conflict(s, view.id, values=compose_values(view, picks))
        self._run(work, self._resolved)

    def _resolved(self, view) -> None:
        self.families_changed.emit(frozenset({view.table}))
        self.refresh()


def _field_names(view) -> list[str]:
    from desktop_app.domain.registry import FAMILIES
    return list(FAMILIES[view.table].field_names)


def _hint(view) -> str:
    if view.status != "open":
        return f"已由 {view.resolved_by} 于 {view.resolved_utc} 处理。"
    if not view.editable:
        return f"该记录属于 {view.owner_office}，本单位只能查看；由该单位处理后会随数据交换传来。"
    if view.kind == "duplicate_key":
        return "两条记录使用了同一个台账编号，都已保留。请核对后标记为已处理。"
    return ("标黄的是两个版本不同的字段。可以保留当前版本、采用另一版本，或在“组合结果”一栏"
            "逐项选择后保存（状态和作废只能整体采用某一版本）。")
