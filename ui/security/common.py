"""Small pieces the security widgets share: a jobs runner on an identity, error labels."""
from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableWidget, QWidget

from ui import dialogs
from ui.jobs import Jobs, SyncJobs

log = logging.getLogger(__name__)


def show_job_error(exc: BaseException, parent: QWidget | None) -> None:
    """UserFacingErrors reach the widgets' own on_error; anything else is a bug: log it
    and say so in one box (the application's crash dialog takes over once integrated)."""
    log.error("security job failed", exc_info=exc)
    dialogs.show_error(parent, f"操作失败：{exc}")


def make_jobs(open_session: Callable | None, *, synchronous: bool = False, parent=None,
              error_handler: Callable | None = None) -> Jobs:
    """A runner whose jobs get sessions from ``open_session`` (an identity's)."""
    kind = SyncJobs if synchronous else Jobs
    return kind(open_session, error_handler or show_job_error, parent)


def read_only_table(columns) -> QTableWidget:
    """A table of whole rows to pick one from (accounts, backups)."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    return table


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.hide()
    return label


def show_in(label: QLabel, text: str | None) -> None:
    label.setText(text or "")
    label.setVisible(bool(text))


def hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("fieldHint")
    label.setWordWrap(True)
    return label


POLICY_HINT = "口令至少 8 位，须包含小写字母、大写字母、数字、其他符号中的至少三类，且不含账户名。"
