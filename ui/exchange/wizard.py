"""What the export and import wizards share: a worker that must stop before the
dialog closes, and the closing page with the outcome."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.exchange.widgets import note


class WorkerWizard(QDialog):
    worker = None

    def _result_page(self) -> QWidget:
        page = QWidget()
        self.result = note()
        close = QPushButton("完成")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(page)
        layout.addWidget(self.result, 1)
        layout.addLayout(row)
        return page

    def worker_busy(self) -> bool:
        """Ask a running worker to stop; the dialog stays until it has."""
        if self.worker is not None and self.worker.running:
            self.worker.cancel()
            return True
        return False
