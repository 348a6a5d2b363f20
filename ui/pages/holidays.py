"""节假日安排: the holiday tables every working-day deadline is counted with, the
office's rest-day rule, and entering a year's notice (国务院办公厅通知) when it
is published — no file in the install folder to edit (services/holidays.py)."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QSplitter, QVBoxLayout, QWidget)

from desktop_app.domain.calendar import YearTable
from desktop_app.domain.deadlines import REST_DAY_RULE, REST_DAY_RULE_HELP
from desktop_app.services import holidays, office
from ui import dialogs
from ui.models.rows_model import Row, RowsModel
from ui.widgets.date_edit import WEEKDAYS
from ui.widgets.table import make_table, set_widths

YEAR_ROLE = Qt.ItemDataRole.UserRole + 1


def load_tables(s, job) -> tuple[list[holidays.TableInfo], int | None, bool]:
    return holidays.tables(s), holidays.missing_next_year(s), s.calendar.rest_day_shift


def cn(d: date) -> str:
    return f"{d.month}月{d.day}日"


def holiday_rows(table: YearTable) -> list[Row]:
    rows = []
    for h in table.holidays:
        span = (h.last - h.first).days + 1
        off = cn(h.first) if span == 1 else f"{cn(h.first)}至{cn(h.last)}"
        work = "、".join(f"{cn(d)}（星期{WEEKDAYS[d.weekday()]}）" for d in h.work) or "—"
        rows.append(Row((h.name, off, f"{span}天", work)))
    return rows


class HolidaysPage(QWidget):
    """The years with a table on the left, the chosen year's holidays on the right."""

    changed = Signal()

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.infos: list[holidays.TableInfo] = []
        self._build()
        self.reload()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        title = QLabel("节假日安排")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        intro = QLabel("工作日期限按下列安排计算：周六、周日和法定节假日休息，调休上班日照常上班。"
                       "没有录入安排的年份只按周末计算，期限标为“按周末估算”。"
                       "每年国务院办公厅通知发布后（通常在11月、12月），请在这里录入下一年的安排；"
                       "上级机关录入后，也会随交换包下发。")
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        layout.addWidget(intro)
        self.missing = QLabel()
        self.missing.setObjectName("banner")
        self.missing.setWordWrap(True)
        self.missing.hide()
        layout.addWidget(self.missing)
        self.shift = QCheckBox(REST_DAY_RULE)
        self.shift.setToolTip(REST_DAY_RULE_HELP)
        self.shift.clicked.connect(self._toggle_shift)
        rule = QLabel(REST_DAY_RULE_HELP)
        rule.setObjectName("fieldHint")
        rule.setWordWrap(True)
        layout.addWidget(self.shift)
        layout.addWidget(rule)
        self._build_tables(layout)

    def _build_tables(self, layout: QVBoxLayout) -> None:
        split = QSplitter(Qt.Orientation.Horizontal)
        self.years = QListWidget()
        self.years.currentItemChanged.connect(lambda *_: self._show_year())
        split.addWidget(self.years)
        right = QWidget()
        v = QVBoxLayout(right)
        v.setContentsMargins(0, 0, 0, 0)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        v.addWidget(self.notice)
        self.model = RowsModel(("节日", "放假", "天数", "调休上班"), self, level_column=-1)
        self.table = make_table(right)
        self.table.setModel(self.model)
        set_widths(self.table, [110, 160, 60, 260], stretch=3)
        v.addWidget(self.table, 1)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([160, 700])
        layout.addWidget(split, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("录入一年的安排…")
        self.new_button.clicked.connect(lambda: self.edit(None))
        self.edit_button = QPushButton("修改所选年份…")
        self.edit_button.clicked.connect(lambda: self.edit(self.current_year()))
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    # -- data ------------------------------------------------------------------
    def reload(self) -> None:
        self.ctx.jobs.run(load_tables, on_done=self._loaded, key=("holidays", id(self)))

    def _loaded(self, result) -> None:
        self.infos, missing, shift = result
        self.shift.setChecked(shift)
        if missing:
            self.missing.setText(f"{missing} 年的节假日安排尚未录入：该年的期限暂按周末估算。"
                                 f"国务院办公厅通知发布后，请点“录入一年的安排…”。")
        self.missing.setVisible(bool(missing))
        keep = getattr(self, "_show_after_load", None) or self.current_year()
        self._show_after_load = None
        self.years.blockSignals(True)
        self.years.clear()
        for info in self.infos:
            item = QListWidgetItem(f"{info.year} 年（{info.source}）")
            item.setData(YEAR_ROLE, info.year)
            self.years.addItem(item)
        self.years.blockSignals(False)
        years = [i.year for i in self.infos]
        row = years.index(keep) if keep in years else len(years) - 1
        self.years.setCurrentRow(row)
        self._show_year()

    def current_year(self) -> int | None:
        item = self.years.currentItem()
        return item.data(YEAR_ROLE) if item is not None else None

    def _show_year(self) -> None:
        year = self.current_year()
        info = next((i for i in self.infos if i.year == year), None)
        self.edit_button.setEnabled(info is not None)
        if info is None:
            self.notice.setText("")
            self.model.set_rows([])
            return
        t = info.table
        self.notice.setText(f"{t.notice}（{t.issued.year}年{cn(t.issued)}发布；{info.source}）")
        self.model.set_rows(holiday_rows(t))

    # -- actions ---------------------------------------------------------------
    def edit(self, year: int | None) -> None:
        from ui.pages.holidays_dialog import HolidayTableDialog
        info = next((i for i in self.infos if i.year == year), None)
        suggested = max([i.year for i in self.infos] + [self.ctx.today().year]) + 1
        dialog = HolidayTableDialog(self.ctx, info.table if info else None, suggested, self)
        dialog.saved.connect(self._table_saved)
        dialog.open()
        self.dialog = dialog

    def _table_saved(self, result) -> None:
        moved, calendar, year = result
        self._show_after_load = year
        self._calendar_changed(calendar)
        dialogs.show_info(self, f"已保存。{moved} 条记录的期限已按新的安排重新计算。")

    def _toggle_shift(self, on: bool) -> None:
        question = (f"改为“{REST_DAY_RULE}”？" if on else f"不再{REST_DAY_RULE}？") + \
            "所有按自然日或月计算的期限将随之重新计算。"
        if not dialogs.ask_yes_no(self, question, "期限规则"):
            self.shift.setChecked(not on)
            return

        def call(s, job):
            moved = office.set_rest_day_shift(s, on)
            return moved, s.calendar
        self.ctx.jobs.run(call, on_done=lambda result: self._calendar_changed(result[1]),
                          on_error=lambda exc: (self.shift.setChecked(not on),
                                                dialogs.show_error(self, str(exc))),
                          title="正在重新计算期限…", parent=self)

    def _calendar_changed(self, calendar) -> None:
        """Every session and date field uses the new calendar from now on."""
        self.ctx.calendar = calendar
        sessions = getattr(self.ctx.jobs, "sessions", None)
        if sessions is not None:
            sessions.reset()
        from desktop_app.domain.record import Changes
        self.ctx.bus.changed.emit(Changes())
        self.changed.emit()
        self.reload()
