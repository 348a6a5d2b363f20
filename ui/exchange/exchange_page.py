"""The 数据交换 page: this office's key and card, the offices it trusts with the state
of the exchanges with each ("N 条变更尚未被 X 确认（自 …）"), the export and import
wizards, and the history of packages sent and received."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from desktop_app.errors import UserFacingError
from ui.exchange import prompts
from ui.exchange.export_dialog import ExportDialog
from ui.exchange.import_dialog import ImportDialog
from ui.exchange.widgets import fill, note, session_opener, table
from ui.exchange.worker import Worker

log = logging.getLogger(__name__)
_KINDS = {"full": "完整", "delta": "增量", "receipt": "回执"}


def _load(s, progress, cancel) -> dict:
    from desktop_app.exchange import housekeeping, offices, status
    housekeeping.clean_abandoned(s.data_dir)
    public = offices.own_public_key(s.conn)
    return {"code": s.office_code, "name": s.office_name,
            "fingerprint": offices.own_card(s).fingerprint if public else None,
            "peers": status.overview(s), "history": status.history(s)}


class ExchangePage(QWidget):
    """``families_changed(frozenset)`` after an import, for the lists to refresh."""

    families_changed = Signal(object)
    loaded = Signal()

    def __init__(self, data_dir: Path, parent: QWidget | None = None, *,
                 open_session: Callable | None = None, exchange_options: dict | None = None):
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.open_session = session_opener(self.data_dir, open_session)
        self.options = exchange_options or {}      # tests: a small KDF cost, a split size
        self.state: dict | None = None
        self.worker: Worker | None = None
        self.dialog = None
        layout = QVBoxLayout(self)
        layout.addWidget(self._identity_box())
        layout.addWidget(self._offices_box(), 2)
        layout.addWidget(self._history_box(), 1)
        self.refresh()

    # -- layout
    def _identity_box(self) -> QGroupBox:
        box = QGroupBox("本单位")
        self.identity = QLabel("正在读取…")
        self.identity.setWordWrap(True)
        self.keygen_button = QPushButton("生成签名密钥…")
        self.card_button = QPushButton("导出本单位名片…")
        self.trust_button = QPushButton("信任单位名片…")
        self.keygen_button.clicked.connect(self.make_key)
        self.card_button.clicked.connect(self.save_card)
        self.trust_button.clicked.connect(self.trust_card)
        row = QHBoxLayout(box)
        row.addWidget(self.identity, 1)
        for button in (self.keygen_button, self.card_button, self.trust_button):
            row.addWidget(button)
        return box

    def _offices_box(self) -> QGroupBox:
        box = QGroupBox("交换单位")
        self.offices = table(["单位", "代码", "关系", "交换状态", "最近导出", "最近导入", "最近回执"])
        self.export_button = QPushButton("导出到U盘…")
        self.import_button = QPushButton("从U盘导入…")
        refresh = QPushButton("刷新")
        self.clean_button = QPushButton("清理无用附件")
        self.clean_button.setToolTip("删除附件文件夹中没有任何记录使用的文件"
                                     "（例如被拒绝的数据包留下的）；会记入审计日志")
        self.export_button.clicked.connect(self.open_export)
        self.import_button.clicked.connect(self.open_import)
        self.clean_button.clicked.connect(self.clean_up)
        refresh.clicked.connect(self.refresh)
        buttons = QHBoxLayout()
        for button in (self.export_button, self.import_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.clean_button)
        buttons.addWidget(refresh)
        self.message = note()
        layout = QVBoxLayout(box)
        layout.addWidget(self.offices, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        return box

    def _history_box(self) -> QGroupBox:
        box = QGroupBox("交换记录")
        self.history = table(["时间（UTC）", "方向", "单位", "序号", "类型", "记录数"])
        QVBoxLayout(box).addWidget(self.history)
        return box

    # -- loading
    def refresh(self) -> None:
        self._run(_load, self._show)

    def _run(self, fn, on_done) -> None:
        worker = Worker(fn, self.open_session)
        worker.done.connect(on_done)
        worker.failed.connect(self._failed)
        self.worker = worker
        worker.start()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserFacingError):
            prompts.show_error(self, str(exc))
        else:
            log.error("exchange page job failed", exc_info=exc)
            prompts.show_error(self, f"程序错误：{exc!r}")

    def _show(self, state: dict) -> None:
        self.state = state
        fp = state["fingerprint"]
        self.identity.setText(f"{state['name']}（{state['code']}）　签名密钥指纹："
                              f"{fp or '尚未生成'}")
        self.keygen_button.setVisible(fp is None)
        for button in (self.card_button, self.export_button):
            button.setEnabled(fp is not None)
        peers = state["peers"]
        fill(self.offices, [(p.name, p.code, p.relation, p.message, p.last_export or "",
                             p.last_import or "", p.last_receipt or "") for p in peers],
             marked=[i for i, p in enumerate(peers) if p.pending])
        self.message.setText("" if peers else "尚未信任任何单位：请先交换单位名片，电话核对指纹后"
                                             "点“信任单位名片…”。")
        fill(self.history, [(h["when"], h["direction"], h["office"], h["seq"],
                             _KINDS.get(h["kind"], h["kind"]), h["records"] or "")
                            for h in state["history"]])
        self.loaded.emit()

    # -- unused attachment files
    def clean_up(self) -> None:
        def run(s, progress, cancel):
            from desktop_app.services.attachments import clean_up_unused
            return clean_up_unused(s)
        self.clean_button.setEnabled(False)
        self._run(run, self._cleaned)

    def _cleaned(self, result: tuple[int, int]) -> None:
        self.clean_button.setEnabled(True)
        files, size = result
        self.message.setText(f"已清理 {files} 个没有任何记录使用的附件文件"
                             f"（{size / 1048576:.1f} MB）。" if files else
                             "附件文件夹中没有无用的文件。")

    # -- keys and cards
    def make_key(self) -> None:
        admin = prompts.ask_passphrase(self, "设置管理员口令（用于保护本单位签名密钥，请妥善保管）：")
        if not admin:
            return

        def work(s, progress, cancel):
            from desktop_app.exchange.offices import setup_office_key
            return setup_office_key(s, admin)
        self._run(work, lambda fp: (prompts.show_info(self, f"已生成签名密钥，指纹：{fp}"),
                                    self.refresh()))

    def save_card(self) -> None:
        code = self.state["code"] if self.state else "office"
        path = prompts.ask_save_file(self, "保存单位名片", f"{code}-单位名片.json", "单位名片 (*.json)")
        if path is None:
            return

        def work(s, progress, cancel):
            from desktop_app.exchange.offices import write_card
            return write_card(s, path)
        self._run(work, lambda card: prompts.show_info(
            self, f"已保存单位名片：{path}\n指纹：{card.fingerprint}\n请对方导入后电话核对指纹。"))

    def trust_card(self) -> None:
        path = prompts.ask_open_file(self, "选择对方的单位名片", "单位名片 (*.json)")
        if path is None:
            return
        from desktop_app.exchange.keys import OfficeCard
        try:
            card = OfficeCard.load(path)
        except (UserFacingError, OSError) as exc:
            prompts.show_error(self, str(exc))
            return
        if not prompts.ask_yes_no(self, f"信任 {card.office_name}（{card.office_code}）？\n"
                                        f"指纹：{card.fingerprint}\n请先与对方电话核对指纹。"):
            return
        relation = {0: "upper", 1: "lower"}.get(self._ask_relation(card.office_name))

        def work(s, progress, cancel):
            from desktop_app.exchange.offices import trust_office
            return trust_office(s, path, relation)
        self._run(work, lambda _: self.refresh())

    def _ask_relation(self, name: str) -> int:
        """0 upper, 1 lower, 2 neither."""
        if prompts.ask_yes_no(self, f"{name}是本单位的上级单位吗？"):
            return 0
        return 1 if prompts.ask_yes_no(self, f"{name}是本单位的下级单位吗？") else 2

    # -- wizards
    def selected_office(self) -> str | None:
        row = self.offices.currentRow()
        item = self.offices.item(row, 1) if row >= 0 else None
        return item.text() if item else None

    def open_export(self) -> ExportDialog:
        state = self.state or {"peers": [], "code": "", "name": ""}
        offices = [(p.code, p.name, p.relation) for p in state["peers"]]
        options = {k: v for k, v in self.options.items() if k in ("kdf_cost", "max_size")}
        self.dialog = ExportDialog(self.open_session, offices, (state["code"], state["name"]),
                                   preselect=self.selected_office(), parent=self,
                                   export_options=options)
        self.dialog.exported.connect(lambda _: self.refresh())
        self.dialog.show()
        return self.dialog

    def open_import(self) -> ImportDialog:
        options = {k: v for k, v in self.options.items() if k == "kdf_cost"}
        self.dialog = ImportDialog(self.open_session, parent=self, import_options=options)
        self.dialog.imported.connect(self._imported)
        self.dialog.show()
        return self.dialog

    def _imported(self, summary: dict) -> None:
        self.families_changed.emit(frozenset(summary.get("by_table", {})))
        self.refresh()
