"""The filters above a list: unit, person, type, status, date range, warning
level, 包含已作废, and the search box (search as you type)."""
from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QWidget)

from desktop_app.domain.schema import COMMON_NAMES, Family
from desktop_app.domain.vocab import choices, workflows
from desktop_app.services.queries import ListFilter
from ui.widgets.date_edit import DateEdit, parse_or_none
from ui.widgets.pickers import RefEdit

SEARCH_DELAY_MS = 15     # short: a stale query is cancelled (interrupted), not waited for
LEVELS = (("", "全部预警"), ("red", "已逾期"), ("orange", "今日到期"), ("yellow", "临期"))


def _combo(items: list[tuple[str, str]]) -> QComboBox:
    box = QComboBox()
    for value, text in items:
        box.addItem(text, value or None)
    return box


class FilterBar(QWidget):
    changed = Signal()

    def __init__(self, ctx, fam: Family, parent: QWidget | None = None):
        super().__init__(parent)
        self.fam = fam
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(f"在{fam.label}中搜索（任意文字，如 约谈、乡镇）")
        self.search.setMinimumWidth(260)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.changed)
        self.search.textChanged.connect(lambda: self._timer.start())
        self.unit = RefEdit(ctx, "unit") if fam.unit_field else None
        self.person = RefEdit(ctx, "person") if fam.person_fields and fam.name != "person" else None
        self.type_box = self._type_box()
        self.status = _combo([("", "全部状态")] + [(s, s) for s in workflows()[fam.workflow].states])
        self.level = _combo(list(LEVELS)) if fam.deadlines else None
        has_dates = fam.date_field not in COMMON_NAMES
        self.date_from = DateEdit(ctx.calendar, ctx.today()) if has_dates else None
        self.date_to = DateEdit(ctx.calendar, ctx.today()) if has_dates else None
        self.voided = QCheckBox("包含已作废")
        for ref in (self.unit, self.person):
            if ref is not None:
                ref.setMinimumWidth(220)
        for d in (self.date_from, self.date_to):
            if d is not None:
                d.note.hide()
                d.line.setFixedWidth(110)
        self._connect()
        self._layout()

    def _type_box(self) -> QComboBox | None:
        if not self.fam.type_field:
            return None
        f = self.fam.field(self.fam.type_field)
        if not f.vocab:
            return None
        return _combo([("", f"全部{f.label}")] + [(c, c) for c in choices(f.vocab)])

    def _connect(self) -> None:
        for box in (self.type_box, self.status, self.level):
            if box is not None:
                box.currentIndexChanged.connect(self.changed)
        for ref in (self.unit, self.person):
            if ref is not None:
                ref.edited.connect(self.changed)
        for d in (self.date_from, self.date_to):
            if d is not None:
                d.edited.connect(self._date_edited)
        self.voided.toggled.connect(self.changed)

    def _date_edited(self) -> None:
        for d in (self.date_from, self.date_to):
            if d is not None and d.value() and parse_or_none(d.value()) is None:
                return                              # still typing
        self._timer.start()

    def _layout(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(QLabel("搜索："))
        top.addWidget(self.search, 2)
        for w in (self.type_box, self.status, self.level):
            if w is not None:
                top.addWidget(w)
        top.addWidget(self.voided)
        clear = QPushButton("清除条件")
        clear.clicked.connect(self.clear)
        top.addWidget(clear)
        grid.addLayout(top, 0, 0)
        second = QHBoxLayout()
        if self.unit is not None:
            second.addWidget(QLabel("单位："))
            second.addWidget(self.unit, 1)
        if self.person is not None:
            second.addWidget(QLabel("人员："))
            second.addWidget(self.person, 1)
        if self.date_from is not None:
            second.addSpacing(12)
            second.addWidget(QLabel(f"{self.fam.field(self.fam.date_field).label}从"))
            second.addWidget(self.date_from)
            second.addWidget(QLabel("到"))
            second.addWidget(self.date_to)
        if second.count():
            second.addStretch(1)
            grid.addLayout(second, 1, 0)

    def current(self) -> ListFilter:
        def text_of(d):
            v = d.value() if d is not None else None
            p = parse_or_none(v) if v else None
            return p.isoformat() if p else None
        return ListFilter(
            unit_id=self.unit.value() if self.unit else None,
            person_id=self.person.value() if self.person else None,
            type_value=self.type_box.currentData() if self.type_box else None,
            status=self.status.currentData(),
            date_from=text_of(self.date_from), date_to=text_of(self.date_to),
            level=self.level.currentData() if self.level else None,
            text=self.search.text().strip() or None,
            include_voided=self.voided.isChecked())

    def set_level(self, level: str | None) -> None:
        if self.level is not None:
            self.level.setCurrentIndex(max(0, self.level.findData(level)))

    def clear(self) -> None:
        self.blockSignals(True)
        self.search.clear()
        for box in (self.type_box, self.status, self.level):
            if box is not None:
                box.setCurrentIndex(0)
        for ref in (self.unit, self.person):
            if ref is not None:
                ref.set_value(None)
        for d in (self.date_from, self.date_to):
            if d is not None:
                d.set_value(None)
        self.voided.setChecked(False)
        self.blockSignals(False)
        self._timer.stop()
        self.changed.emit()
