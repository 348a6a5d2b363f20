"""The audit page's cells are worked out once per loaded page (not at every paint or
column fit, which held the GUI thread 0.2-0.33 s at 100k records): what each cell shows
is still exactly the entry's own text, for the first page and for appended pages."""
from __future__ import annotations

from PySide6.QtCore import Qt

from ui.security.audit_page import AuditPage
from ui.widgets.table import FIT_ROWS


def test_every_cell_shows_its_entry_after_paging(app, office, identity, qtbot):
    page = AuditPage(identity("审计员丁"), synchronous=True)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.load_more()
    model = page.model
    assert model.rowCount() > 200 and len(model.texts) == len(model.entries)
    for row, e in enumerate(model.entries):
        cells = [model.index(row, c).data() for c in range(7)]
        assert cells == [e.seq, e.ts.replace("T", " "), e.actor, e.action, e.family_label,
                         e.record_text, e.summary()]
        assert model.index(row, 6).data(Qt.ItemDataRole.ToolTipRole) == e.summary()
        assert model.index(row, 1).data(Qt.ItemDataRole.ToolTipRole) is None
    assert page.table.horizontalHeader().resizeContentsPrecision() == FIT_ROWS
