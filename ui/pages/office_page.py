"""设置 › 机关信息: what the letters print for this office (版头, 署名, 代字, 联系人 …)
and the warning lead time, changed after the first start without the command line.

A field left empty prints the default shown in grey (the same default the letters
use: services.office._fallback). Saving checks every changed field first and writes
nothing if one is wrong; each change is audited (services.office).
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QScrollArea, QVBoxLayout, QWidget)

from desktop_app.errors import ValidationError
from desktop_app.security import authz
from desktop_app.security.roles import Permission
from desktop_app.services import office
from ui import dialogs

GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("本机关", ("name", "code")),
    ("公文", ("abbr", "letterhead", "issuer", "bureau", "supervision", "contact", "phone", "duplex")),
    ("抄报与上级", ("party_committee", "superior")),
    ("预警", ("yellow_days",)),
)
HINTS = {
    "code": "记录、台账编号和交换包都以机关代码为准：已有记录或已建立交换后不能再改。",
    "abbr": "发文字号的第一个字，如“临”得“临纪函〔2026〕5号”。",
    "duplex": "双面印刷时，版记总在偶数页（背面）上，必要时留出空白页；单面印刷不留空白页。",
    "yellow_days": "期限前多少个工作日起显示为临期（黄色）。期限遇节假日是否顺延在“节假日安排”中设置。",
}


class ChoiceEdit(QComboBox):
    """A yes/no setting that may also be left to the default, with a line edit's
    interface (text() is the stored value, "" = not set) so the page treats all alike."""

    textEdited = Signal(str)
    CHOICES = (("", "按公文格式（文件格式双面、信函格式单面）"), ("1", "双面印刷"), ("0", "单面印刷"))

    def __init__(self):
        super().__init__()
        for value, label in self.CHOICES:
            self.addItem(label, value)
        self.activated.connect(lambda _i: self.textEdited.emit(self.text()))

    def text(self) -> str:
        return self.currentData() or ""

    def setText(self, value: str) -> None:
        self.setCurrentIndex(max(0, self.findData(value or "")))

    def setPlaceholderText(self, _text: str) -> None:
        pass

    def setMaxLength(self, _n: int) -> None:
        pass

    def setReadOnly(self, on: bool) -> None:
        self.setEnabled(not on)


def load_values(s, job) -> tuple[list[dict], bool]:
    return office.office_settings(s), authz.allowed(s, Permission.MANAGE_SETTINGS)


def save_values(s, changes: dict[str, str]) -> list[str]:
    """Check every change, then write them in order; returns the keys written."""
    for key, value in changes.items():
        if value.strip() or key in office.REQUIRED_KEYS:
            office.check_office_value(s, key, value)
    for key, value in changes.items():
        if value.strip() or key in office.REQUIRED_KEYS:
            office.set_office_value(s, key, value)
        else:
            office.unset_office_value(s, key)
    return list(changes)


class OfficePage(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.loaded: dict[str, str] = {}          # key → the text the field showed when loaded
        self.edits: dict[str, QLineEdit | ChoiceEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self._build()
        self.reload()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        title = QLabel("机关信息")
        title.setObjectName("pageTitle")
        layout.addWidget(title)
        intro = QLabel("公文的版头、署名、发文字号和联系人按这里的设置打印。留空的项按灰色显示的默认值打印。"
                       "每次修改都记入审计日志。")
        intro.setWordWrap(True)
        intro.setObjectName("muted")
        layout.addWidget(intro)
        self.readonly_note = QLabel("当前账户没有“修改设置”权限，只能查看。")
        self.readonly_note.setObjectName("banner")
        self.readonly_note.hide()
        layout.addWidget(self.readonly_note)
        inner = QWidget()
        v = QVBoxLayout(inner)
        for heading, keys in GROUPS:
            box = QGroupBox(heading)
            form = QFormLayout(box)
            for key in keys:
                self._add_field(form, key)
            v.addWidget(box)
        v.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("撤销修改")
        self.revert_button.clicked.connect(self._revert)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._update_buttons()

    def _add_field(self, form: QFormLayout, key: str) -> None:
        spec = office.OFFICE_KEYS[key]
        edit = ChoiceEdit() if key == "duplex" else QLineEdit()
        edit.setObjectName(f"office_{key}")
        edit.setMaxLength(spec.limit if spec.setting else 60)
        edit.setMaximumWidth(560)
        edit.textEdited.connect(lambda _text, k=key: self._edited(k))
        error = QLabel()
        error.setObjectName("fieldError")
        error.setWordWrap(True)
        error.hide()
        self.edits[key], self.errors[key] = edit, error
        form.addRow(spec.label.split("（")[0] + "：", edit)
        hint = HINTS.get(key) or (spec.label[spec.label.index("（"):] if "（" in spec.label else "")
        if hint:
            note = QLabel(hint.strip("（）") if hint.startswith("（") else hint)
            note.setObjectName("fieldHint")
            note.setWordWrap(True)
            form.addRow("", note)
        form.addRow("", error)

    # -- data ------------------------------------------------------------------
    def reload(self) -> None:
        self.ctx.jobs.run(load_values, on_done=self._loaded, key=("office-page", id(self)))

    def _loaded(self, result) -> None:
        rows, may_edit = result
        self.loaded = {}
        for row in rows:
            edit = self.edits.get(row["key"])
            if edit is None:
                continue
            text = row["value"] or ""
            self.loaded[row["key"]] = text
            edit.setText(text)
            edit.setPlaceholderText(f"默认：{row['default']}" if row["default"] else "未设置")
            edit.setReadOnly(not may_edit)
            self.errors[row["key"]].hide()
        self.readonly_note.setVisible(not may_edit)
        self.may_edit = may_edit
        self._update_buttons()

    def changes(self) -> dict[str, str]:
        return {k: e.text() for k, e in self.edits.items()
                if k in self.loaded and e.text().strip() != self.loaded[k]}

    def _edited(self, key: str) -> None:
        self.errors[key].hide()
        self._update_buttons()

    def _update_buttons(self) -> None:
        dirty = bool(self.changes()) and getattr(self, "may_edit", False)
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    def _revert(self) -> None:
        for key, text in self.loaded.items():
            self.edits[key].setText(text)
            self.errors[key].hide()
        self._update_buttons()

    # -- saving ----------------------------------------------------------------
    def save(self) -> None:
        changes = self.changes()
        if not changes:
            return
        for label in self.errors.values():
            label.hide()
        self.save_button.setEnabled(False)
        self.ctx.jobs.run(lambda s, job: save_values(s, changes), on_done=self._saved,
                          on_error=self._failed, parent=self)

    def _failed(self, exc: BaseException) -> None:
        self._update_buttons()
        if isinstance(exc, ValidationError) and exc.field in self.errors:
            self.errors[exc.field].setText(exc.message)
            self.errors[exc.field].show()
            self.edits[exc.field].setFocus()
            return
        dialogs.show_error(self, str(exc))

    def _saved(self, keys: list[str]) -> None:
        if {"name", "code"} & set(keys):
            sessions = getattr(self.ctx.jobs, "sessions", None)
            if sessions is not None:       # job threads' sessions hold the old name and code
                sessions.reset()
            self._refresh_identity()
        labels = "、".join(office.OFFICE_KEYS[k].label.split("（")[0] for k in keys)
        dialogs.show_info(self, f"已保存：{labels}。")
        self.reload()

    def _refresh_identity(self) -> None:
        s = self.ctx.open_session()
        try:
            name, code = s.office_name, s.office_code
        finally:
            s.close()
        for attr, value in (("office_name", name), ("office_code", code)):
            if hasattr(self.ctx, attr):
                setattr(self.ctx, attr, value)
        if hasattr(self.ctx, "title"):
            self.window().setWindowTitle(self.ctx.title)
