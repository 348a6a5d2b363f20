"""Choosing persons, units and other records: a search dialog (Chinese
substring or pinyin initials such as “zs” for 张三) and the small fields that
open it."""
from __future__ import annotations

from typing import Iterable

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QToolButton, QVBoxLayout, QWidget)

from desktop_app.domain.registry import family as get_family
from desktop_app.services import lookup
from ui.directory import filter_entries

DIRECTORY_FAMILIES = ("person", "unit")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2


class PickerDialog(QDialog):
    """Pick one record (double-click or 确定) or several (tick them)."""

    def __init__(self, ctx, family: str, *, multi: bool = False,
                 selected: dict[str, str] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.family, self.multi = ctx, family, multi
        self.checked: dict[str, str] = dict(selected or {})
        label = get_family(family).label
        self.setWindowTitle(f"选择{label}")
        self.resize(520, 520)
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        hint = "输入姓名、单位或拼音首字母（如 zs）" if family == "person" else (
            "输入名称或拼音首字母" if family == "unit" else "输入标题中的文字")
        self.search.setPlaceholderText(hint)
        layout.addWidget(self.search)
        self.list = QListWidget()
        self.list.itemDoubleClicked.connect(self._double_clicked)
        self.list.itemChanged.connect(self._item_changed)
        layout.addWidget(self.list, 1)
        self.status = QLabel()
        self.status.setObjectName("muted")
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._timer = QTimer(self, singleShot=True, interval=120)
        self._timer.timeout.connect(self.refill)
        self.search.textChanged.connect(lambda: self._timer.start())
        self.search.installEventFilter(self)
        self.list.installEventFilter(self)
        if family in DIRECTORY_FAMILIES:
            ctx.directory.loaded.connect(self._directory_loaded)
        self.refill()

    def _directory_loaded(self, family: str) -> None:
        if family == self.family:
            self.refill()

    def refill(self) -> None:
        text = self.search.text()
        if self.family in DIRECTORY_FAMILIES:
            entries = self.ctx.directory.get(self.family)
            if entries is None:
                self.status.setText("正在加载…")
                return
            self._show([(e.id, e.name, e.label) for e in filter_entries(entries, text)])
        else:
            fam = self.family
            self.ctx.jobs.run(lambda s, job: lookup.find_titles(s, fam, text),
                              on_done=lambda rows: self._show(
                                  [(r.id, r.title, f"{r.title}（{r.main_date or ''} {r.status}）")
                                   for r in rows]),
                              key=("picker", id(self)), parent=self)

    def _show(self, rows: Iterable[tuple[str, str, str]]) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for rid, name, label in rows:
            item = QListWidgetItem(label)
            item.setData(ID_ROLE, rid)
            item.setData(NAME_ROLE, name)
            if self.multi:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if rid in self.checked
                                   else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if self.list.count():
            self.list.setCurrentRow(0)
        self._update_status()

    def _update_status(self) -> None:
        shown = f"找到 {self.list.count()} 项" + ("（只显示前 500 项，请输入更多文字）"
                                                if self.list.count() >= 500 else "")
        chosen = (f"；已选 {len(self.checked)} 项（回车勾选高亮的一项，Ctrl+回车 确定）"
                  if self.multi else "")
        self.status.setText(shown + chosen)

    def _item_changed(self, item: QListWidgetItem) -> None:
        rid = item.data(ID_ROLE)
        if item.checkState() == Qt.CheckState.Checked:
            self.checked[rid] = item.data(NAME_ROLE)
        else:
            self.checked.pop(rid, None)
        self._update_status()

    def _double_clicked(self, item: QListWidgetItem) -> None:
        if self.multi:
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
        else:
            self.accept()

    def eventFilter(self, watched, event) -> bool:
        """The keyboard, from the search field or the list: ↑/↓ move the highlight;
        Enter takes the highlighted entry (single choice: and closes; several: ticks
        it, keeps the window open for the next name); Ctrl+Enter is 确定."""
        if event.type() != QEvent.Type.KeyPress:
            return False
        key = event.key()
        if watched is self.search and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            row = self.list.currentRow() + (1 if key == Qt.Key.Key_Down else -1)
            if 0 <= row < self.list.count():
                self.list.setCurrentRow(row)
            return True
        if key not in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return False
        if self._timer.isActive():          # typed faster than the list follows
            self._timer.stop()
            self.refill()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier or not self.multi:
            if self.multi or self.list.currentItem() is not None:
                self.accept()
            return True
        self._tick_current()
        return True

    def _tick_current(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        item.setCheckState(Qt.CheckState.Checked)
        if self.search.text():              # ready for the next name
            self.search.clear()
            self.refill()
        self.search.setFocus()

    def chosen(self) -> list[tuple[str, str]]:
        if self.multi:
            return list(self.checked.items())
        item = self.list.currentItem()
        return [(item.data(ID_ROLE), item.data(NAME_ROLE))] if item else []

    @classmethod
    def ask(cls, ctx, family: str, *, multi: bool = False, selected=None,
            parent: QWidget | None = None) -> list[tuple[str, str]] | None:
        """Tests replace this; None when cancelled."""
        d = cls(ctx, family, multi=multi, selected=selected, parent=parent)
        return d.chosen() if d.exec() == QDialog.DialogCode.Accepted else None


def _tool(text: str, tip: str) -> QToolButton:
    b = QToolButton()
    b.setText(text)
    b.setToolTip(tip)
    return b


class RefEdit(QWidget):
    """One referred record: its name, 选择… and 清除."""

    edited = Signal()

    def __init__(self, ctx, family: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.family = ctx, family
        self._id: str | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.line = QLineEdit()
        self.line.setReadOnly(True)
        self.line.setPlaceholderText(f"点“选择”挑选{get_family(family).label}")
        self.pick = _tool("选择…", f"选择{get_family(family).label}")
        self.pick.clicked.connect(self.choose)
        self.clear = _tool("×", "清除")
        self.clear.clicked.connect(lambda: self.set_value(None, ""))
        layout.addWidget(self.line, 1)
        layout.addWidget(self.pick)
        layout.addWidget(self.clear)

    def choose(self) -> None:
        picked = PickerDialog.ask(self.ctx, self.family, parent=self)
        if picked:
            self.set_value(*picked[0])

    def value(self) -> str | None:
        return self._id

    def set_value(self, rid: str | None, name: str = "") -> None:
        changed = rid != self._id
        self._id = rid
        self.line.setText(name if rid else "")
        if changed:
            self.edited.emit()

    def set_read_only(self, read_only: bool) -> None:
        self.pick.setEnabled(not read_only)
        self.clear.setEnabled(not read_only)


class RefsEdit(QWidget):
    """Several referred records (谈话对象, 参会人员): a list with 添加… and 移除."""

    edited = Signal()

    def __init__(self, ctx, family: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.family = ctx, family
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setMaximumHeight(64)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(True)
        self.list.setSpacing(2)
        buttons = QVBoxLayout()
        self.add = _tool("添加…", f"添加{get_family(family).label}")
        self.add.clicked.connect(self.choose)
        self.remove = _tool("移除", "移除选中的一项")
        self.remove.clicked.connect(self._remove)
        buttons.addWidget(self.add)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def items(self) -> dict[str, str]:
        return {self.list.item(i).data(ID_ROLE): self.list.item(i).text()
                for i in range(self.list.count())}

    def choose(self) -> None:
        picked = PickerDialog.ask(self.ctx, self.family, multi=True, selected=self.items(),
                                  parent=self)
        if picked is not None:
            self.set_items(picked)

    def set_items(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.list.clear()
        for rid, name in pairs:
            item = QListWidgetItem(name)
            item.setData(ID_ROLE, rid)
            self.list.addItem(item)
        self.edited.emit()

    def _remove(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.edited.emit()

    def value(self) -> list[str] | None:
        ids = list(self.items())
        return ids or None

    def set_read_only(self, read_only: bool) -> None:
        self.add.setEnabled(not read_only)
        self.remove.setEnabled(not read_only)
