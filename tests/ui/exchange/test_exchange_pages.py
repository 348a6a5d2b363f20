"""The exchange GUI with real widgets offscreen: the office list with "N 条变更尚未被
X 确认", the export wizard (progress, cancel, result), the import wizard (dry-run
summary before anything is written, refusal of a package with rejected rows, apply,
receipt), and the conflicts page (both versions, differing fields marked, accept or
compose).  Work runs on worker threads; the GUI thread is never blocked."""
import time

import pytest

from sync_kit import ADMIN, FAST, PASS, county_records, make_node, trust
from ui.exchange import ConflictsPage, ExchangePage
from ui.exchange import worker as worker_module
from ui.exchange.widgets import MARK

TIMEOUT = 20_000


def page_for(qtbot, node) -> ExchangePage:
    page = ExchangePage(node.data_dir, exchange_options={"kdf_cost": FAST})
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.state is not None, timeout=TIMEOUT)
    return page


def fill_export(dialog, drive, peer="CITY"):
    dialog.office.setCurrentIndex(dialog.office.findData(peer))
    dialog.folder.setText(str(drive))
    dialog.passphrase.setText(PASS)
    dialog.confirm.setText(PASS)
    dialog.admin.setText(ADMIN)


def test_office_list_shows_what_the_peer_has_not_confirmed(qtbot, pair):
    county, _, _, _ = pair
    page = page_for(qtbot, county)
    assert "CNTY-A" in page.identity.text() and "指纹" in page.identity.text()
    assert page.offices.rowCount() == 1
    status = page.offices.item(0, 3).text()
    assert status.startswith("3 条变更尚未被 乙市纪委监委 确认")
    assert page.offices.item(0, 0).background().color() == MARK


def test_export_then_import_with_dry_run_and_receipt(qtbot, pair, tmp_path):
    county, city, ids, _ = pair
    drive = tmp_path / "drive"
    drive.mkdir()
    page = page_for(qtbot, county)
    dialog = page.open_export()
    fill_export(dialog, drive)
    started = time.perf_counter()
    with qtbot.waitSignal(dialog.exported, timeout=TIMEOUT):
        dialog.start()
        assert time.perf_counter() - started < 0.1          # the work is on a worker thread
    assert "3 条记录" in dialog.result.text() and "回读校验" in dialog.result.text()
    city_page = page_for(qtbot, city)
    importer = city_page.open_import()
    importer.load_folder(drive)
    qtbot.waitUntil(lambda: importer.packages.rowCount() == 1, timeout=TIMEOUT)
    assert importer.packages.item(0, 5).text() == "未导入"
    importer.passphrase.setText(PASS)
    importer.admin.setText(ADMIN)
    before = city.digest()
    importer.check()
    qtbot.waitUntil(lambda: importer.stack.currentIndex() == 2, timeout=TIMEOUT)
    assert [importer.counts.item(0, c).text() for c in range(5)] == ["3", "0", "0", "0", "0"]
    assert importer.apply_button.isEnabled()
    assert city.digest() == before                           # the dry run wrote nothing
    with qtbot.waitSignal(city_page.families_changed, timeout=TIMEOUT) as changed:
        importer.apply()
    assert {"unit", "person", "talk"} <= changed.args[0]
    assert "回执已写入U盘" in importer.result.text()
    assert city.row("talk", ids["talk"]) is not None
    assert len(list(drive.glob("*.tzr"))) == 1


def test_cancelled_export_leaves_nothing(qtbot, pair, tmp_path, monkeypatch):
    county, _, _, _ = pair
    drive = tmp_path / "drive"
    drive.mkdir()
    page = page_for(qtbot, county)
    dialog = page.open_export()
    fill_export(dialog, drive)
    start = worker_module.Worker.start
    monkeypatch.setattr(worker_module.Worker, "start",
                        lambda self: (self.cancel(), start(self)))   # 取消 pressed at once
    dialog.start()
    qtbot.waitUntil(lambda: "已取消" in dialog.error.text(), timeout=TIMEOUT)
    assert dialog.stack.currentIndex() == 0 and not list(drive.iterdir())


def test_export_form_refuses_bad_input(qtbot, pair, tmp_path):
    county, _, _, _ = pair
    page = page_for(qtbot, county)
    dialog = page.open_export()
    fill_export(dialog, tmp_path / "missing")
    dialog.start()
    assert "文件夹" in dialog.error.text() and dialog.stack.currentIndex() == 0
    fill_export(dialog, tmp_path)
    dialog.confirm.setText("别的口令")
    dialog.start()
    assert "不一致" in dialog.error.text()
    fill_export(dialog, tmp_path)
    dialog.admin.setText("错误的管理员口令")
    dialog.start()
    qtbot.waitUntil(lambda: "管理员口令不正确" in dialog.error.text(), timeout=TIMEOUT)


def test_package_with_rejected_rows_cannot_be_applied(qtbot, pair, tmp_path):
    from test_sync_refusals import forge, wire
    county, city, ids, _ = pair
    drive = tmp_path / "drive"
    drive.mkdir()
    foreign = wire(county, "unit", ids["unit"], owner_office="CNTY-B")
    forge(county, "CITY", {"unit": [foreign]}, drive / "forged.tzx")
    page = page_for(qtbot, city)
    importer = page.open_import()
    importer.load_folder(drive)
    qtbot.waitUntil(lambda: importer.packages.rowCount() == 1, timeout=TIMEOUT)
    importer.passphrase.setText(PASS)
    importer.check()
    qtbot.waitUntil(lambda: importer.stack.currentIndex() == 2, timeout=TIMEOUT)
    assert not importer.apply_button.isEnabled()
    assert importer.details.item(0, 0).text() == "拒绝"
    assert "CNTY-B" in importer.details.item(0, 3).text()
    # the result arrives before the worker's thread has ended; until it has, the
    # wizard (rightly) refuses to close: wait for that, never for a time
    qtbot.waitUntil(lambda: not importer.worker.running, timeout=TIMEOUT)
    importer.reject()
    assert not importer.isVisible()
    assert not list((city.data_dir / "exchange" / "work").iterdir())


def test_wrong_passphrase_is_shown_in_the_wizard(qtbot, pair, tmp_path):
    county, city, _, _ = pair
    drive = tmp_path / "drive"
    county.export(city, drive)
    page = page_for(qtbot, city)
    importer = page.open_import()
    importer.load_folder(drive)
    qtbot.waitUntil(lambda: importer.packages.rowCount() == 1, timeout=TIMEOUT)
    importer.passphrase.setText("不对")
    importer.check()
    qtbot.waitUntil(lambda: "交换口令错误" in importer.error.text(), timeout=TIMEOUT)


def test_keys_cards_and_trust_from_the_page(qtbot, tmp_path, answers, qapp):
    from desktop_app.services.office import init_office
    init_office(tmp_path / "fresh", "丙县纪委监委", "CNTY-C").close()
    page = ExchangePage(tmp_path / "fresh")
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.state is not None, timeout=TIMEOUT)
    assert page.keygen_button.isVisibleTo(page) and not page.export_button.isEnabled()
    answers["passphrase"] = ADMIN
    page.make_key()
    qtbot.waitUntil(lambda: bool(answers["infos"]), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: page.state["fingerprint"] is not None, timeout=TIMEOUT)
    answers["file"] = tmp_path / "c.card"
    page.save_card()
    qtbot.waitUntil(lambda: (tmp_path / "c.card").exists(), timeout=TIMEOUT)
    other = make_node(tmp_path, "city", "CITY", "乙市纪委监委")
    from desktop_app.exchange.offices import write_card
    write_card(other.s, tmp_path / "city.card")
    answers["file"], answers["yes"] = tmp_path / "city.card", [True, True]
    page.trust_card()
    qtbot.waitUntil(lambda: page.offices.rowCount() == 1, timeout=TIMEOUT)
    assert page.offices.item(0, 2).text() == "上级单位"
    other.close()


@pytest.fixture
def clash(tmp_path, qapp):
    ws1 = make_node(tmp_path, "ws1", "CNTY-A", "甲县纪委监委")
    ws2 = make_node(tmp_path, "ws2", "CNTY-A", "甲县纪委监委", key_from=ws1)
    ids = county_records(ws1)
    ws2.import_(ws1.export("CNTY-A", tmp_path / "seed").packages[0])
    ws1.update("person", ids["person"], {"position": "镇长", "education": "大学"})
    ws2.update("person", ids["person"], {"position": "副镇长"})
    ws1.import_(ws2.export("CNTY-A", tmp_path / "x").packages[0])
    yield ws1, ws2, ids
    ws1.close()
    ws2.close()


def conflicts_page(qtbot, node) -> ConflictsPage:
    page = ConflictsPage(node.data_dir)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.current is not None, timeout=TIMEOUT)
    return page


def test_conflicts_page_shows_both_versions_and_composes(qtbot, clash):
    ws1, _, ids = clash
    page = conflicts_page(qtbot, ws1)
    assert page.list.rowCount() == 1 and page.list.item(0, 2).text() == "同时修改"
    rows = {page.fields.item(r, 0).text(): r for r in range(page.fields.rowCount())}
    position = rows["现职务"]
    assert {page.fields.item(position, 1).text(), page.fields.item(position, 2).text()} == \
        {"镇长", "副镇长"}
    assert page.fields.item(position, 0).background().color() == MARK
    assert page.fields.item(rows["姓名"], 0).background().color() != MARK
    picks = {page.fields.item(r, 0).text(): page.fields.cellWidget(r, 3)
             for r in range(page.fields.rowCount()) if page.fields.cellWidget(r, 3)}
    assert set(picks) == {"现职务", "学历"}
    picks["现职务"].setCurrentText("采用另一版本")
    loser_position = page.fields.item(position, 2).text()
    with qtbot.waitSignal(page.families_changed, timeout=TIMEOUT):
        page.compose()
    qtbot.waitUntil(lambda: page.list.rowCount() == 0, timeout=TIMEOUT)
    assert ws1.row("person", ids["person"])["position"] == loser_position
    page.show_resolved.setChecked(True)
    qtbot.waitUntil(lambda: page.list.rowCount() == 1, timeout=TIMEOUT)
    assert page.list.item(0, 4).text().startswith("已处理")
    assert not page.keep_button.isEnabled()


def test_conflicts_of_another_office_are_read_only(qtbot, clash, tmp_path):
    ws1, _, _ = clash
    city = make_node(tmp_path, "city", "CITY", "乙市纪委监委")
    trust(ws1, city)
    city.import_(ws1.export(city, tmp_path / "up").packages[0])
    page = conflicts_page(qtbot, city)
    assert not page.keep_button.isEnabled() and "只能查看" in page.hint.text()
    assert not any(page.fields.cellWidget(r, 3) for r in range(page.fields.rowCount()))
    city.close()
