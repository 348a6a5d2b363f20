"""工作台, the home page: what is overdue (red), due today (orange) and due
soon (yellow), this quarter's counts and the recent changes. Clicking any
item opens the record."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSplitter,
                               QVBoxLayout, QWidget)

from desktop_app.domain.deadlines import Level
from desktop_app.domain.registry import FAMILIES
from desktop_app.services import lookup, queries
from ui import style
from ui.columns import cn_date
from ui.models.rows_model import PAYLOAD_ROLE, PagedRowsModel, Row, RowsModel
from ui.widgets.date_edit import WEEKDAYS
from ui.widgets.table import make_table, on_open, set_widths

QUARTER_FAMILIES = ("talk", "letter", "rectification", "rect_item", "duty_report",
                    "warning_session", "major_matter", "request", "reminder", "meeting",
                    "meeting_task", "resp_entry")


@dataclass
class DashboardData:
    due: list[queries.DueItem]          # the first page of the due list (all levels)
    quarter: dict[str, int]
    recent: list[lookup.RecentChange]
    counts: dict[Level, int]            # every due item, by level
    more: tuple | None = None           # the key of the due list's next page
    missing_holidays: int | None = None  # from 1 November: next year, when it has no table


def load_dashboard(s, job) -> DashboardData:
    from desktop_app.services.holidays import missing_next_year
    due, more = queries.due_page(s)
    return DashboardData(due, lookup.quarter_counts(s), lookup.recent_changes(s, 30),
                         queries.due_counts(s), more, missing_next_year(s))


def load_due_page(level: Level | None, after: tuple | None):
    return lambda s, job: queries.due_page(s, level, after=after)


class LevelCard(QFrame):
    clicked = Signal()

    def __init__(self, title: str, level: Level):
        super().__init__()
        self.setObjectName("card")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        layout = QVBoxLayout(self)
        self.number = QLabel("…")
        self.number.setObjectName("cardNumber")
        colour = style.LEVEL_TEXT[level].name()
        self.number.setStyleSheet(f"color: {colour};")
        caption = QLabel(title)
        layout.addWidget(self.number)
        layout.addWidget(caption)
        self.setToolTip("点击只看这一类")

    def mouseReleaseEvent(self, event) -> None:
        self.clicked.emit()
        super().mouseReleaseEvent(event)


class DashboardPage(QWidget):
    loaded = Signal()

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.data: DashboardData | None = None
        self.level_shown: Level | None = None
        self.due_key: tuple | None = None
        self.dirty = False
        self._build()
        ctx.bus.changed.connect(self._on_changed)
        self.reload()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        title = QLabel("工作台")
        title.setObjectName("pageTitle")
        today = self.ctx.today()
        self.today_label = QLabel(f"今天是 {cn_date(today)} 星期{WEEKDAYS[today.weekday()]}")
        self.today_label.setObjectName("muted")
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(self.today_label)
        top.addStretch(1)
        refresh = QPushButton("刷新")
        refresh.clicked.connect(self.reload)
        top.addWidget(refresh)
        layout.addLayout(top)
        # From 1 November: next year's holiday table is due (holidays-cn.md).
        self.holiday_notice = QLabel()
        self.holiday_notice.setObjectName("banner")
        self.holiday_notice.setWordWrap(True)
        self.holiday_notice.linkActivated.connect(self._open_holidays)
        self.holiday_notice.hide()
        layout.addWidget(self.holiday_notice)
        cards = QHBoxLayout()
        self.cards = {Level.RED: LevelCard("已逾期", Level.RED),
                      Level.ORANGE: LevelCard("今日到期", Level.ORANGE),
                      Level.YELLOW: LevelCard("临期（5个工作日内到期）", Level.YELLOW)}
        for level, card in self.cards.items():
            card.clicked.connect(lambda lv=level: self.show_level(lv))
            cards.addWidget(card)
        layout.addLayout(cards)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._build_due())
        split.addWidget(self._build_side())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout.addWidget(split, 3)
        from ui.reports.dashboard_charts import DashboardCharts   # charts load after the figures above
        self.charts = DashboardCharts(self.ctx, self)
        self.loaded.connect(self.charts.reload)
        layout.addWidget(self.charts, 2)

    def _build_due(self) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.due_title = QLabel("需要办理的期限")
        self.due_title.setObjectName("sectionTitle")
        row.addWidget(self.due_title)
        row.addStretch(1)
        self.show_all = QPushButton("显示全部")
        self.show_all.clicked.connect(lambda: self.show_level(None))
        row.addWidget(self.show_all)
        self.more = QPushButton("更多…")
        self.more.setToolTip("再显示 200 项")
        self.more.clicked.connect(self.load_more)
        row.addWidget(self.more)
        v.addLayout(row)
        # the rest of the list comes a page at a time as the table is scrolled (or 更多…)
        self.due_model = PagedRowsModel(("预警", "到期日", "剩余工作日", "类别", "期限", "事项"), self)
        self.due_table = make_table(box)
        self.due_table.setModel(self.due_model)
        set_widths(self.due_table, [64, 92, 76, 84, 96, 300], stretch=5)
        on_open(self.due_table, lambda i: self._open(self.due_model, i))
        v.addWidget(self.due_table, 1)
        return box

    def _build_side(self) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        q = QLabel("本季度")
        q.setObjectName("sectionTitle")
        v.addWidget(q)
        frame = QFrame()
        frame.setObjectName("card")
        self.quarter_grid = QGridLayout(frame)
        self.quarter_labels: dict[str, QLabel] = {}
        for i, name in enumerate(QUARTER_FAMILIES):
            label = QLabel(FAMILIES[name].label)
            number = QLabel("…")
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            number.setStyleSheet("font-weight: bold;")
            self.quarter_grid.addWidget(label, i // 2, (i % 2) * 2)
            self.quarter_grid.addWidget(number, i // 2, (i % 2) * 2 + 1)
            self.quarter_labels[name] = number
        v.addWidget(frame)
        r = QLabel("最近修改")
        r.setObjectName("sectionTitle")
        v.addWidget(r)
        self.recent_model = RowsModel(("时间", "类别", "状态", "记录"), self, level_column=-1)
        self.recent_table = make_table(box)
        self.recent_table.setModel(self.recent_model)
        set_widths(self.recent_table, [84, 84, 64, 200], stretch=3)
        on_open(self.recent_table, lambda i: self._open(self.recent_model, i))
        v.addWidget(self.recent_table, 1)
        return box

    # -- data -----------------------------------------------------------------
    def reload(self) -> None:
        self.ctx.jobs.run(load_dashboard, on_done=self._show, key=("dashboard", id(self)))

    def _show(self, data: DashboardData) -> None:
        self.data = data
        year = data.missing_holidays
        if year:
            self.holiday_notice.setText(
                f"{year} 年的节假日安排尚未录入，{year} 年的期限暂按周末估算。"
                f"国务院办公厅通知发布后请录入：<a href=\"holidays\">设置 › 节假日安排</a>")
        self.holiday_notice.setVisible(bool(year))
        for level, card in self.cards.items():
            card.number.setText(str(data.counts[level]))
        for name, label in self.quarter_labels.items():
            label.setText(str(data.quarter.get(name, 0)))
        self.recent_model.set_rows([
            Row((r.updated_at[5:16].replace("T", " "), r.family_label, r.status, r.title),
                payload=(r.family, r.id)) for r in data.recent])
        self.show_level(self.level_shown)
        self.loaded.emit()

    def show_level(self, level: Level | None) -> None:
        """The due items of a level: from the first page when it holds them all,
        otherwise that level's first page, read off the GUI thread."""
        self.level_shown = level
        if self.data is None:
            return
        total = sum(self.data.counts.values()) if level is None else self.data.counts[level]
        self.due_title.setText(f"需要办理的期限（{level.label if level else '全部'}，{total} 项）")
        self.show_all.setVisible(level is not None)
        if level is None or self.data.more is None:
            items = [d for d in self.data.due if level is None or d.level is level]
            self._show_due(items, self.data.more if level is None else None)
        else:
            self.due_model.set_rows([])
            self.ctx.jobs.run(load_due_page(level, None), key=("due", id(self)),
                              on_done=lambda page: self._show_due(*page))

    def _show_due(self, items: list, more: tuple | None, append: bool = False) -> None:
        rows = [_due_row(d) for d in items]
        fetcher = self.load_more if more is not None else None
        if append:
            self.due_model.append_rows(rows, fetcher)
        else:
            self.due_model.set_rows(rows, fetcher)
        self.due_key = more
        self.more.setVisible(more is not None)

    def load_more(self) -> None:
        if self.due_key is not None:
            self.due_model.loading = True         # one request at a time (scroll or 更多…)
            self.ctx.jobs.run(load_due_page(self.level_shown, self.due_key), key=("due", id(self)),
                              on_done=lambda page: self._show_due(*page, append=True))

    def _open(self, model: RowsModel, index) -> None:
        payload = index.data(PAYLOAD_ROLE) if index.isValid() else None
        if payload:
            self.ctx.bus.open_record.emit(*payload)

    def _open_holidays(self, _link: str = "") -> None:
        show_page = getattr(self.window(), "show_page", None)
        if show_page is not None:
            show_page("holidays")

    def _on_changed(self, changes) -> None:
        if self.isVisible():
            self.reload()
        else:
            self.dirty = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.dirty:
            self.dirty = False
            self.reload()


def _due_row(d: queries.DueItem) -> Row:
    left = "今日" if d.days_left == 0 else (f"逾期{-d.days_left}" if d.days_left < 0 else f"{d.days_left}")
    note = "（无当年节假日表，按周末估算）" if d.estimated else ""
    due = f"{d.due_date}（按周末估算）" if d.estimated else d.due_date
    return Row((d.level.label, due, left, d.family_label, d.label, d.title),
               payload=(d.family, d.id), level=d.level,
               tooltip=f"{d.family_label}·{d.label}：{d.title}，{d.due_date} 到期"
               f"（{_left_text(d.days_left)}）{note}")


def _left_text(days: int) -> str:
    return "今日到期" if days == 0 else (f"已逾期{-days}个工作日" if days < 0 else f"还有{days}个工作日")
