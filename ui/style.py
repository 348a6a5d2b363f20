"""Fonts, colours and the one small style sheet: calm, like Word and Excel."""
from __future__ import annotations

import sys

from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop_app.domain.deadlines import Level

UI_FONTS = ("Microsoft YaHei UI", "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC",
            "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "SimSun")

# Background and text colours of the warning levels (red: overdue, orange: due
# today, yellow: within the yellow threshold).
LEVEL_BACKGROUND = {Level.RED: QColor("#fdecec"), Level.ORANGE: QColor("#fff0dc"),
                    Level.YELLOW: QColor("#fffae3")}
LEVEL_TEXT = {Level.RED: QColor("#a8071a"), Level.ORANGE: QColor("#ad4e00"),
              Level.YELLOW: QColor("#7c5e00"), Level.GREEN: QColor("#237804")}
VOIDED_TEXT = QColor("#8c8c8c")

STYLE_SHEET = """
QLabel#pageTitle { font-size: 15pt; font-weight: bold; color: #1f1f1f; }
QLabel#sectionTitle { font-size: 11pt; font-weight: bold; color: #262626; }
QLabel#fieldError { color: #c41d1d; }
QLabel#fieldHint { color: #8c8c8c; }
QLabel#required { color: #c41d1d; }
QLabel#muted { color: #6b6b6b; }
QFrame#card { background: #ffffff; border: 1px solid #e3e3e3; border-radius: 6px; }
QLabel#cardNumber { font-size: 22pt; font-weight: bold; }
QLabel#banner { background: #fff4e5; border: 1px solid #f3c37a; border-radius: 4px; padding: 6px; }
QLabel#voidBanner { background: #f2f2f2; border: 1px solid #cfcfcf; border-radius: 4px;
                    padding: 6px; color: #595959; }
QTreeWidget#nav { font-size: 10.5pt; }
QTreeWidget#nav::item { padding: 3px 2px; }
QTableView { gridline-color: #e6e6e6; selection-background-color: #cfe3ff;
             selection-color: #000000; }
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"] {
    border: 1px solid #c41d1d; }
"""


def pick_ui_font() -> QFont:
    """Microsoft YaHei UI on Windows; a CJK sans font elsewhere; 9 pt on Windows, 10 pt else."""
    available = set(QFontDatabase.families())
    families = [f for f in UI_FONTS if f in available] or list(UI_FONTS)
    font = QFont()
    font.setFamilies(families)
    font.setPointSizeF(9.0 if sys.platform == "win32" else 10.0)
    return font


def apply(app: QApplication) -> None:
    app.setFont(pick_ui_font())
    app.setStyleSheet(STYLE_SHEET)


def level_colours(level: Level | None) -> tuple[QColor | None, QColor | None]:
    if level is None or level is Level.GREEN:
        return None, None
    return LEVEL_BACKGROUND.get(level), LEVEL_TEXT.get(level)
