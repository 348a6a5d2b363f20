"""全文搜索 across every family: Chinese substrings of any length (two-character
words such as 约谈 too), as you type."""
from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop_app.domain.registry import FAMILIES
from desktop_app.services import queries
from ui.models.rows_model import PAYLOAD_ROLE, Row, RowsModel
from ui.widgets.table import make_table, on_open, set_widths

SEARCH_DELAY_MS = 15     # short: a stale search is cancelled (interrupted), not waited for


class SearchPage(QWidget):
    results_shown = Signal(str)          # the text whose hits are now in the table

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QVBoxLayout(self)
        title = QLabel("全文搜索")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        row = QHBoxLayout()
        self.box = QLineEdit()
        self.box.setClearButtonEnabled(True)
        self.box.setPlaceholderText("输入要找的文字：姓名、单位、事由、文号……多个词用空格分开")
        self.scope = QComboBox()
        self.scope.addItem("全部类别", None)
        for fam in FAMILIES.values():
            if fam.name != "attachment":
                self.scope.addItem(fam.label, fam.name)
        row.addWidget(self.box, 1)
        row.addWidget(self.scope)
        layout.addLayout(row)
        self.model = RowsModel(("类别", "标题", "日期", "状态", "摘要"), self, level_column=-1)
        self.table = make_table(self)
        self.table.setModel(self.model)
        set_widths(self.table, [96, 300, 92, 70, 360], stretch=4)
        on_open(self.table, self._open)
        layout.addWidget(self.table, 1)
        self.status = QLabel("输入文字后自动搜索。")
        self.status.setObjectName("muted")
        layout.addWidget(self.status)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.box.textChanged.connect(lambda: self._timer.start())
        self.scope.currentIndexChanged.connect(self.run_search)
        self.box.returnPressed.connect(self._open_first)
        self.generation = 0

    def run_search(self) -> None:
        text, fam = self.box.text().strip(), self.scope.currentData()
        self.generation += 1
        gen = self.generation
        if not text:
            self.model.set_rows([])
            self.status.setText("输入文字后自动搜索。")
            self.results_shown.emit("")
            return
        self.ctx.jobs.run(lambda s, job: queries.search(s, text, families=[fam] if fam else None),
                          on_done=lambda hits: self._show(gen, text, hits), key=("search", id(self)))

    def _show(self, gen: int, text: str, hits) -> None:
        if gen != self.generation:
            return
        self.model.set_rows([
            Row((FAMILIES[h.family].label, h.title, h.main_date[:10] if h.main_date else "",
                 h.status, h.snippet), payload=(h.family, h.id)) for h in hits])
        more = "（只显示前 200 条，请输入更多文字缩小范围）" if len(hits) >= 200 else ""
        self.status.setText(f"“{text}”：找到 {len(hits)} 条{more}。双击打开。")
        self.results_shown.emit(text)

    def _open(self, index) -> None:
        payload = index.data(PAYLOAD_ROLE) if index.isValid() else None
        if payload:
            self.ctx.bus.open_record.emit(*payload)

    def _open_first(self) -> None:
        if self.model.rowCount():
            self._open(self.model.index(0, 0))

    def focus_search(self) -> None:
        self.box.setFocus()
        self.box.selectAll()
