"""Issue 9 in the GUI: the import wizard refuses a signed package whose attachment
name is a path (nothing written, the refusal in the audit log), and the 清理无用附件
button of the exchange page removes files no record uses."""
import os
import time

import pytest
from PySide6.QtCore import Qt

from hostile_kit import bumped, forge, wire
from sync_kit import PASS
from ui.exchange import ExchangePage
from sync_kit import FAST

TIMEOUT = 20_000


def page_for(qtbot, node) -> ExchangePage:
    page = ExchangePage(node.data_dir, exchange_options={"kdf_cost": FAST})
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.state is not None, timeout=TIMEOUT)
    return page


def test_the_wizard_refuses_an_attachment_name_that_is_a_path(qtbot, pair, tmp_path):
    from desktop_app.services.attachments import add_attachment
    county, city, ids, _ = pair
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    att = add_attachment(county.s, "talk", ids["talk"], scan).record
    hostile = bumped(county, wire(county, "attachment", att.id), filename="../../taizhang.db")
    drive = tmp_path / "drive"
    drive.mkdir()
    forge(county, "CITY", {"attachment": [hostile]}, drive / "hostile.tzx", blobs=[scan])
    before = city.digest()
    page = page_for(qtbot, city)
    importer = page.open_import()
    importer.load_folder(drive)
    qtbot.waitUntil(lambda: importer.packages.rowCount() == 1, timeout=TIMEOUT)
    importer.passphrase.setText(PASS)
    importer.check()
    qtbot.waitUntil(lambda: importer.stack.currentIndex() == 2, timeout=TIMEOUT)
    assert not importer.apply_button.isEnabled()
    assert importer.details.item(0, 0).text() == "拒绝"
    assert "文件名" in importer.details.item(0, 3).text()
    qtbot.waitUntil(lambda: not importer.worker.running, timeout=TIMEOUT)
    importer.reject()
    assert city.digest() == before and len(city.refusals()) == 1
    assert not (tmp_path / "taizhang.db").exists()


def test_the_clean_up_button_removes_files_no_record_uses(qtbot, pair):
    _, city, _, _ = pair
    stray = city.data_dir / "attachments" / "ab" / ("ab" * 32)
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"left by a refused import")
    old = time.time() - 2 * 3600
    os.utime(stray, (old, old))
    page = page_for(qtbot, city)
    qtbot.mouseClick(page.clean_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "已清理 1 个" in page.message.text(), timeout=TIMEOUT)
    assert not stray.exists()
    assert city.s.conn.execute("SELECT count(*) FROM audit_log WHERE action = '清理无用附件'"
                               ).fetchone()[0] == 1


def test_save_dialogs_suggest_cleaned_names(monkeypatch, qapp):
    from ui import dialogs
    seen = []
    monkeypatch.setattr(dialogs, "_ask_path", lambda parent, title, start, filters, **kw:
                        seen.append(start))
    dialogs.save_file_name(None, "导出廉政档案", "廉政档案-../../王某.pdf", "PDF 文件 (*.pdf)")
    dialogs.save_file_name(None, "导出报表", "CON.xlsx", "")
    assert seen == ["廉政档案-.._.._王某.pdf", "_CON.xlsx"]
