"""A Chinese date field that may be empty: type 2026-03-07 (or 2026年3月7日),
or pick from a calendar that marks holidays and make-up working days.

QDateEdit cannot be empty, and most dates of a ledger are optional."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import (QCalendarWidget, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QToolButton, QVBoxLayout, QWidget)

from desktop_app.domain.calendar import WorkCalendar
from desktop_app.domain.validate import parse_date
from desktop_app.errors import ValidationError

WEEKDAYS = "一二三四五六日"
ZH_CN = QLocale(QLocale.Language.Chinese, QLocale.Country.China)


def parse_or_none(text: str) -> date | None:
    try:
        return parse_date(text) if text.strip() else None
    except ValidationError:
        return None


class _CalendarPopup(QFrame):
    picked = Signal(object)     # date or None (清除)

    def __init__(self, cal: WorkCalendar | None, today: date, parent: QWidget):
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.work_calendar, self.today = cal, today
        layout = QVBoxLayout(self)
        self.calendar = QCalendarWidget()
        self.calendar.setLocale(ZH_CN)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(True)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.clicked.connect(lambda d: self.picked.emit(d.toPython()))
        self.calendar.activated.connect(lambda d: self.picked.emit(d.toPython()))
        self.calendar.currentPageChanged.connect(self._mark_month)
        layout.addWidget(self.calendar)
        row = QHBoxLayout()
        today_btn = QPushButton("今天")
        today_btn.clicked.connect(lambda: self.picked.emit(self.today))
        clear_btn = QPushButton("清除")
        clear_btn.clicked.connect(lambda: self.picked.emit(None))
        hint = QLabel("红色：休息日  蓝色：调休上班")
        hint.setObjectName("fieldHint")
        row.addWidget(hint, 1)
        row.addWidget(today_btn)
        row.addWidget(clear_btn)
        layout.addLayout(row)

    def show_for(self, current: date | None) -> None:
        d = current or self.today
        self.calendar.setSelectedDate(QDate(d.year, d.month, d.day))
        self.calendar.setCurrentPage(d.year, d.month)
        self._mark_month(d.year, d.month)

    def _mark_month(self, year: int, month: int) -> None:
        if self.work_calendar is None:
            return
        off, makeup = QTextCharFormat(), QTextCharFormat()
        off.setForeground(Qt.GlobalColor.red)
        makeup.setForeground(Qt.GlobalColor.blue)
        makeup.setFontWeight(700)
        first = QDate(year, month, 1)
        for i in range(-7, first.daysInMonth() + 14):
            qd = first.addDays(i)
            d = qd.toPython()
            working = self.work_calendar.is_working_day(d)
            fmt = off if not working else (makeup if d.weekday() >= 5 else QTextCharFormat())
            self.calendar.setDateTextFormat(qd, fmt)


class DateEdit(QWidget):
    edited = Signal()

    def __init__(self, calendar: WorkCalendar | None = None, today: date | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.work_calendar = calendar
        self.today = today or date.today()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.line = QLineEdit()
        self.line.setPlaceholderText("如 2026-03-07")
        self.line.setMaxLength(16)
        self.line.textChanged.connect(self._changed)
        self.button = QToolButton()
        self.button.setText("▾")
        self.button.setToolTip("从日历中选择")
        self.button.clicked.connect(self.open_calendar)
        self.note = QLabel()
        self.note.setObjectName("fieldHint")
        self.note.setMinimumWidth(60)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.button)
        layout.addWidget(self.note)
        self.popup: _CalendarPopup | None = None

    def open_calendar(self) -> None:
        if self.popup is None:
            self.popup = _CalendarPopup(self.work_calendar, self.today, self)
            self.popup.picked.connect(self._picked)
        self.popup.show_for(parse_or_none(self.line.text()))
        self.popup.adjustSize()
        self.popup.move(self.line.mapToGlobal(self.line.rect().bottomLeft()))
        self.popup.show()

    def _picked(self, d: date | None) -> None:
        self.set_value(d)
        if self.popup is not None:
            self.popup.hide()
        self.line.setFocus()

    def _changed(self) -> None:
        d = parse_or_none(self.line.text())
        self.note.setText(self._describe(d) if d else "")
        self.edited.emit()

    def _describe(self, d: date) -> str:
        text = f"星期{WEEKDAYS[d.weekday()]}"
        if self.work_calendar is not None and not self.work_calendar.is_working_day(d):
            name = self.work_calendar.holiday_name(d)
            text += f"（{name}）" if name else "（休息日）"
        elif self.work_calendar is not None and d.weekday() >= 5:
            text += "（调休上班）"
        return text

    def value(self) -> str | None:
        text = self.line.text().strip()
        return text or None

    def set_value(self, value: str | date | None) -> None:
        if isinstance(value, date):
            value = value.isoformat()
        self.line.setText(value or "")

    def set_read_only(self, read_only: bool) -> None:
        self.line.setReadOnly(read_only)
        self.button.setEnabled(not read_only)
