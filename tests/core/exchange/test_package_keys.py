"""Office keys, office cards, fingerprints and passphrase normalisation (exchange.md §3.7)."""
import base64
import json
import re
import unicodedata

import pytest

from desktop_app.errors import UserFacingError
from desktop_app.exchange.errors import KeyMaterialError
from desktop_app.exchange.keys import (
    OfficeCard, fingerprint, generate_office_key, load_private_key, load_private_key_file,
    normalize_passphrase, private_key_to_pem, public_key_raw, save_private_key)
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key

ADMIN = "管理员口令Café"


def test_private_key_round_trip_through_encrypted_pkcs8(tmp_path, county_key):
    pem = private_key_to_pem(county_key, ADMIN)
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    loaded = load_private_key(pem, ADMIN)
    assert public_key_raw(loaded) == public_key_raw(county_key)
    path = tmp_path / "office.key"
    save_private_key(path, county_key, ADMIN)
    assert path.stat().st_mode & 0o777 == 0o600
    assert public_key_raw(load_private_key_file(path, ADMIN)) == public_key_raw(county_key)


def test_admin_passphrase_is_normalised_to_nfc(county_key):
    pem = private_key_to_pem(county_key, unicodedata.normalize("NFD", ADMIN))
    assert load_private_key(pem, unicodedata.normalize("NFC", ADMIN))


@pytest.mark.parametrize("wrong", ["", "管理员口令", ADMIN + " "])
def test_wrong_admin_passphrase_gives_a_chinese_error(county_key, wrong):
    pem = private_key_to_pem(county_key, ADMIN)
    with pytest.raises(KeyMaterialError) as info:
        load_private_key(pem, wrong)
    assert isinstance(info.value, UserFacingError)
    assert re.search(r"[\u4e00-\u9fff]", str(info.value))


def test_empty_admin_passphrase_refused_when_saving(county_key):
    with pytest.raises(KeyMaterialError):
        private_key_to_pem(county_key, "")


def test_unencrypted_or_foreign_keys_are_refused(county_key):
    plain = county_key.private_bytes(serialization.Encoding.PEM,
                                     serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
    with pytest.raises(KeyMaterialError, match="未加密"):
        load_private_key(plain, ADMIN)
    ec = generate_private_key(SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(ADMIN.encode()))
    with pytest.raises(KeyMaterialError, match="Ed25519"):
        load_private_key(ec, ADMIN)


def test_fingerprint_is_six_groups_of_four_digits_and_stable(county_key, other_key):
    fp = fingerprint(county_key.public_key())
    assert re.fullmatch(r"\d{4}(-\d{4}){5}", fp)
    assert fp == fingerprint(county_key) == fingerprint(county_key.public_key())
    assert fp != fingerprint(other_key)


def test_passphrase_normalisation():
    assert normalize_passphrase("e\u0301") == normalize_passphrase("\u00e9") == "é".encode()


def test_office_card_round_trip(tmp_path, county_key):
    card = OfficeCard.for_key("CNTY-07", "某某县纪委监委", county_key)
    path = tmp_path / "card.json"
    card.save(path)
    loaded = OfficeCard.load(path)
    assert loaded == card
    assert loaded.fingerprint == fingerprint(county_key)
    assert public_key_raw(loaded.public()) == public_key_raw(county_key)


def _card_json(county_key, **changes):
    obj = json.loads(OfficeCard.for_key("CNTY-07", "某某县纪委监委", county_key).to_json())
    obj.update(changes)
    return json.dumps(obj, ensure_ascii=False).encode()


@pytest.mark.parametrize("changes", [
    {"office_code": "cnty-07"},
    {"office_code": "-CNTY"},
    {"office_code": "C"},
    {"office_code": "A" * 33},
    {"office_code": "CNTY 07"},
    {"office_name": ""},
    {"office_name": "县" * 65},
    {"office_name": "某县\n纪委"},
    {"public_key": base64.b64encode(b"\x01" * 31).decode()},
    {"public_key": base64.b64encode(b"\x01" * 33).decode()},
    {"public_key": "not base64!!"},
    {"created": "2026-02-30T00:00:00Z"},
    {"created": "yesterday"},
    {"fingerprint": "0000-0000-0000-0000-0000-0000"},
    {"format": "something-else"},
    {"version": 2},
    {"extra": 1},
])
def test_office_card_validation_is_strict(county_key, changes):
    with pytest.raises(KeyMaterialError, match="单位名片"):
        OfficeCard.from_json(_card_json(county_key, **changes))


def test_office_card_rejects_oversized_nested_and_non_json(county_key):
    for data in (b"{" + b" " * 5000 + b"}", b"[[[[[]]]]]", b"\xff\xfe", b"{}"):
        with pytest.raises(KeyMaterialError):
            OfficeCard.from_json(data)
