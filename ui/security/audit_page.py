"""审计日志: search by user, action, record and date; the before/after of the
selected change; verify the hash chain (naming the first broken entry); export
the matching entries to .xlsx. Every query runs as a job; opening the page,
verifying and exporting are themselves audited (desktop_app.security.audit_view).
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPlainTextEdit, QPushButton, QSplitter, QTableView,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from desktop_app.errors import ValidationError
from desktop_app.security import audit_view
from desktop_app.security.audit_view import AuditEntry, AuditFilter
from ui import dialogs
from ui.security.common import error_label, make_jobs, show_in
from ui.widgets.table import FIT_ROWS

COLUMNS = ("序号", "时间", "用户", "操作", "类别", "记录编号", "内容")
ANY = "（全部）"


class AuditModel(QAbstractTableModel):
    """The loaded entries, newest first; more are appended page by page."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries: list[AuditEntry] = []
        self.texts: list[tuple] = []        # the cells of each entry, worked out once per page

    @staticmethod
    def _texts(e: AuditEntry) -> tuple:
        return (e.seq, e.ts.replace("T", " "), e.actor, e.action, e.family_label, e.record_text,
                e.summary())

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        # called for every cell at every paint and column fit: look-ups only (the
        # summary of a change took 50 µs, 0.2 s on the GUI thread when the page opened)
        value = self.texts[index.row()][index.column()]
        return value if role == Qt.ItemDataRole.DisplayRole or index.column() == 6 else None

    def reset(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.texts = [self._texts(e) for e in self.entries]
        self.endResetModel()

    def extend(self, entries: list[AuditEntry]) -> None:
        if not entries:
            return
        first = len(self.entries)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        self.entries.extend(entries)
        self.texts.extend(self._texts(e) for e in entries)
        self.endInsertRows()


class AuditPage(QWidget):
    verified = Signal(list)            # the problems found (empty when the chain is sound)

    def __init__(self, identity, *, jobs=None, synchronous: bool = False, parent=None):
        super().__init__(parent)
        self.identity = identity
        self.jobs = jobs or make_jobs(identity.open_session, synchronous=synchronous, parent=self)
        self.filter = AuditFilter()
        self.more = True
        self._viewed = False
        self.model = AuditModel(self)
        self._build()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        title = QLabel("审计日志")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        layout.addLayout(self._filters())
        self.error = error_label()
        layout.addWidget(self.error)
        self.status = QLabel()
        self.status.setObjectName("muted")
        layout.addWidget(self.status)
        split = QSplitter(Qt.Orientation.Vertical)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(FIT_ROWS)     # columns fit the rows around the visible ones
        for column in range(6):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.selectionModel().currentRowChanged.connect(lambda cur, prev: self.show_entry(cur.row()))
        self.table.verticalScrollBar().valueChanged.connect(self._maybe_more)
        split.addWidget(self.table)
        split.addWidget(self._detail())
        split.setSizes([420, 200])
        layout.addWidget(split, 1)

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.user = QComboBox()
        self.action = QComboBox()
        for box in (self.user, self.action):
            box.setEditable(True)
            box.addItem(ANY)
            box.setMinimumWidth(110)
        self.record = QLineEdit()
        self.record.setPlaceholderText("记录编号")
        self.since, self.until = QLineEdit(), QLineEdit()
        self.since.setPlaceholderText("起 2026-01-01")
        self.until.setPlaceholderText("止 2026-12-31")
        self.text = QLineEdit()
        self.text.setPlaceholderText("内容中的文字（姓名、文件名…）")
        for label, w in (("用户", self.user), ("操作", self.action), ("记录", self.record),
                         ("日期", self.since), ("至", self.until), ("", self.text)):
            if label:
                row.addWidget(QLabel(label))
            row.addWidget(w)
        self.search_button = self._button(row, "查询", self.search)
        self.verify_button = self._button(row, "校验哈希链", self.verify)
        self.export_button = self._button(row, "导出 Excel…", self.export)
        return row

    def _button(self, row: QHBoxLayout, text: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        row.addWidget(button)
        return button

    def _detail(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        self.changes = QTableWidget(0, 3)
        self.changes.setHorizontalHeaderLabels(["字段", "修改前", "修改后"])
        self.changes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.changes.verticalHeader().hide()
        self.changes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.raw = QPlainTextEdit()
        self.raw.setReadOnly(True)
        self.raw.setMaximumHeight(70)
        layout.addWidget(QLabel("所选条目的修改前后："))
        layout.addWidget(self.changes)
        layout.addWidget(self.raw)
        return box

    # -- actions --------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._viewed:
            self._viewed = True
            self.jobs.run(lambda s, job: (audit_view.note_viewed(s), audit_view.choices(s))[1],
                          on_done=self._fill_choices, on_error=self._failed)
            self.search()

    def _fill_choices(self, choices: dict) -> None:
        for box, values in ((self.user, choices["users"]), (self.action, choices["actions"])):
            current = box.currentText()
            box.clear()
            box.addItems([ANY, *values])
            box.setCurrentText(current)

    def read_filter(self) -> AuditFilter:
        def day(edit: QLineEdit, what: str) -> date | None:
            text = edit.text().strip()
            try:
                return date.fromisoformat(text) if text else None
            except ValueError:
                raise ValidationError(what, f"{what}应写成 2026-03-01 这样。") from None
        pick = lambda box: None if box.currentText().strip() in ("", ANY) else box.currentText().strip()
        return AuditFilter(user=pick(self.user), action=pick(self.action),
                           record=self.record.text().strip() or None, since=day(self.since, "起始日期"),
                           until=day(self.until, "截止日期"), text=self.text.text().strip() or None)

    def search(self) -> None:
        try:
            self.filter = self.read_filter()
        except ValidationError as exc:
            show_in(self.error, exc.message)
            return
        show_in(self.error, None)
        flt = self.filter
        self.jobs.run(lambda s, job: (audit_view.search(s, flt), audit_view.count(s, flt)),
                      on_done=self._shown, on_error=self._failed, key=("audit", id(self)))

    def _shown(self, result) -> None:
        entries, total = result
        self.model.reset(entries)
        self.more = len(entries) == audit_view.PAGE
        self.status.setText(f"共 {total} 条符合条件（最新的在前）。")
        if entries:
            self.table.selectRow(0)
        else:
            self.show_entry(-1)

    def _maybe_more(self, value: int) -> None:
        bar = self.table.verticalScrollBar()
        if self.more and value >= bar.maximum() - 5 and self.model.entries:
            self.load_more()

    def load_more(self) -> None:
        flt, last = self.filter, self.model.entries[-1].seq
        self.more = False
        self.jobs.run(lambda s, job: audit_view.search(s, flt, before_seq=last),
                      on_done=self._appended, on_error=self._failed, key=("audit-more", id(self)))

    def _appended(self, entries) -> None:
        self.model.extend(entries)
        self.more = len(entries) == audit_view.PAGE

    def show_entry(self, row: int) -> None:
        entry = self.model.entries[row] if 0 <= row < len(self.model.entries) else None
        changes = entry.changes() if entry else []
        self.changes.setRowCount(len(changes))
        for i, c in enumerate(changes):
            for j, v in enumerate((c.label, audit_view._text(c.before), audit_view._text(c.after))):
                self.changes.setItem(i, j, QTableWidgetItem(v))
        self.raw.setPlainText("" if entry is None else
                              f"第 {entry.seq} 条  {entry.ts}  {entry.actor}  {entry.action}\n"
                              f"{entry.summary()}\n哈希 {entry.hash}")

    def verify(self) -> None:
        self.jobs.run(lambda s, job: audit_view.verify_chain(s), on_done=self._verified,
                      on_error=self._failed, title="正在校验审计日志…", parent=self)

    def _verified(self, problems) -> None:
        if problems:
            dialogs.show_error(self, problems[0].message, "审计日志被改动")
        else:
            dialogs.show_info(self, "审计日志哈希链完好：没有被改动、插入或删除的记录。", "校验通过")
        self.verified.emit(list(problems))

    def export(self) -> None:
        path = dialogs.save_file_name(self, "导出审计日志", f"审计日志-{date.today():%Y%m%d}.xlsx",
                                      "Excel 文件 (*.xlsx)")
        if path is None:
            return
        flt = self.filter
        self.jobs.run(lambda s, job: audit_view.export_xlsx(s, flt, path),
                      on_done=lambda n: dialogs.show_info(self, f"已导出 {n} 条到\n{path}"),
                      on_error=self._failed, title="正在导出…", parent=self)

    def _failed(self, exc) -> None:
        show_in(self.error, str(exc))
