"""First start: the office's name and code, the clerk's name, the 机关简称
that begins every 发文字号 (临纪函〔2026〕5号) and what the letters print for
contacts; then the database is created. Everything but name, code and clerk
can be left for later."""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QLabel,
                               QLineEdit, QVBoxLayout, QWidget)

from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.services.office import check_office, init_office
from ui.context import CLERK_SETTING

ABBR_SETTING = "doc.abbr"
# setting → (label, placeholder): what the documents (公文) print.
LETTER_SETTINGS = {
    "doc.contact": ("联系人", "通知书中的联系人，如 赵明"),
    "doc.phone": ("联系电话", "如 0000-7654321"),
    "org.party_committee": ("同级党委", "如 中共临川县委（监督建议书抄报）"),
    "org.superior": ("上级纪委", "如 中共临江市纪律检查委员会"),
}
EXAMPLE_PREFIXES = ("纪函", "纪约", "纪改", "纪建")


def guess_abbreviation(office_name: str) -> str:
    """临 for 中共临川县纪律检查委员会: the first character after 中共."""
    return re.sub(r"^中共", "", office_name.strip())[:1]


class SetupDialog(QDialog):
    def __init__(self, data_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.setWindowTitle("首次使用设置")   # Qt adds " — 监督台账" (application display name)
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel("欢迎使用监督台账。请先填写本机关的基本信息；带 * 的必须填写，其余以后也可修改。"
                       f"\n数据将保存在：{self.data_dir}")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText("如 中共临川县纪律检查委员会")
        self.code = QLineEdit()
        self.code.setPlaceholderText("如 LCX 或 CNTY-07（大写字母、数字）")
        self.clerk = QLineEdit()
        self.clerk.setPlaceholderText("录入人姓名，记入每条修改记录")
        self.errors: dict[str, QLabel] = {}
        for key, label, edit in (("office_name", "机关名称 *", self.name),
                                 ("office_code", "机关代码 *", self.code),
                                 ("clerk", "您的姓名 *", self.clerk)):
            form.addRow(label + "：", edit)
            self.errors[key] = QLabel()
            self.errors[key].setObjectName("fieldError")
            self.errors[key].hide()
            form.addRow("", self.errors[key])
        layout.addLayout(form)
        layout.addWidget(self._letters_box())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("开始使用")
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.name.textChanged.connect(self._name_changed)

    def _letters_box(self) -> QGroupBox:
        box = QGroupBox("公文")
        form = QFormLayout(box)
        self.abbr = QLineEdit()
        self.abbr.setMaxLength(6)
        self.abbr.setPlaceholderText("机关简称，如 临")
        self.abbr.textChanged.connect(self._show_example)
        self.example = QLabel()
        self.example.setObjectName("fieldHint")
        form.addRow("发文机关简称：", self.abbr)
        form.addRow("", self.example)
        self.letter_edits: dict[str, QLineEdit] = {}
        for key, (label, hint) in LETTER_SETTINGS.items():
            edit = QLineEdit()
            edit.setPlaceholderText(hint)
            self.letter_edits[key] = edit
            form.addRow(label + "：", edit)
        self._show_example()
        return box

    def _name_changed(self, text: str) -> None:
        if not self.abbr.isModified():
            self.abbr.setText(guess_abbreviation(text))

    def _show_example(self) -> None:
        abbr = self.abbr.text().strip() or "×"
        self.example.setText("文号将是：" + "、".join(f"{abbr}{p}〔2026〕1号" for p in EXAMPLE_PREFIXES) + "……")

    def show_error(self, field: str, message: str) -> None:
        for label in self.errors.values():
            label.hide()
        label = self.errors.get(field) or self.errors["office_name"]
        label.setText(message)
        label.show()

    def settings(self, clerk: str) -> dict[str, str]:
        values = {k: e.text().strip() for k, e in self.letter_edits.items() if e.text().strip()}
        if self.abbr.text().strip():
            values[ABBR_SETTING] = self.abbr.text().strip()
        return values | {CLERK_SETTING: clerk}

    def create(self) -> None:
        """Validates, then makes the database (some 25 ms: no job needed)."""
        try:
            name, code = check_office(self.name.text(), self.code.text())
            clerk = self.clerk.text().strip()
            if not clerk:
                raise ValidationError("clerk", "请填写您的姓名。")
            init_office(self.data_dir, name, code, user=clerk, settings=self.settings(clerk)).close()
        except ValidationError as exc:
            self.show_error(exc.field, exc.message)
            return
        except UserFacingError as exc:
            self.show_error("office_name", str(exc))
            return
        self.accept()
