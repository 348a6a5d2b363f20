"""Offices and keys in the database: the signing key made once and locked with the
admin passphrase, adopted by a second workstation, office cards, the deliberate trust
step, and refusals before any passphrase is asked."""
import unicodedata

import pytest

from desktop_app.errors import UserFacingError
from desktop_app.exchange import offices
from desktop_app.exchange.errors import KeyMaterialError, PackageRejected
from desktop_app.exchange.importer import prepare_import
from desktop_app.exchange.keys import OfficeCard
from sync_kit import ADMIN, PASS, county_records, make_node, trust


@pytest.fixture
def county(tmp_path):
    node = make_node(tmp_path, "county", "CNTY-A", "甲县纪委监委")
    yield node
    node.close()


def test_key_is_made_once_and_locked_with_the_admin_passphrase(county):
    path = offices.key_path(county.data_dir)
    assert b"ENCRYPTED PRIVATE KEY" in path.read_bytes()
    with pytest.raises(UserFacingError, match="已有签名密钥"):
        offices.setup_office_key(county.s, ADMIN)
    with pytest.raises(KeyMaterialError, match="管理员口令不正确"):
        offices.load_signing_key(county.s, "不对的口令")
    old = offices.own_card(county.s).fingerprint
    new = offices.setup_office_key(county.s, ADMIN, replace=True)
    assert new != old and offices.own_card(county.s).fingerprint == new
    actions = [r[0] for r in county.s.conn.execute("SELECT action FROM audit_log")]
    assert actions.count("生成单位密钥") == 2


def test_second_workstation_adopts_the_office_key(county, tmp_path):
    ws2 = make_node(tmp_path, "ws2", "CNTY-A", "甲县纪委监委", key_from=county)
    assert offices.own_card(ws2.s).fingerprint == offices.own_card(county.s).fingerprint
    ws2.close()


def test_card_and_trust(county, tmp_path):
    city = make_node(tmp_path, "city", "CITY", "乙市纪委监委")
    card = offices.write_card(county.s, tmp_path / "county.card")
    assert OfficeCard.load(tmp_path / "county.card") == card
    with pytest.raises(UserFacingError, match="本单位自己的名片"):
        offices.trust_office(county.s, tmp_path / "county.card")
    trusted = offices.trust_office(city.s, tmp_path / "county.card", "lower")
    assert trusted.fingerprint == card.fingerprint
    row = city.s.conn.execute("SELECT name, trusted_at, parent_code FROM office WHERE code = ?",
                              ("CNTY-A",)).fetchone()
    assert row["name"] == "甲县纪委监委" and row["trusted_at"] and row["parent_code"] == "CITY"
    listed = offices.list_offices(city.s.conn)
    assert [(o.code, o.relation) for o in listed] == [("CNTY-A", "下级单位")]
    assert city.s.conn.execute("SELECT count(*) FROM audit_log WHERE action = '信任单位'"
                               ).fetchone()[0] == 1
    # A card with another key for the same office needs the explicit --replace.
    offices.setup_office_key(county.s, ADMIN, replace=True)
    offices.write_card(county.s, tmp_path / "county2.card")
    with pytest.raises(UserFacingError, match="另一把密钥"):
        offices.trust_office(city.s, tmp_path / "county2.card", "lower")
    offices.trust_office(city.s, tmp_path / "county2.card", "lower", replace=True)
    city.close()


def test_untrusted_sender_is_refused_before_the_passphrase(county, tmp_path):
    city = make_node(tmp_path, "city", "CITY", "乙市纪委监委")
    trust(county, city)
    county_records(county)
    pkg = county.export(city, tmp_path / "drive").packages[0]
    stranger = make_node(tmp_path, "stranger", "CITY", "乙市纪委监委")
    asked = []
    before = stranger.digest()
    with pytest.raises(PackageRejected) as err:
        prepare_import(stranger.s, pkg, lambda: asked.append(1) or PASS)
    assert err.value.reason == "untrusted_sender" and asked == []
    assert stranger.digest() == before
    with pytest.raises(UserFacingError, match="尚未登记为可信单位"):
        stranger.export("CNTY-B", tmp_path / "x")
    for node in (city, stranger):
        node.close()


def test_passphrase_files(tmp_path):
    f = tmp_path / "p.txt"
    decomposed = unicodedata.normalize("NFD", "口令é")
    for raw, expected in ((f"{decomposed}\n", "口令é"), ("pass\r\n", "pass"),
                          ("\ufeffpass", "pass"), ("two\nlines\n", "two\nlines")):
        f.write_bytes(raw.encode("utf-8"))
        assert offices.read_passphrase_file(f) == expected
    f.write_bytes(b"\n")
    with pytest.raises(UserFacingError, match="是空的"):
        offices.read_passphrase_file(f)
    f.write_bytes(b"\xff\xfe")
    with pytest.raises(UserFacingError, match="不是 UTF-8"):
        offices.read_passphrase_file(f)
    with pytest.raises(UserFacingError, match="无法读取"):
        offices.read_passphrase_file(tmp_path / "missing.txt")
