"""The fields of one document type, as editors: a line for a short value,
several lines for a list (提醒事项, 问题), one line per row for a table
(整改任务：问题｜措施｜时限｜责任人)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from desktop_app.letters import DocType

CELL_SEPARATOR = "｜"


def list_keys(doc: DocType) -> set[str]:
    """Placeholders that take a list of paragraphs (the sample values say which)."""
    from desktop_app.letters.samples import sample_values
    sample = sample_values().get(doc.name, {})
    return {k for k in doc.placeholders if isinstance(sample.get(k), list)}


def table_keys(doc: DocType) -> tuple[str | None, tuple[str, ...]]:
    table = doc.table or {}
    return table.get("rows_from"), tuple(table.get("row_keys", ()))


def _rows_to_text(rows: list, keys: tuple[str, ...]) -> str:
    return "\n".join(CELL_SEPARATOR.join(str(r.get(k) or "") for k in keys) for r in rows)


def _text_to_rows(text: str, keys: tuple[str, ...]) -> list[dict]:
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        cells = [c.strip() for c in line.replace("|", CELL_SEPARATOR).split(CELL_SEPARATOR)]
        rows.append(dict(zip(keys, cells + [""] * (len(keys) - len(cells)))))
    return rows


class LetterFields(QWidget):
    """Editors for the placeholders of one type, prefilled from the record."""

    edited = Signal()

    def __init__(self, doc: DocType, values: dict[str, Any], parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.lists = list_keys(doc)
        self.table_key, self.row_keys = table_keys(doc)
        self.editors: dict[str, QWidget] = {}
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        for key in doc.placeholders:
            editor = self._editor(key, values.get(key))
            self.editors[key] = editor
            label = doc.label(key) + ("" if key in doc.optional else " *")
            form.addRow(QLabel(label), editor)

    def _editor(self, key: str, value: Any) -> QWidget:
        if key == self.table_key:
            e = QPlainTextEdit(_rows_to_text(value or [], self.row_keys))
            e.setPlaceholderText("每行一项：" + CELL_SEPARATOR.join(
                {"problem": "问题", "measure": "措施", "deadline": "时限", "owner": "责任人"}.get(k, k)
                for k in self.row_keys))
            e.setFixedHeight(110)
        elif key in self.lists:
            e = QPlainTextEdit("\n".join(value or ()))
            e.setPlaceholderText("每行一项")
            e.setFixedHeight(96)
        else:
            e = QLineEdit("" if value is None else str(value))
            e.textChanged.connect(self.edited)
            return e
        e.textChanged.connect(self.edited)
        return e

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, e in self.editors.items():
            if key == self.table_key:
                out[key] = _text_to_rows(e.toPlainText(), self.row_keys)
            elif key in self.lists:
                out[key] = [line.strip() for line in e.toPlainText().splitlines() if line.strip()]
            else:
                out[key] = e.text().strip()
        return out
