"""First start: the office's name and code, the clerk's name and the
document-number prefixes (机关代字); then the database is created."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QLabel,
                               QLineEdit, QVBoxLayout, QWidget)

from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.services.office import DEFAULT_SETTINGS, check_office, init_office
from ui.context import CLERK_SETTING

PREFIX_LABELS = {"prefix.函": "函件（如 纪函）", "prefix.办函": "办公室函（如 纪办函）",
                 "prefix.纪建": "纪律检查建议书", "prefix.监建": "监察建议书",
                 "prefix.谈": "谈话通知", "prefix.整改": "整改通知"}


class SetupDialog(QDialog):
    def __init__(self, data_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.setWindowTitle("监督台账 — 首次使用设置")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel("欢迎使用监督台账。请先填写本机关的基本信息（以后可在设置中修改文号代字）。"
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
        for key, label, edit in (("office_name", "机关名称", self.name),
                                 ("office_code", "机关代码", self.code),
                                 ("clerk", "您的姓名", self.clerk)):
            form.addRow(label + "：", edit)
            self.errors[key] = QLabel()
            self.errors[key].setObjectName("fieldError")
            self.errors[key].hide()
            form.addRow("", self.errors[key])
        layout.addLayout(form)
        box = QGroupBox("发文机关代字（文号如 纪函〔2026〕5号）")
        prefix_form = QFormLayout(box)
        self.prefixes: dict[str, QLineEdit] = {}
        for key, label in PREFIX_LABELS.items():
            edit = QLineEdit(DEFAULT_SETTINGS.get(key, ""))
            edit.setMaxLength(12)
            self.prefixes[key] = edit
            prefix_form.addRow(label + "：", edit)
        layout.addWidget(box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("开始使用")
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def show_error(self, field: str, message: str) -> None:
        for label in self.errors.values():
            label.hide()
        label = self.errors.get(field) or self.errors["office_name"]
        label.setText(message)
        label.show()

    def create(self) -> None:
        """Validates, then makes the database (a few milliseconds: no job needed)."""
        try:
            name, code = check_office(self.name.text(), self.code.text())
            clerk = self.clerk.text().strip()
            if not clerk:
                raise ValidationError("clerk", "请填写您的姓名。")
            settings = {k: e.text().strip() for k, e in self.prefixes.items() if e.text().strip()}
            settings[CLERK_SETTING] = clerk
            init_office(self.data_dir, name, code, user=clerk, settings=settings).close()
        except ValidationError as exc:
            self.show_error(exc.field, exc.message)
            return
        except UserFacingError as exc:
            self.show_error("office_name", str(exc))
            return
        self.accept()
