"""The one look of every table: whole rows selected, no editing in place,
Excel-like alternating rows, column widths remembered."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

# Fitting a column to its contents measures at most this many rows (the visible ones
# and those around them). Qt's default is 1000: for a 预警清单 of 56,000 items that
# held the GUI thread for 0.4 s, and 100 still 60-100 ms on a loaded machine
# (benchmarks/bench_stalls.py); a window shows some 30 rows.
FIT_ROWS = 50


def make_table(parent: QWidget | None = None, *, sortable: bool = False) -> QTableView:
    view = QTableView(parent)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setSortingEnabled(sortable)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultAlignment(header.defaultAlignment())
    header.setResizeContentsPrecision(FIT_ROWS)
    return view


def set_widths(view: QTableView, widths: list[int], stretch: int | None = None) -> None:
    """Column widths given at 100 % scaling, scaled with the font; ``stretch``
    names the column (a title) that takes the room left over."""
    scale = max(1.0, view.fontMetrics().height() / 20)
    for i, w in enumerate(widths):
        view.setColumnWidth(i, int(w * scale))
    if stretch is not None:
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def on_open(view, slot) -> None:
    """A row is opened by double-click or Enter: ``activated`` covers both (and a
    single click where the desktop is set to open on single click). Never also
    ``doubleClicked``: that would open the row twice."""
    view.activated.connect(slot)
