"""The cases of exchange.md §4.A above the package layer: 4 (imported twice, renamed
copy), 5 (old package replayed), 14 (authorisation), 15 (broken references,
duplicate ids), 18 (crash mid-import), 20 (split packages in any order).  Each ends in
a clear refusal or a no-op, and the database as it was."""
import shutil
import uuid

import pytest

from desktop_app.exchange import apply, importer, ledger, vectors
from desktop_app.exchange.archive import ArchiveWriter
from desktop_app.exchange.importer import ImportRefused
from desktop_app.exchange.ledger import AlreadyImported
from desktop_app.exchange.package import write_package
from desktop_app.exchange.rows import to_wire
from desktop_app.exchange.wire import APP_VERSION, SCHEMA_VERSION
from desktop_app.services.attachments import add_attachment
from desktop_app.errors import UserFacingError
from sync_kit import FAST, PASS, county_records, make_node, synced_digest, trust


@pytest.fixture
def pair(tmp_path):
    county = make_node(tmp_path, "county", "CNTY-A", "甲县纪委监委")
    city = make_node(tmp_path, "city", "CITY", "乙市纪委监委")
    trust(county, city)
    ids = county_records(county)
    yield county, city, ids, tmp_path
    county.close()
    city.close()


def forge(sender, recipient: str, tables: dict, out, *, seq: int = 9):
    """A package signed by ``sender`` holding exactly ``tables`` (wire rows): what a
    buggy or hostile but trusted office could send."""
    zip_path = out.with_suffix(".zip")
    with ArchiveWriter(zip_path) as writer:
        for table, rows in tables.items():
            writer.add_jsonl(table, rows)
        writer.add_acks({})
        writer.finish({"schema_version": SCHEMA_VERSION, "kind": "delta",
                       "sender_node": sender.s.instance, "sender_knowledge": {},
                       "coverage_digest": None,
                       "split": {"group": str(uuid.uuid4()), "part": 1, "parts": 1}})
    header = {"schema_version": SCHEMA_VERSION, "app_version": APP_VERSION,
              "sender": sender.code, "recipient": recipient, "seq": seq, "kind": "delta",
              "scope": [sender.code], "base_vector": {}}
    return write_package(out, header, zip_path, sender.key, PASS, kdf_cost=FAST).path


def wire(node, table, rid, **changes):
    row = to_wire(table, node.s.conn.execute(f"SELECT * FROM {table} WHERE id = ?",
                                            (rid,)).fetchone())
    row.update(changes)
    return row


def bumped(node, row, **changes):
    """``row`` edited by ``node``'s instance: a new version with a higher counter."""
    counter = max(row["_vv"].values()) + 100
    return dict(row, **changes, _origin=node.s.instance, _counter=counter,
                _vv=vectors.merge(row["_vv"], {node.s.instance: counter}))


# ------------------------------------------------------------------ 4, 5

def test_4_same_package_twice_or_renamed_is_a_no_op(pair):
    county, city, _, tmp = pair
    pkg = county.export(city, tmp / "drive").packages[0]
    city.import_(pkg)
    before = city.digest()
    with pytest.raises(AlreadyImported, match="已于 .* 导入"):
        city.import_(pkg)
    renamed = tmp / "drive" / "copy-of-package.tzx"
    shutil.copyfile(pkg, renamed)
    with pytest.raises(AlreadyImported):
        city.import_(renamed, dry_run=True)
    assert city.digest() == before


def test_own_package_is_not_imported_back(pair):
    county, _, _, tmp = pair
    pkg = county.export("CNTY-A", tmp / "self").packages[0]
    before = county.digest()
    with pytest.raises(UserFacingError, match="本工作站自己导出"):
        county.import_(pkg)
    assert county.digest() == before


def test_5_old_package_replayed_rolls_nothing_back(pair):
    county, city, ids, tmp = pair
    county.update("unit", ids["unit"], {"short_name": "第一版"})
    old = county.export(city, tmp / "d1").packages[0]
    county.update("unit", ids["unit"], {"short_name": "第二版"})
    new = county.export(city, tmp / "d2").packages[0]
    city.import_(new)
    before = synced_digest(city.s.conn)
    summary = city.import_(old)
    assert summary["updated"] == 0 and summary["unchanged"] == 3
    assert any("低于此前" in w for w in summary["warnings"])
    assert city.row("unit", ids["unit"])["short_name"] == "第二版"
    assert synced_digest(city.s.conn) == before


# ------------------------------------------------------------------ 14, 15

def _refused(city, path, *needles):
    before = city.digest()
    with pytest.raises(ImportRefused) as err:
        city.import_(path)
    for needle in needles:
        assert needle in str(err.value) or any(
            needle in r["reason"] or needle == r["id"] for r in err.value.summary["rejections"])
    assert city.digest() == before
    return err.value


def test_14_county_may_not_edit_a_city_template(pair):
    county, city, _, tmp = pair
    tpl = city.create("resp_template", {"name": "主体责任清单", "year": 2026, "version": "v1",
                                        "subject": "党委"})
    county.import_(city.export(county, tmp / "down").packages[0])
    edited = bumped(county, wire(county, "resp_template", tpl.id), name="县里改过的清单")
    path = forge(county, "CITY", {"resp_template": [edited]}, tmp / "forged.tzx")
    err = _refused(city, path, "无权修改 CITY 的责任清单模板", tpl.id)
    assert err.summary["rejected"] == 1


def test_14_county_may_not_send_another_countys_records(pair):
    county, city, ids, tmp = pair
    foreign = wire(county, "unit", ids["unit"], id=str(uuid.uuid4()), owner_office="CNTY-B")
    path = forge(county, "CITY", {"unit": [foreign]}, tmp / "forged.tzx")
    _refused(city, path, "无权提供属于 CNTY-B 的单位记录", foreign["id"])


def test_14_a_record_cannot_change_office(pair):
    county, city, ids, tmp = pair
    city.import_(county.export(city, tmp / "up").packages[0])
    county.s.conn.execute("UPDATE unit SET owner_office = 'CITY' WHERE id = ?", (ids["unit"],))
    moved = bumped(county, wire(county, "unit", ids["unit"]))
    county.s.conn.execute("UPDATE unit SET owner_office = 'CNTY-A' WHERE id = ?", (ids["unit"],))
    path = forge(county, "CITY", {"unit": [dict(moved, owner_office="CNTY-A")]}, tmp / "ok.tzx")
    assert city.import_(path)["updated"] == 1
    hostile = dict(moved, owner_office="CNTY-A", _counter=moved["_counter"] + 1,
                   _vv={**moved["_vv"], county.s.instance: moved["_counter"] + 1})
    city.s.conn.execute("UPDATE unit SET owner_office = 'CNTY-Z' WHERE id = ?", (ids["unit"],))
    path = forge(county, "CITY", {"unit": [hostile]}, tmp / "moved.tzx", seq=10)
    _refused(city, path, "该记录属于 CNTY-Z")


def test_15_broken_reference_is_refused_with_a_report(pair):
    county, city, ids, tmp = pair
    orphan = wire(county, "talk", ids["talk"], id=str(uuid.uuid4()), ledger_no=None,
                  person_ids=f'["{uuid.uuid4()}"]')
    path = forge(county, "CITY", {"talk": [orphan]}, tmp / "orphan.tzx")
    _refused(city, path, "“谈话对象”引用的人员")


def test_15_malformed_and_duplicated_rows_are_refused(pair):
    county, city, ids, tmp = pair
    good = wire(county, "unit", ids["unit"])
    bad_type = dict(good, id=str(uuid.uuid4()), name=12345)
    secret = dict(good, id=str(uuid.uuid4()), sensitivity="秘密")
    extra = dict(good, id=str(uuid.uuid4()), hacked=1)
    path = forge(county, "CITY", {"unit": [good, good, bad_type, secret, extra]}, tmp / "x.tzx")
    err = _refused(city, path, "同一记录在数据包中出现两次", "字段“单位名称”类型不对或过长",
                   "敏感度不正确（本系统只允许“一般”“内部”）", "字段与本程序的数据结构不符")
    assert err.summary["rejected"] == 4


def test_15_dry_run_lists_rejections_without_writing(pair):
    county, city, ids, tmp = pair
    foreign = wire(county, "unit", ids["unit"], owner_office="CNTY-B")
    path = forge(county, "CITY", {"unit": [foreign]}, tmp / "forged.tzx")
    before = city.digest()
    prepared = importer.prepare_import(city.s, path, PASS)
    summary = prepared.summary()
    prepared.discard()
    assert summary["rejected"] == 1 and summary["rejections"][0]["id"] == ids["unit"]
    assert city.digest() == before


# ------------------------------------------------------------------ 18

class Boom(RuntimeError):
    pass


def _explode_after(monkeypatch, target, name, calls: int):
    original = getattr(target, name)
    count = {"n": 0}

    def wrapper(*args, **kw):
        count["n"] += 1
        if count["n"] > calls:
            raise Boom(f"injected failure in {name}")
        return original(*args, **kw)
    monkeypatch.setattr(target, name, wrapper)


@pytest.mark.parametrize("where", ["record", "commit", "attachment_move"])
def test_18_crash_mid_import_leaves_the_database_unchanged(pair, monkeypatch, where):
    county, city, ids, tmp = pair
    for i in range(3):
        scan = tmp / f"scan{i}.pdf"
        scan.write_bytes(bytes([i]) * 5000)
        add_attachment(county.s, "talk", ids["talk"], scan)
    pkg = county.export(city, tmp / "drive").packages[0]
    before = city.digest()
    if where == "record":
        _explode_after(monkeypatch, apply.Writer, "store", 4)
    elif where == "commit":
        _explode_after(monkeypatch, ledger, "record", 0)
    else:
        _explode_after(monkeypatch, importer, "move_blob", 1)
    with pytest.raises(Boom):
        city.import_(pkg)
    assert city.digest() == before
    assert not list((city.data_dir / "exchange" / "work").iterdir())
    monkeypatch.undo()
    summary = city.import_(pkg)
    assert summary["new"] == 6 and summary["attachments"] == 3


def test_18_cancel_during_apply_rolls_back(pair):
    from desktop_app.errors import Cancelled
    county, city, _, tmp = pair
    pkg = county.export(city, tmp / "drive").packages[0]
    prepared = importer.prepare_import(city.s, pkg, PASS)
    before = city.digest()
    with pytest.raises(Cancelled):
        importer.commit_import(city.s, prepared, cancel=lambda: True)
    assert city.digest() == before


# ------------------------------------------------------------------ 20

@pytest.fixture
def scans(pair):
    county, _, ids, tmp = pair
    for i in range(6):
        scan = tmp / f"scan{i}.pdf"
        scan.write_bytes(bytes([i + 1]) * 60_000 + uuid.uuid4().bytes)
        add_attachment(county.s, "talk", ids["talk"], scan)


def test_20_split_parts_import_in_any_order(pair, scans):
    county, city, _, tmp = pair
    result = county.export(city, tmp / "fat32", max_size=140_000)
    assert len(result.packages) >= 3 and result.attachments == 6
    assert all(p.stat().st_size <= 140_000 for p in result.packages)
    whole = county.export(city, tmp / "whole")
    twin = make_node(tmp, "twin", "CITY", "乙市纪委监委", key_from=city)
    trust(county, twin)
    twin.import_(whole.packages[0])
    for index, path in enumerate(reversed(result.packages)):
        city.import_(path)
        raised = "CNTY-A" in vectors.knowledge(city.s.conn, "CITY")
        assert raised == (index == len(result.packages) - 1)   # only once all are in
    assert synced_digest(city.s.conn) == synced_digest(twin.s.conn)
    twin.close()


def test_20_each_part_stands_alone(pair, scans):
    county, city, ids, tmp = pair
    result = county.export(city, tmp / "fat32", max_size=140_000)
    summary = city.import_(result.packages[-1])        # an attachment part only
    assert summary["new"] >= 1 and summary["rejected"] == 0


def test_20_a_file_too_big_for_any_part_is_refused(pair, scans):
    county, city, _, tmp = pair
    before = county.digest()
    with pytest.raises(UserFacingError, match="超过目标U盘单个文件的上限"):
        county.export(city, tmp / "tiny", max_size=50_000)
    assert county.digest() == before
    assert not list((tmp / "tiny").glob("*.tzx*"))
