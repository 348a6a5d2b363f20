"""One editor widget per field kind. Every editor has ``value()`` (a plain
value the services accept, None when empty), ``set_value(value, names)``,
``set_read_only(bool)`` and an ``edited`` signal."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any, Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLineEdit,
                               QPlainTextEdit, QToolButton, QWidget)

from desktop_app.domain.deadlines import REST_DAY_RULE, looks_relative, parse_relative
from desktop_app.domain.schema import Field, Kind
from desktop_app.domain.vocab import choices
from desktop_app.errors import ValidationError
from desktop_app.services.rules import typed_deadline
from ui.widgets.date_edit import DateEdit, parse_or_none
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

    def problem(self) -> str | None:
        """A message about what is typed that the core's date check would not give."""
        return None


class DeadlineEditor(DateEditor):
    """A typed deadline: a date, or a count from the record's start date — "+10" or
    "10个工作日" (working days), "30天" (natural days, moved off a rest day by the
    office's rule), "2个月". The resulting date and its weekday show beside the field
    before saving; the record stores the date. The start date is read from the form
    (``spec.anchor``), through a reference when it lies in another record."""

    def __init__(self, f: Field, ctx, fam, spec, form, parent=None):
        self.ctx, self.fam, self.spec, self.form = ctx, fam, spec, form
        self.spec_field = f.name
        self._result: tuple[date, str] | None = None
        self._problem: str | None = None
        self._ref_dates: dict[tuple, tuple[date | None, str]] = {}
        super().__init__(f, ctx, parent)
        self.line.setMaxLength(24)
        self.line.setPlaceholderText("如 2026-03-07，或 +10（工作日）、30天")
        self.line.setToolTip("可直接写日期，也可写从起算日起的期限：+10 或 10个工作日（工作日），"
                             f"30天（自然日，{REST_DAY_RULE}），2个月")

    def _changed(self) -> None:
        text = self.line.text()
        self._result = self._problem = None
        if looks_relative(text):
            self._compute(text)
            if self._result is not None:
                due, how = self._result
                self.note.setText(f"→ {due.month}月{due.day}日 {self._describe(due)}")
                self._explain(f"{due.isoformat()}（{self._describe(due)}）：{how}")
            else:
                self.note.setText("")
                self._explain(self._problem or "")
            self.edited.emit()
            return
        self._explain(None)
        super()._changed()

    def _explain(self, text: str | None) -> None:
        """The whole count in the hint line under the field (None: the field's own help)."""
        cell = getattr(self.form, "cells", {}).get(self.spec_field)
        if cell is None:
            return
        help_text = self.fam.field(self.spec_field).help
        cell.hint.setText(help_text if text is None else text)
        cell.hint.setVisible(bool(help_text if text is None else text))

    def _compute(self, text: str) -> None:
        start, label = self._start()
        if start is None and label is None:          # the start is being looked up
            self._problem = "正在读取起算日…"
            return
        try:
            due, rule = parse_relative(text, start, self.ctx.calendar, field=self.spec.due_field,
                                       start_label=label or "起算日")
        except ValidationError as exc:
            self._problem = exc.message
            return
        how = f"{label}（{start.isoformat()}）后{rule.label}"
        years = {y for y in range(start.year, due.year + 1) if not self.ctx.calendar.has_table(y)}
        if years:
            how += f"（{'、'.join(map(str, sorted(years)))} 年尚无节假日安排，按周末估算）"
        if rule.kind != "working_days" and due != rule.apply(start, self.ctx.calendar.with_rest_day_shift(False)):
            how += f"，{REST_DAY_RULE}"
        self._result = (due, how)

    def _start(self) -> tuple[date | None, str | None]:
        """(start date, its label); (None, None) while a referenced record is read."""
        label = ""
        self._watch_start_fields()
        for path in self.spec.anchor.split("|"):
            steps = path.split(">")
            if len(steps) == 1:
                label = label or self.fam.field(steps[0]).label
                editor = self.form.editors.get(steps[0])
                d = parse_or_none(editor.value() or "") if editor is not None else None
                if d is not None:
                    return d, self.fam.field(steps[0]).label
                continue
            ref = self.form.editors[steps[0]].value()
            key = (path, ref)
            if ref and key not in self._ref_dates:
                self._look_up(key)
                if key not in self._ref_dates:      # still being read (a worker thread)
                    return None, None
            d, found_label = self._ref_dates.get(key, (None, ""))
            label = label or found_label
            if d is not None:
                return d, found_label
        return None, label or "起算日"

    def _watch_start_fields(self) -> None:
        """A count typed here follows its start date when that is changed later."""
        if getattr(self, "_watching", False):
            return
        self._watching = True
        for path in self.spec.anchor.split("|"):
            editor = self.form.editors.get(path.split(">")[0])
            if editor is not None and editor is not self:
                editor.edited.connect(self._start_changed)

    def _start_changed(self) -> None:
        if looks_relative(self.line.text()):
            self._changed()

    def _look_up(self, key: tuple) -> None:
        from desktop_app.services.rules import anchor_date
        fam, spec, values = self.fam, self.spec, {key[0].split(">")[0]: key[1]}

        def found(result) -> None:
            self._ref_dates[key] = result
            self._changed()
        self.ctx.jobs.run(lambda s, job: anchor_date(s, fam, replace(spec, anchor=key[0]), values),
                          on_done=found, key=("deadline-start", id(self)), parent=self)

    def value(self) -> str | None:
        if self._result is not None:
            return self._result[0].isoformat()
        return super().value()

    def problem(self) -> str | None:
        return self._problem if looks_relative(self.line.text()) else None


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
        fam = getattr(parent, "fam", None)        # the record form: a deadline counts from its start
        spec = typed_deadline(fam, f.name) if fam is not None else None
        if spec is not None:
            return DeadlineEditor(f, ctx, fam, spec, parent, parent)
        return DateEditor(f, ctx, parent)
    if f.kind is Kind.REF:
        return RefEditor(f, ctx, parent)
    if f.kind is Kind.REFS:
        return RefsEditor(f, ctx, parent)
    if f.kind is Kind.LIST:
        return VocabListEditor(f, parent) if f.vocab else FreeListEditor(f, ctx, parent)
    raise ValueError(f"no editor for {f.kind}")
