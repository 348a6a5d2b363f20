"""The records that belong to a record (整改问题 of a 整改, 议题 of a 会议…),
listed with the same generic model, with 新增 prefilled with the parent."""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop_app.domain.registry import FAMILIES
from desktop_app.domain.schema import Family
from desktop_app.services.queries import ListFilter
from ui.models.record_model import RECORD_ID_ROLE, RecordTableModel
from ui.widgets.table import make_table, on_open, set_widths


def children_of(family: str) -> list[Family]:
    """Families whose parent field refers to ``family``."""
    return [f for f in FAMILIES.values() if f.parent and f.field(f.parent).ref == family]


class ChildrenPanel(QWidget):
    def __init__(self, ctx, child: Family, open_record, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.child, self.open_record = ctx, child, open_record
        self.parent_id: str | None = None
        layout = QVBoxLayout(self)
        self.model = RecordTableModel(child.name, ctx.jobs, self)
        self.table = make_table(self)
        self.table.setModel(self.model)
        set_widths(self.table, [c.width for c in self.model.columns])
        on_open(self.table, self._open)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.new_button = QPushButton(f"新增{child.label}…")
        self.new_button.clicked.connect(self._new)
        open_button = QPushButton("打开")
        open_button.clicked.connect(lambda: self._open(self.table.currentIndex()))
        row.addWidget(self.new_button)
        row.addWidget(open_button)
        row.addStretch(1)
        layout.addLayout(row)
        ctx.bus.changed.connect(self._on_changed)

    def set_parent_record(self, parent_id: str, read_only: bool = False) -> None:
        self.parent_id = parent_id
        self.new_button.setEnabled(not read_only)
        self.model.set_query(ListFilter(parent_id=parent_id), sort_key=self.child.date_field,
                             descending=False)

    def _new(self) -> None:
        if self.parent_id:
            self.open_record(self.child.name, None, {self.child.parent: self.parent_id})

    def _open(self, index) -> None:
        if index.isValid():
            self.open_record(self.child.name, index.data(RECORD_ID_ROLE), None)

    def _on_changed(self, changes) -> None:
        if self.parent_id and self.child.name in changes.families:
            self.model.refresh()
