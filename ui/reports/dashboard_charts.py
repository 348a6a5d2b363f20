"""The dashboard's charts: records by month, overdue by unit, 按期率 by unit.

Self-contained so that the dashboard only adds the widget. Nothing of it slows the
start: the figures are read by a job (ui.jobs) after the dashboard's own data has
been shown, and QtCharts is loaded and the charts made only when they arrive."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from desktop_app.reports.chart_data import ChartSet, chart_set


class DashboardCharts(QWidget):
    loaded = Signal()

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.data: ChartSet | None = None
        self.by_month = self.overdue = self.on_time = None
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.waiting = QLabel("正在读取图表…")
        self.waiting.setObjectName("muted")
        self.row.addWidget(self.waiting)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)

    def reload(self) -> None:
        self.ctx.jobs.run(lambda s, job: chart_set(s), on_done=self._show, key=("dashboard-charts", id(self)))

    def _make_views(self) -> None:
        from ui.reports.charts import ChartView       # QtCharts: loaded when first needed
        self.waiting.hide()
        self.by_month = ChartView(stacked=True, small=True)
        self.overdue = ChartView(horizontal=True, small=True)
        self.on_time = ChartView(horizontal=True, small=True)
        for view in (self.by_month, self.overdue, self.on_time):
            view.setMinimumSize(0, 0)     # the charts give way when the window is made small
            view.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            self.row.addWidget(view, 1)

    def _show(self, data: ChartSet) -> None:
        if self.by_month is None:
            self._make_views()
        self.data = data
        self.by_month.show_series(data.by_month)
        self.overdue.show_series(data.overdue_by_unit)
        self.on_time.show_series(data.on_time_by_unit)
        self.loaded.emit()
