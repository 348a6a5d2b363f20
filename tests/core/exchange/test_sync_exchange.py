"""Export and import end to end between a county and its city: counts, dry run,
backups, receipts and acks, attachments, templates and holiday tables flowing down,
and "export never changes what we believe the peer holds"."""
import json

import pytest

from desktop_app.exchange import vectors
from desktop_app.exchange.importer import prepare_import
from desktop_app.exchange.media import list_packages
from desktop_app.services.attachments import add_attachment, blob_path
from sync_kit import PASS, county_records, make_node, trust


@pytest.fixture
def offices_(tmp_path):
    county = make_node(tmp_path, "county", "CNTY-A", "甲县纪委监委")
    city = make_node(tmp_path, "city", "CITY", "乙市纪委监委")
    trust(county, city)
    yield county, city
    county.close()
    city.close()


def test_records_arrive_and_receipt_trims_next_export(offices_, tmp_path):
    county, city = offices_
    ids = county_records(county)
    drive = tmp_path / "drive"
    first = county.export(city, drive)
    assert first.records == 3 and first.kind == "delta"
    summary = city.import_(first.packages[0])
    assert (summary["new"], summary["updated"], summary["conflicts"], summary["rejected"]) == (3, 0, 0, 0)
    assert city.row("talk", ids["talk"])["owner_office"] == "CNTY-A"
    receipt = summary["receipt"]
    assert receipt and receipt.endswith(".tzr") and (drive / receipt.split("/")[-1]).exists()
    # Before the receipt, the next export repeats everything (cumulative, R4) ...
    assert county.export(city, tmp_path / "d2").records == 3
    county.import_(receipt)
    # ... after it, only what changed.
    county.update("unit", ids["unit"], {"short_name": "城关"})
    again = county.export(city, tmp_path / "d3")
    assert again.records == 1
    summary = city.import_(again.packages[0])
    assert (summary["new"], summary["updated"]) == (0, 1)
    assert city.row("unit", ids["unit"])["short_name"] == "城关"


def test_dry_run_changes_nothing_and_lists_what_would_happen(offices_, tmp_path):
    county, city = offices_
    county_records(county)
    pkg = county.export(city, tmp_path / "drive").packages[0]
    before = city.digest()
    summary = city.import_(pkg, dry_run=True)
    assert summary["new"] == 3 and summary["applied"] is False
    assert city.digest() == before
    assert not list((city.data_dir / "exchange" / "work").iterdir())


def test_commit_backs_up_writes_report_and_audits(offices_, tmp_path):
    county, city = offices_
    county_records(county)
    pkg = county.export(city, tmp_path / "drive").packages[0]
    summary = city.import_(pkg)
    backup = city.data_dir / "backups" / f"pre-import-{summary['package_id']}.db"
    assert backup.exists() and summary["backup"] == str(backup)
    report = (city.data_dir / "exchange" / "reports" / f"{summary['package_id']}.html")
    assert "数据包导入报告" in report.read_text(encoding="utf-8")
    actions = [r[0] for r in city.s.conn.execute("SELECT action FROM audit_log")]
    assert actions.count("导入") == 3 and "导入数据包" in actions
    from desktop_app.store.audit import verify
    assert verify(city.s.conn) == []
    ledger = city.s.conn.execute("SELECT sender, seq, kind FROM imported_package").fetchall()
    assert [tuple(r) for r in ledger] == [("CNTY-A", 1, "delta")]


def test_export_never_changes_peer_knowledge(offices_, tmp_path):
    county, city = offices_
    county_records(county)
    city.import_(county.export(city, tmp_path / "d1").packages[0])
    county.import_(next((tmp_path / "d1").glob("*.tzr")))
    snapshot = county.s.conn.execute("SELECT * FROM peer_knowledge ORDER BY 1, 2, 3").fetchall()
    county.update("unit", county.s.conn.execute("SELECT id FROM unit").fetchone()[0],
                  {"short_name": "改"})
    county.export(city, tmp_path / "d2")
    county.export(city, tmp_path / "d3", full=True)
    assert county.s.conn.execute("SELECT * FROM peer_knowledge ORDER BY 1, 2, 3").fetchall() == snapshot
    log = county.s.conn.execute("SELECT seq, kind FROM export_log WHERE kind != 'receipt'"
                                " ORDER BY seq").fetchall()
    assert [tuple(r) for r in log] == [(1, "delta"), (2, "delta"), (3, "full")]


def test_attachments_travel_with_their_rows(offices_, tmp_path):
    county, city = offices_
    ids = county_records(county)
    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4 " + bytes(range(256)) * 40)
    att = add_attachment(county.s, "talk", ids["talk"], scan).record
    result = county.export(city, tmp_path / "drive")
    assert result.attachments == 1
    city.import_(result.packages[0])
    sha = city.row("attachment", att.id)["sha256"]
    assert blob_path(city.s, sha).read_bytes() == scan.read_bytes()


def test_templates_and_holidays_flow_down_with_the_countys_own_records(offices_, tmp_path):
    county, city = offices_
    ids = county_records(county)
    city.import_(county.export(city, tmp_path / "up").packages[0])
    tpl = city.create("resp_template", {"name": "党委主体责任清单", "year": 2026, "version": "v1",
                                        "subject": "党委"})
    from desktop_app.domain.vocab import RESOURCES
    from desktop_app.services.office import set_setting
    raw = json.loads((RESOURCES / "holidays" / "2026.json").read_text(encoding="utf-8"))
    raw["notice"] = "市纪委转发：" + raw["notice"][:40]
    set_setting(city.s, "holidays:2026", json.dumps(raw, ensure_ascii=False))
    down = city.export(county, tmp_path / "down")
    summary = county.import_(down.packages[0])
    assert county.row("resp_template", tpl.id)["owner_office"] == "CITY"
    stored = county.s.conn.execute("SELECT value FROM setting WHERE key = ?",
                                   ("holidays:2026",)).fetchone()[0]
    assert json.loads(stored)["notice"].startswith("市纪委转发")
    # The county's own records came back unchanged (it holds them already).
    assert summary["by_table"].get("talk", {}).get("new", 0) == 0
    assert county.row("talk", ids["talk"])["owner_office"] == "CNTY-A"
    # County records are read-only at the city: only the owner edits them (R9).
    from desktop_app.errors import UserFacingError
    with pytest.raises(UserFacingError, match="只能查看"):
        city.update("unit", ids["unit"], {"short_name": "市改"})


def test_listing_shows_packages_and_receipts_not_partials(offices_, tmp_path):
    county, city = offices_
    county_records(county)
    drive = tmp_path / "drive"
    pkg = county.export(city, drive).packages[0]
    (drive / (pkg.name + ".partial")).write_bytes(b"half")
    city.import_(pkg)
    names = sorted(f.path.suffix for f in list_packages(drive))
    assert names == [".tzr", ".tzx"]


def test_unknown_or_wrong_passphrase_is_refused_before_any_write(offices_, tmp_path):
    county, city = offices_
    county_records(county)
    pkg = county.export(city, tmp_path / "drive").packages[0]
    before = city.digest()
    from desktop_app.exchange.errors import PackageRejected
    with pytest.raises(PackageRejected) as err:
        prepare_import(city.s, pkg, PASS + "x")
    assert err.value.reason == "wrong_passphrase_or_corrupt"
    assert city.digest() == before
    assert not list((city.data_dir / "exchange" / "work").iterdir())


def test_knowledge_raised_only_for_the_senders_partition(offices_, tmp_path):
    county, city = offices_
    county_records(county)
    city.import_(county.export(city, tmp_path / "drive").packages[0])
    known = vectors.knowledge(city.s.conn, "CITY")
    assert set(known) == {"CNTY-A"}          # the city has written nothing yet
    assert known["CNTY-A"] == vectors.knowledge(county.s.conn, "CNTY-A")["CNTY-A"]
