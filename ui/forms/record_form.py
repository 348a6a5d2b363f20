"""The form builder: one form for every family, generated from its
declaration (fields, kinds, vocabularies, limits, help). Short fields sit two
to a row; long texts and lists take the whole row. A validation error from
the core is shown in red under the field it names."""
from __future__ import annotations

from typing import Any, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_app.domain.schema import SENSITIVITIES, Family, Field, Kind
from desktop_app.domain.validate import normalize_value
from desktop_app.errors import ValidationError
from desktop_app.services import lookup, records
from ui.forms.editors import make_editor
from ui.forms.linked import LINKED_EDITORS

WIDE_KINDS = (Kind.LONGTEXT, Kind.REFS, Kind.LIST)
SENSITIVITY = "sensitivity"


def person_unit(s, person_id: str) -> tuple[str, str] | None:
    """(unit id, unit name) of a person, for filling the unit after a person is chosen."""
    unit_id = records.get(s, "person", person_id).get("unit_id")
    return (unit_id, lookup.names_of(s, {"unit": [unit_id]}).get(unit_id, "")) if unit_id else None


def canonical(value: Any) -> Any:
    """What two values must share to count as unchanged (None ≡ '' ≡ False ≡ [])."""
    if value in (None, "", False) or value == () or value == []:
        return None
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return str(value).strip()


class _Cell(QWidget):
    """An editor with its hint and its error message underneath."""

    def __init__(self, f: Field, editor: QWidget):
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(editor)
        self.hint = QLabel(f.help)
        self.hint.setObjectName("fieldHint")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(f.help))
        layout.addWidget(self.hint)
        self.error = QLabel()
        self.error.setObjectName("fieldError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)


def field_label(f: Field) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 4, 0, 0)
    row.setSpacing(1)
    text = QLabel(f.label)
    text.setToolTip(f.help or f.label)
    row.addStretch(1)
    row.addWidget(text)
    star = QLabel("*" if f.required else "")
    star.setObjectName("required")
    star.setFixedWidth(10)
    row.addWidget(star)
    box.setMinimumWidth(text.sizeHint().width() + 14)
    return box


class RecordForm(QWidget):
    edited = Signal()

    def __init__(self, ctx, fam: Family, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.fam = ctx, fam
        self.editors: dict[str, QWidget] = {}
        self.cells: dict[str, _Cell] = {}
        self.loaded: dict[str, Any] = {}
        self.loaded_sensitivity = "一般"
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self._layout_fields(grid)
        self._follow_person_unit()

    def _follow_person_unit(self) -> None:
        """Choosing a person fills an empty unit field with that person's unit."""
        unit = self.fam.unit_field
        if not unit or self.fam.field(unit).ref != "unit":
            return
        for f in self.fam.person_fields[:1]:
            self.editors[f.name].edited.connect(lambda name=f.name: self._fill_unit(name))

    def _fill_unit(self, person_field: str) -> None:
        unit_editor = self.editors[self.fam.unit_field]
        value = self.editors[person_field].value()
        first = value[0] if isinstance(value, list) and value else value
        if unit_editor.value() or not isinstance(first, str):
            return

        def fill(found):
            if found and not unit_editor.value():
                unit_editor.set_value(*found)
        self.ctx.jobs.run(lambda s, job: person_unit(s, first), on_done=fill, parent=self)

    def _layout_fields(self, grid: QGridLayout) -> None:
        row, col = 0, 0
        for f in self.fam.fields:
            linked = LINKED_EDITORS.get(f.name)
            editor = linked(f, self.ctx, self) if linked else make_editor(f, self.ctx, self)
            editor.edited.connect(self.edited)
            editor.edited.connect(lambda name=f.name: self.clear_error(name))
            self.editors[f.name] = editor
            cell = self.cells[f.name] = _Cell(f, editor)
            wide = f.kind in WIDE_KINDS
            if wide and col:
                row, col = row + 1, 0
            align = Qt.AlignmentFlag.AlignTop
            grid.addWidget(field_label(f), row, col, align)
            grid.addWidget(cell, row, col + 1, 1, 3 if wide else 1)
            row, col = (row + 1, 0) if wide or col else (row, 2)
        row += 1 if col else 0
        self.sensitivity_box = QComboBox()
        self.sensitivity_box.addItems(SENSITIVITIES)
        self.sensitivity_box.setToolTip("本系统为非涉密系统，严禁录入涉密信息")
        self.sensitivity_box.currentIndexChanged.connect(self.edited)
        sens = Field(SENSITIVITY, "敏感度", Kind.CHOICE, help="只能选“一般”或“内部（工作秘密）”；严禁录入涉密信息")
        self.cells[SENSITIVITY] = _Cell(sens, self.sensitivity_box)
        grid.addWidget(field_label(sens), row, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.cells[SENSITIVITY], row, 1)
        grid.setRowStretch(row + 1, 1)

    # -- values ---------------------------------------------------------------
    def load(self, values: Mapping[str, Any], names: Mapping[str, str] | None = None,
             sensitivity: str = "一般") -> None:
        names = names or {}
        for name, editor in self.editors.items():
            editor.blockSignals(True)
            editor.set_value(values.get(name), names)
            editor.blockSignals(False)
        self.sensitivity_box.setCurrentText(sensitivity)
        self.loaded = {n: e.value() for n, e in self.editors.items()}
        self.loaded_sensitivity = sensitivity

    def values(self) -> dict[str, Any]:
        """Every filled-in field (for 新建)."""
        return {n: v for n, e in self.editors.items() if canonical(v := e.value()) is not None}

    def changes(self) -> dict[str, Any]:
        """Only the fields that differ from what was loaded (for 修改)."""
        return {n: v for n, e in self.editors.items()
                if canonical(v := e.value()) != canonical(self.loaded.get(n))}

    def sensitivity(self) -> str:
        return self.sensitivity_box.currentText()

    def is_dirty(self) -> bool:
        return bool(self.changes()) or self.sensitivity() != self.loaded_sensitivity

    # -- errors ---------------------------------------------------------------
    def field_errors(self) -> dict[str, str]:
        """Every required field left empty and every value the core would refuse on
        its own, in form order: the clerk sees them all at once, where the core
        stops at the first. Checks between fields stay with the core."""
        errors: dict[str, str] = {}
        for f in self.fam.fields:
            value = self.editors[f.name].value()
            problem = getattr(self.editors[f.name], "problem", lambda: None)()
            if problem:                      # e.g. a deadline typed as "+10" that cannot be counted
                errors[f.name] = problem
                continue
            if canonical(value) is None:
                if f.required:
                    errors[f.name] = f"请填写{f.label}。"
                continue
            try:
                normalize_value(f, value)
            except ValidationError as exc:
                errors[f.name] = exc.message
        return errors

    def show_errors(self, errors: dict[str, str]) -> None:
        self.clear_errors()
        for name, message in errors.items():
            self._mark(name, message)
        if errors:
            self.editors[next(iter(errors))].setFocus()

    def show_error(self, field: str, message: str) -> bool:
        """Show ``message`` under ``field``; False when the form has no such field."""
        self.clear_errors()
        if not self._mark(field, message):
            return False
        self.editors.get(field, self.sensitivity_box).setFocus()
        return True

    def _mark(self, field: str, message: str) -> bool:
        cell = self.cells.get(field)
        if cell is None:
            return False
        cell.error.setText(message)
        cell.error.show()
        _mark_invalid(self.editors.get(field, self.sensitivity_box), True)
        return True

    def clear_error(self, field: str) -> None:
        """A field the clerk changes loses its red mark at once."""
        cell = self.cells.get(field)
        if cell is not None and cell.error.text():
            cell.error.clear()
            cell.error.hide()
            _mark_invalid(self.editors.get(field, self.sensitivity_box), False)

    def error_widget(self, field: str) -> QLabel | None:
        cell = self.cells.get(field)
        return cell.error if cell else None

    def clear_errors(self) -> None:
        for name in self.cells:
            self.clear_error(name)

    def set_read_only(self, read_only: bool) -> None:
        for editor in self.editors.values():
            editor.set_read_only(read_only)
        self.sensitivity_box.setEnabled(not read_only)


def _mark_invalid(widget: QWidget, invalid: bool) -> None:
    target = getattr(widget, "line", widget)
    target.setProperty("invalid", invalid)
    target.style().unpolish(target)
    target.style().polish(target)
