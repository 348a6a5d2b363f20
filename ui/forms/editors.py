"""One editor widget per field kind. Every editor has ``value()`` (a plain
value the services accept, None when empty), ``set_value(value, names)``,
``set_read_only(bool)`` and an ``edited`` signal."""
from __future__ import annotations

from typing import Any, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLineEdit,
                               QPlainTextEdit, QToolButton, QWidget)

from desktop_app.domain.schema import Field, Kind
from desktop_app.domain.vocab import choices
from ui.widgets.date_edit import DateEdit
from ui.widgets.pickers import PickerDialog, RefEdit, RefsEdit

LIST_SEPARATOR = "、"


class TextEditor(QLineEdit):
    edited = Signal()

    def __init__(self, f: Field, parent=None):
        super().__init__(parent)
        if f.limit:
            self.setMaxLength(f.limit)
        self.textChanged.connect(self.edited)

    def value(self) -> str | None:
        return self.text().strip() or None

    def set_value(self, value: Any, names: Mapping[str, str]) -> None:
        self.setText("" if value is None else str(value))

    def set_read_only(self, read_only: bool) -> None:
        self.setReadOnly(read_only)


class NumberEditor(TextEditor):
    """Numbers are typed as text: the core says what is wrong with them."""

    def __init__(self, f: Field, parent=None):
        super().__init__(f, parent)
        self.setMaxLength(12)
        self.setMaximumWidth(140)

    def set_value(self, value: Any, names: Mapping[str, str]) -> None:
        self.setText("" if value is None else (f"{value:g}" if isinstance(value, float) else str(value)))


class LongTextEditor(QPlainTextEdit):
    edited = Signal()

    def __init__(self, f: Field, parent=None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.textChanged.connect(self.edited)

    def value(self) -> str | None:
        return self.toPlainText().strip() or None

    def set_value(self, value: Any, names: Mapping[str, str]) -> None:
        self.setPlainText("" if value is None else str(value))

    def set_read_only(self, read_only: bool) -> None:
        self.setReadOnly(read_only)


class BoolEditor(QCheckBox):
    edited = Signal()

    def __init__(self, f: Field, parent=None):
        super().__init__("是", parent)
        self.toggled.connect(self.edited)

    def value(self) -> bool:
        return self.isChecked()

    def set_value(self, value: Any, names: Mapping[str, str]) -> None:
        self.setChecked(bool(value))

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)


class ChoiceEditor(QComboBox):
    edited = Signal()

    def __init__(self, f: Field, parent=None):
        super().__init__(parent)
        self.addItem("（未选）", None)
        for c in choices(f.vocab):
            self.addItem(c, c)
        self.currentIndexChanged.connect(self.edited)

    def value(self) -> str | None:
        return self.currentData()

    def set_value(self, value: Any, names: Mapping[str, str]) -> None:
        i = self.findData(value) if value else 0
        if i < 0:                       # a value from an older vocabulary: keep it visible
            self.addItem(str(value), value)
            i = self.count() - 1
        self.setCurrentIndex(i)

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)


class VocabListEditor(QWidget):
    """Several values of a vocabulary: one tick box each."""

    edited = Signal()

    def __init__(self, f: Field, parent=None):
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: list[QCheckBox] = []
        for i, c in enumerate(choices(f.vocab)):
            box = QCheckBox(c)
            box.toggled.connect(self.edited)
            grid.addWidget(box, i // 3, i % 3)
            self.boxes.append(box)

    def value(self) -> list[str] | None:
        return [b.text() for b in self.boxes if b.isChecked()] or None

    def set_value(self, value: Any, names: Mapping[str, str]) -> None:
        chosen = set(value or ())
        for b in self.boxes:
            b.setChecked(b.text() in chosen)

    def set_read_only(self, read_only: bool) -> None:
        for b in self.boxes:
            b.setEnabled(not read_only)


class FreeListEditor(QWidget):
    """Short texts such as 抄送: typed, separated by 、, or picked from the units."""

    edited = Signal()

    def __init__(self, f: Field, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.line = QLineEdit()
        self.line.setPlaceholderText("多项用“、”分隔，或点“选择单位…”")
        self.line.textChanged.connect(self.edited)
        self.pick = QToolButton()
        self.pick.setText("选择单位…")
        self.pick.clicked.connect(self.choose)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.pick)

    def choose(self) -> None:
        picked = PickerDialog.ask(self.ctx, "unit", multi=True, parent=self)
        if picked:
            items = self.value() or []
            items += [name for _, name in picked if name not in items]
            self.line.setText(LIST_SEPARATOR.join(items))

    def value(self) -> list[str] | None:
        text = self.line.text()
        for sep in ",，;；":
            text = text.replace(sep, LIST_SEPARATOR)
        items = [t.strip() for t in text.split(LIST_SEPARATOR) if t.strip()]
        return items or None

    def set_value(self, value: Any, names: Mapping[str, str]) -> None:
        self.line.setText(LIST_SEPARATOR.join(value or ()))

    def set_read_only(self, read_only: bool) -> None:
        self.line.setReadOnly(read_only)
        self.pick.setEnabled(not read_only)


class DateEditor(DateEdit):
    def __init__(self, f: Field, ctx, parent=None):
        super().__init__(ctx.calendar, ctx.today(), parent)

    def set_value(self, value: Any, names: Mapping[str, str] = {}) -> None:  # noqa: B006
        super().set_value(value)


class RefEditor(RefEdit):
    def __init__(self, f: Field, ctx, parent=None):
        super().__init__(ctx, f.ref, parent)

    def set_value(self, value: Any, names: Mapping[str, str] | str = "") -> None:
        name = names if isinstance(names, str) else names.get(value, "") if value else ""
        super().set_value(value or None, name)


class RefsEditor(RefsEdit):
    def __init__(self, f: Field, ctx, parent=None):
        super().__init__(ctx, f.ref, parent)

    def set_value(self, value: Any, names: Mapping[str, str]) -> None:
        self.set_items([(v, names.get(v, v)) for v in value or ()])


def make_editor(f: Field, ctx, parent: QWidget | None = None) -> QWidget:
    if f.kind is Kind.TEXT:
        return TextEditor(f, parent)
    if f.kind is Kind.LONGTEXT:
        return LongTextEditor(f, parent)
    if f.kind in (Kind.INT, Kind.FLOAT):
        return NumberEditor(f, parent)
    if f.kind is Kind.BOOL:
        return BoolEditor(f, parent)
    if f.kind is Kind.CHOICE:
        return ChoiceEditor(f, parent)
    if f.kind is Kind.DATE:
        return DateEditor(f, ctx, parent)
    if f.kind is Kind.REF:
        return RefEditor(f, ctx, parent)
    if f.kind is Kind.REFS:
        return RefsEditor(f, ctx, parent)
    if f.kind is Kind.LIST:
        return VocabListEditor(f, parent) if f.vocab else FreeListEditor(f, ctx, parent)
    raise ValueError(f"no editor for {f.kind}")
