"""新建 / 修改 / 作废 one record of any family: the generated form, the status
transitions the workflow allows, attachments and the records that belong to it."""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QTabWidget, QVBoxLayout, QWidget)

from desktop_app.domain.record import Record, Saved
from desktop_app.domain.registry import family as get_family
from desktop_app.domain.schema import Kind
from desktop_app.domain.vocab import workflows
from desktop_app.errors import NeedsConfirmation, UserFacingError, ValidationError
from desktop_app.services import lookup, records
from ui import dialogs
from ui.forms import actions
from ui.forms.attachments_panel import AttachmentsPanel
from ui.forms.children_panel import ChildrenPanel, children_of
from ui.forms.linked import DocumentsPanel
from ui.forms.record_form import RecordForm
from ui.forms.record_windows import raise_window

log = logging.getLogger(__name__)


def _load_record(s, family: str, record_id: str) -> tuple[Record, dict[str, str]]:
    rec = records.get(s, family, record_id)
    return rec, _names_for(s, family, dict(rec.values))


def _names_for(s, family: str, values: dict[str, Any]) -> dict[str, str]:
    wanted: dict[str, set[str]] = {}
    for f in get_family(family).fields:
        v = values.get(f.name)
        if f.kind in (Kind.REF, Kind.REFS) and v:
            wanted.setdefault(f.ref, set()).update(v if isinstance(v, (list, tuple)) else (v,))
    return lookup.names_of(s, wanted)


class RecordDialog(QDialog):
    def __init__(self, ctx, family: str, record_id: str | None = None,
                 prefill: dict[str, Any] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.fam = ctx, get_family(family)
        self.record: Record | None = None
        self.record_id = record_id
        self._discard = False
        self._writing = None            # the save, status change or void under way
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle(f"新建{self.fam.label}" if record_id is None else self.fam.label)
        self._build()
        if not ctx.settings.restore_geometry(f"dialog-{family}", self):
            self.resize(980, 720)
        if record_id is not None:
            self.load(record_id)
        else:
            self._load_prefill(prefill or {})

    # -- layout ---------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.header = QLabel()
        self.header.setObjectName("sectionTitle")
        layout.addWidget(self.header)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        # Built top-down, each widget made inside its final parent: with the
        # application's style sheet, moving a finished subtree into another
        # parent styles all of it again (the form's 300 widgets, once per move:
        # that made opening a record window take 80-130 ms, bench_stalls.py).
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        self.tabs.addTab(scroll, "内容")
        self.form = RecordForm(self.ctx, self.fam, scroll.viewport())
        scroll.setWidget(self.form)
        self.attachments = AttachmentsPanel(self.ctx, self.fam.name, self.tabs)
        self.tabs.addTab(self.attachments, "附件")
        self.children = []
        for c in children_of(self.fam.name):
            panel = ChildrenPanel(self.ctx, c, self.open_child, self.tabs)
            self.tabs.addTab(panel, panel.child.label)
            self.children.append(panel)
        self.documents = None
        if self.fam.name in actions.LETTER_FAMILIES:
            self.documents = DocumentsPanel(self.ctx, self.fam.name, self.open_child, self.tabs)
            self.tabs.addTab(self.documents, "发文")
        layout.addLayout(self._build_buttons())
        QShortcut(QKeySequence.StandardKey.Save, self, activated=lambda: self.save(close=False))

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.status_label = QLabel()
        row.addWidget(self.status_label)
        self.status_buttons = QHBoxLayout()
        row.addLayout(self.status_buttons)
        self.extra_buttons = QHBoxLayout()
        row.addLayout(self.extra_buttons)
        self.void_button = QPushButton("作废…")
        self.void_button.clicked.connect(self.void)
        row.addWidget(self.void_button)
        row.addStretch(1)
        self.save_button = QPushButton("保存")
        self.save_button.setToolTip("保存（Ctrl+S），窗口不关闭")
        self.save_button.clicked.connect(lambda: self.save(close=False))
        self.save_close_button = QPushButton("保存并关闭")
        self.save_close_button.clicked.connect(lambda: self.save(close=True))
        close = QPushButton("关闭")
        close.setToolTip("关闭（Esc）")
        close.clicked.connect(self.reject)
        for b in (self.save_button, self.save_close_button, close):
            b.setAutoDefault(False)
            row.addWidget(b)
        return row

    # -- loading --------------------------------------------------------------
    def _load_prefill(self, prefill: dict[str, Any]) -> None:
        self._show_state()
        self._apply_prefill(prefill, {})
        refs = {k: v for k, v in prefill.items() if v}
        if any(self.fam.field(k).kind in (Kind.REF, Kind.REFS) for k in refs):
            fam = self.fam.name
            self.ctx.jobs.run(lambda s, job: _names_for(s, fam, refs),
                              on_done=lambda names: self._apply_prefill(prefill, names), parent=self)

    def _apply_prefill(self, prefill: dict[str, Any], names: dict[str, str]) -> None:
        self.form.load(prefill, names)
        self.form.loaded = {}               # prefilled values still count as new input

    def load(self, record_id: str) -> None:
        fam = self.fam.name
        self.ctx.jobs.run(lambda s, job: _load_record(s, fam, record_id),
                          on_done=lambda result: self._loaded(*result), parent=self)

    def _loaded(self, rec: Record, names: dict[str, str]) -> None:
        self.record = rec
        self.form.load(dict(rec.values), names, rec.sensitivity)
        self._show_state()

    @property
    def read_only(self) -> bool:
        rec = self.record
        return rec is not None and (rec.voided or rec.owner_office != self.ctx.office_code)

    def _show_state(self) -> None:
        rec = self.record
        if rec is None:
            self.header.setText(f"新建{self.fam.label}")
        else:
            self.setWindowTitle(f"{self.fam.label} · {rec.title}")
            no = f"{rec.ledger_no} · " if rec.ledger_no else ""
            self.header.setText(f"{self.fam.label} · {no}{rec.title}")
        self._show_banner(rec)
        self.form.set_read_only(self.read_only)
        for b in (self.save_button, self.save_close_button):
            b.setEnabled(not self.read_only)
        self.void_button.setVisible(rec is not None and not self.read_only)
        self.tabs.setTabEnabled(1, rec is not None)
        for i, panel in enumerate(self.children):
            self.tabs.setTabEnabled(2 + i, rec is not None)
            if rec is not None:
                panel.set_parent_record(rec.id, self.read_only)
        self.attachments.set_record(rec.id if rec else None, self.read_only)
        if self.documents is not None:
            self.tabs.setTabEnabled(self.tabs.indexOf(self.documents), rec is not None)
            self.documents.set_record(rec.id if rec else None)
        self._show_status_buttons()
        actions.fill_extra_buttons(self)

    def _show_banner(self, rec: Record | None) -> None:
        if rec is None:
            self.banner.hide()
            return
        if rec.voided:
            self.banner.setObjectName("voidBanner")
            self.banner.setText(f"此记录已作废，只能查看。作废理由：{rec.void_reason or ''}")
        elif rec.owner_office != self.ctx.office_code:
            self.banner.setObjectName("banner")
            self.banner.setText(f"此记录属于 {rec.owner_office}，本机关只能查看，不能修改。")
        else:
            self.banner.setObjectName("muted")
            self.banner.setText(f"{rec.created_by} 于 {rec.created_at.replace('T', ' ')} 建立；"
                                f"{rec.updated_by} 于 {rec.updated_at.replace('T', ' ')} 最后修改。")
        self.banner.style().unpolish(self.banner)
        self.banner.style().polish(self.banner)
        self.banner.show()

    def _show_status_buttons(self) -> None:
        while self.status_buttons.count():
            w = self.status_buttons.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        rec = self.record
        if rec is None:
            self.status_label.setText(f"状态：{workflows()[self.fam.workflow].initial}（新建）")
            return
        self.status_label.setText(f"状态：{'已作废' if rec.voided else rec.status}")
        if self.read_only:
            return
        for target in workflows()[self.fam.workflow].transitions.get(rec.status, ()):
            b = QPushButton(f"改为“{target}”")
            b.setAutoDefault(False)
            b.clicked.connect(lambda _=False, t=target: self.change_status(t))
            self.status_buttons.addWidget(b)

    # -- actions --------------------------------------------------------------
    def save(self, close: bool = False, confirm_dates: bool = False) -> None:
        """``confirm_dates``: the clerk has confirmed a deadline already past or
        before the record's start (asked in ``_save_refused``)."""
        if self.read_only:
            return
        self.form.clear_errors()
        errors = self.form.field_errors()
        if errors:                           # all of them at once, not one per try
            self.form.show_errors(errors)
            self._scroll_to(next(iter(errors)))
            return
        fam, sens = self.fam.name, self.form.sensitivity()
        if self.record is None:
            values = self.form.values()
            call = lambda s, job: records.create(s, fam, values, sensitivity=sens,
                                                 confirm_dates=confirm_dates)
        else:
            changes, rid = self.form.changes(), self.record.id
            call = lambda s, job: records.update(s, fam, rid, changes, sensitivity=sens,
                                                 confirm_dates=confirm_dates)
        self._writing = self.ctx.jobs.run(call, on_done=lambda saved: self._saved(saved, close),
                          on_error=lambda exc: self._save_refused(exc, close), parent=self)

    def _save_refused(self, exc: UserFacingError, close: bool) -> None:
        """A deadline already past or before the start is saved only when confirmed
        (and the confirmation is audited by the core)."""
        if not isinstance(exc, NeedsConfirmation):
            self.show_error(exc)
            return
        field = exc.items[0]["field"]
        self._scroll_to(field)
        if dialogs.ask_yes_no(self, str(exc), "请确认时限"):
            self.save(close, confirm_dates=True)
        else:
            self.form.editors[field].setFocus()

    def _saved(self, saved: Saved, close: bool) -> None:
        self.record, self.record_id = saved.record, saved.record.id
        if saved.changes.families:
            self.ctx.bus.changed.emit(saved.changes)
        if close:
            self.accept()
            return
        self._loaded(saved.record, {})
        self.load(saved.record.id)          # names of the referred records
        self.status_label.setText(self.status_label.text() + "　已保存")

    def show_error(self, exc: UserFacingError) -> None:
        """A field's error beside the field; anything else in a message box."""
        if isinstance(exc, ValidationError) and self.form.show_error(exc.field, exc.message):
            self._scroll_to(exc.field)
            return
        dialogs.show_error(self, str(exc))

    def _scroll_to(self, field: str) -> None:
        self.tabs.setCurrentIndex(0)
        widget = self.form.error_widget(field)
        scroll = self.tabs.widget(0)
        if isinstance(scroll, QScrollArea) and widget is not None:
            scroll.ensureWidgetVisible(widget.parentWidget())

    def change_status(self, target: str) -> None:
        rec = self.record
        if rec is None or not dialogs.ask_yes_no(self, f"把状态从“{rec.status}”改为“{target}”？"):
            return
        fam = self.fam.name
        self._writing = self.ctx.jobs.run(lambda s, job: records.set_status(s, fam, rec.id, target),
                          on_done=self._after_action, on_error=self.show_error, parent=self)

    def void(self) -> None:
        rec = self.record
        if rec is None:
            return
        reason = dialogs.ask_reason(self, "作废记录", f"作废“{rec.title}”。作废后记录仍保留（可查看、可追溯），"
                                                   "但不再参与统计和期限提醒。\n请填写作废理由：")
        if not reason:
            return
        fam = self.fam.name
        self._writing = self.ctx.jobs.run(lambda s, job: records.void(s, fam, rec.id, reason),
                          on_done=self._after_action, on_error=self.show_error, parent=self)

    def _after_action(self, saved: Saved) -> None:
        self.ctx.bus.changed.emit(saved.changes)
        self.load(saved.record.id)

    def open_child(self, family: str, record_id: str | None, prefill: dict | None) -> "RecordDialog":
        return open_record_dialog(self.ctx, family, record_id, prefill, parent=self)

    # -- closing --------------------------------------------------------------
    def record_key(self) -> tuple[str, str | None]:
        return self.fam.name, self.record_id

    def has_unsaved_changes(self) -> bool:
        return not self._discard and not self.read_only and self.form.is_dirty()

    def discard_changes(self) -> None:
        """The user already agreed to lose them (asked once for several windows)."""
        self._discard = True

    def reject(self) -> None:
        if self._writing is not None and self._writing.running:
            return                      # closes once the write has answered (its changes reach the lists)
        if self.has_unsaved_changes() and not dialogs.ask_yes_no(
                self, "有尚未保存的修改。不保存就关闭吗？", "尚未保存"):
            return
        self._discard = True            # asked once: closing may pass here again
        super().reject()

    def done(self, result: int) -> None:
        self.ctx.settings.save_geometry(f"dialog-{self.fam.name}", self)
        super().done(result)


def open_record_dialog(ctx, family: str, record_id: str | None = None,
                       prefill: dict | None = None, parent: QWidget | None = None) -> RecordDialog:
    """The one way a record window opens: the record's open window is raised if
    there is one, otherwise a new one is shown window-modal without blocking
    (tests can drive it)."""
    windows = ctx.record_windows
    existing = windows.find(family, record_id)
    if existing is not None:
        raise_window(existing)
        return existing
    d = RecordDialog(ctx, family, record_id, prefill, parent)
    windows.add(d)
    d.show()
    return d
