"""回避关系 of one account: who is this user (their own person record) and who are
their relatives. Finding a person shows only id, name and position: an account
manager who may not read records (三员分立) still needs to pick the person."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHBoxLayout, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout,
                               QWidget)

from desktop_app.security import avoidance
from ui.security.common import error_label, hint_label, show_in

SELF = avoidance.SELF


class RelativesDialog(QDialog):
    def __init__(self, identity, account: str, *, jobs, parent: QWidget | None = None):
        super().__init__(parent)
        self.identity, self.account, self.jobs = identity, account, jobs
        self.setWindowTitle(f"回避关系 — {account}")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label("登记后，此账户查阅本人或这些人员的廉政档案时，按本机关的回避规则"
                                    "提醒或拦截，并记入审计日志。"))
        self.current = QListWidget()
        layout.addWidget(QLabel("已登记："))
        layout.addWidget(self.current)
        remove = QPushButton("删除所选")
        remove.clicked.connect(self.remove)
        layout.addWidget(remove)
        find = QHBoxLayout()
        self.query = QLineEdit()
        self.query.setPlaceholderText("人员姓名或编号")
        search = QPushButton("查找")
        search.clicked.connect(self.find)
        find.addWidget(self.query)
        find.addWidget(search)
        layout.addLayout(find)
        self.found = QListWidget()
        self.found.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        layout.addWidget(self.found)
        add = QHBoxLayout()
        self.relation = QLineEdit()
        self.relation.setPlaceholderText("关系：本人、配偶、子女、父母……")
        add_button = QPushButton("登记所选人员")
        add_button.clicked.connect(self.add)
        add.addWidget(self.relation)
        add.addWidget(add_button)
        layout.addLayout(add)
        self.error = error_label()
        layout.addWidget(self.error)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.reload()

    def _run(self, fn, on_done) -> None:
        show_in(self.error, None)
        self.jobs.run(lambda s, job: fn(s), on_done=on_done, on_error=lambda e: show_in(self.error, str(e)))

    def reload(self) -> None:
        def load(s):
            me = s.conn.execute("SELECT p.id, p.name, p.position FROM account a JOIN person p"
                                " ON p.id = a.person_id WHERE a.name = ?", (self.account,)).fetchone()
            return tuple(me) if me else None, avoidance.relatives_of(s, self.account)
        self._run(load, self._shown)

    def _shown(self, result) -> None:
        me, relatives = result
        self.current.clear()
        if me:                             # names, never ids (the id is in the tip)
            pid, name, position = me
            item = QListWidgetItem(f"本人：{name}　{position or ''}".rstrip())
            item.setData(256, (pid, SELF))
            item.setToolTip(f"人员编号：{pid}")
            self.current.addItem(item)
        for r in relatives:
            item = QListWidgetItem(f"{r.relation}：{r.name}")
            item.setData(256, (r.person_id, r.relation))
            item.setToolTip(f"人员编号：{r.person_id}")
            self.current.addItem(item)

    def find(self) -> None:
        text = self.query.text()
        self._run(lambda s: avoidance.find_persons(s, text), self._found)

    def _found(self, rows) -> None:
        self.found.clear()
        for pid, name, position in rows:
            item = QListWidgetItem(f"{name}　{position or ''}".rstrip())
            item.setData(256, pid)
            item.setToolTip(f"人员编号：{pid}")
            self.found.addItem(item)
        if not rows:
            show_in(self.error, "没有找到这个人员。")

    def add(self) -> None:
        item = self.found.currentItem()
        if item is None:
            show_in(self.error, "请先查找并选中一名人员。")
            return
        pid, relation = item.data(256), self.relation.text().strip()
        if relation == SELF:
            self._run(lambda s: avoidance.set_self(s, self.account, pid), lambda _: self.reload())
        else:
            self._run(lambda s: avoidance.add_relative(s, self.account, pid, relation),
                      lambda _: self.reload())

    def remove(self) -> None:
        item = self.current.currentItem()
        if item is None:
            return
        pid, relation = item.data(256)
        if relation == SELF:
            self._run(lambda s: avoidance.set_self(s, self.account, None), lambda _: self.reload())
        else:
            self._run(lambda s: avoidance.remove_relative(s, self.account, pid), lambda _: self.reload())
