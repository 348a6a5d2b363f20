"""Charts (QtCharts) drawn from desktop_app.reports.chart_data series: bars by
month, by unit; saved as PNG and put into printed reports."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import (QAbstractBarSeries, QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView,
                              QHorizontalBarSeries, QStackedBarSeries, QValueAxis)
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QSizePolicy

from desktop_app.reports.chart_data import Series

# more categories than this do not fit side by side under the bars: their names are
# set upright (read from the bottom), and the values printed above the bars in a smaller size
MAX_LEVEL = 8
PALETTE = ("#2f6fb0", "#d9822b", "#4e9a52", "#b33a3a", "#7d5ba6", "#8c6d31", "#3b9ab2")


def _short(label: str, limit: int = 7) -> str:
    return label if len(label) <= limit else label[:limit - 1] + "…"


def make_chart(series: Series, horizontal: bool = False, stacked: bool = False, small: bool = False) -> QChart:
    chart = QChart()
    chart.setTitle(series.title)
    font = QFont()
    font.setPointSizeF(8 if small else 9)
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setMargins(QMargins(4, 4, 4, 4))
    labels, columns = list(series.labels), dict(series.values)
    crowded = len(labels) > MAX_LEVEL
    if horizontal:          # Qt draws the first category at the bottom: keep the table's order
        labels.reverse()
        columns = {name: list(reversed(values)) for name, values in columns.items()}
    if stacked:
        bars = QStackedBarSeries()
    else:
        bars = QHorizontalBarSeries() if horizontal else QBarSeries()
    top = 0.0
    for i, (name, values) in enumerate(columns.items()):
        s = QBarSet(name)
        s.setColor(QColor(PALETTE[i % len(PALETTE)]))
        s.append([float(v) for v in values])
        s.setLabelColor(QColor("#222222"))          # printed beyond the bar, on white
        s.setLabelFont(font)
        bars.append(s)
        top = max([top, *values])
    if stacked and series.values:
        top = max(sum(col) for col in zip(*series.values.values())) if series.labels else 0.0
    if series.percent and not small:
        bars.setLabelsVisible(True)
        bars.setLabelsFormat("@value%")
        bars.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    chart.addSeries(bars)
    categories = QBarCategoryAxis()
    categories.append([_short(x) for x in labels] or ["（无数据）"])
    categories.setLabelsFont(font)
    categories.setTruncateLabels(False)       # names are shortened above, never to "…"
    if crowded and not horizontal:
        categories.setLabelsAngle(-90)
    values_axis = QValueAxis()
    # room above 100 % for the value printed beyond the bar's end
    values_axis.setRange(0, 112 if series.percent else max(1.0, top * 1.15))
    values_axis.setLabelFormat("%d")
    if series.percent:                        # 0, 20 … 100: never 28, 57, 86
        values_axis.setTickType(QValueAxis.TickType.TicksDynamic)
        values_axis.setTickAnchor(0)
        values_axis.setTickInterval(20)
    else:
        values_axis.applyNiceNumbers()
    values_axis.setTitleText(series.unit)
    values_axis.setLabelsFont(font)
    if horizontal:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values_axis, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values_axis, Qt.AlignmentFlag.AlignLeft)
    bars.attachAxis(categories)
    bars.attachAxis(values_axis)
    chart.legend().setVisible(len(series.values) > 1)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.legend().setFont(font)
    return chart


class ChartView(QChartView):
    def __init__(self, series: Series | None = None, horizontal: bool = False, parent=None, *,
                 stacked: bool = False, small: bool = False):
        super().__init__(parent)
        self.horizontal, self.stacked, self.small = horizontal, stacked, small
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(100)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.series = None
        if series is not None:
            self.show_series(series)

    def show_series(self, series: Series) -> None:
        self.series = series
        old = self.chart()
        self.setChart(make_chart(series, self.horizontal, self.stacked, self.small))
        if old is not None:
            old.deleteLater()

    def to_pixmap(self, width: int = 960, height: int = 420) -> QPixmap:
        """The chart drawn at a fixed size, whatever the widget's size on screen."""
        pix = QPixmap(width, height)
        pix.fill(Qt.GlobalColor.white)
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        chart = make_chart(self.series, self.horizontal, self.stacked) if self.series else self.chart()
        chart.resize(width, height)
        scene_view = QChartView(chart)
        scene_view.resize(width, height)
        scene_view.render(painter)
        painter.end()
        scene_view.deleteLater()
        return pix

    def save_png(self, path: Path | str) -> Path:
        path = Path(path)
        if not self.to_pixmap().save(str(path), "PNG"):
            raise OSError(f"无法写入 {path}")
        return path

    def png_bytes(self) -> bytes:
        data = QByteArray()
        buf = QBuffer(data)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        self.to_pixmap().save(buf, "PNG")
        buf.close()
        return bytes(data)
