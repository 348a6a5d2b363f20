"""Envelope, signature, STREAM and KDF: exchange.md §4.A cases 1, 2, 3, 6, 7, 11, 12."""
import hashlib
import io
import json
import os
import random
import unicodedata

import pytest

from desktop_app.errors import Cancelled
from desktop_app.exchange import envelope, package
from desktop_app.exchange.errors import KeyMaterialError, MediaError, PackageRejected
from desktop_app.exchange.keys import fingerprint
from desktop_app.exchange.limits import CHUNK_CIPHER, CHUNK_PLAIN, HEADER_MAX
from desktop_app.exchange.package import verify_and_decrypt, write_package
from exchange_testkit import (FAST_KDF, PASS, Provider, app_header, forge, make_package,
                              split_package)

PLAIN = os.urandom(3 * CHUNK_PLAIN + 1234)     # four chunks, the last one short


def verify(path, trusted, provider=None, *, me="CITY", known_schema=3, **kw):
    out = io.BytesIO()
    provider = provider or Provider()
    header = verify_and_decrypt(path, trusted=trusted, me=me, passphrase_provider=provider,
                                out_plain=out, known_schema=known_schema, **kw)
    return header, out.getvalue()


def rejected(path, trusted, *, reason=None, **kw) -> PackageRejected:
    provider = kw.pop("provider", None) or Provider()
    with pytest.raises(PackageRejected) as info:
        verify(path, trusted, provider, **kw)
    if reason is not None:
        assert info.value.reason == reason, info.value
    return info.value


@pytest.fixture
def pkg(tmp_path, county_key):
    return make_package(tmp_path / "p.tzx", county_key, PLAIN).path


# ---------------------------------------------------------------- round trips

@pytest.mark.parametrize("size", [0, 1, CHUNK_PLAIN - 1, CHUNK_PLAIN, CHUNK_PLAIN + 1,
                                  2 * CHUNK_PLAIN])
def test_round_trip_at_chunk_edges(tmp_path, county_key, trusted, size):
    plain = os.urandom(size)
    info = make_package(tmp_path / "p.tzx", county_key, plain)
    header, out = verify(info.path, trusted)
    assert out == plain
    assert header["plain_len"] == size and header["package_id"] == info.package_id
    assert info.size == info.path.stat().st_size
    assert not list(tmp_path.glob("*.partial"))


def test_layout_matches_exchange_md(pkg, county_key):
    data = pkg.read_bytes()
    assert data[:8] == b"TZPKG\x00\x01\n"
    header_len = int.from_bytes(data[8:12], "big")
    header_bytes = data[12:12 + header_len]
    header = json.loads(header_bytes)
    assert header_bytes == json.dumps(header, sort_keys=True, separators=(",", ":"),
                                      ensure_ascii=False).encode()
    signature = data[12 + header_len:12 + header_len + 64]
    county_key.public_key().verify(signature, data[:12 + header_len])
    assert len(data) - 12 - header_len - 64 == header["payload_len"]
    for name in ("format", "schema_version", "app_version", "capabilities", "package_id",
                 "sender", "recipient", "seq", "created_utc", "kind", "scope",
                 "base_vector", "kdf", "aead", "nonce_prefix", "plain_len", "aad_sha256",
                 "payload_len", "payload_sha256", "sender_key_id"):
        assert name in header
    assert header["sender_key_id"] == fingerprint(county_key)
    assert header["kdf"]["alg"] == "argon2id"


def test_read_header_needs_no_key(pkg):
    header, raw = envelope.read_header(pkg)
    assert header["sender"] == "CNTY-07"
    assert raw.payload_offset + header["payload_len"] == raw.file_size


def test_file_source_and_path_source(tmp_path, county_key, trusted):
    src = tmp_path / "plain.zip"
    src.write_bytes(PLAIN)
    info = write_package(tmp_path / "a.tzx", app_header(), src, county_key, PASS,
                         kdf_cost=FAST_KDF)
    assert verify(info.path, trusted)[1] == PLAIN
    with open(src, "rb") as fh:
        info = write_package(tmp_path / "b.tzx", app_header(), fh, county_key, PASS,
                             kdf_cost=FAST_KDF)
    assert verify(info.path, trusted)[1] == PLAIN


def test_default_kdf_cost_round_trip_and_within_reader_bounds(tmp_path, county_key, trusted):
    info = write_package(tmp_path / "p.tzx", app_header(), io.BytesIO(b"abc"), county_key,
                         PASS)
    assert info.header["kdf"]["m"] == 128 * 1024
    assert verify(info.path, trusted)[1] == b"abc"


def test_progress_and_cancel(tmp_path, county_key, trusted):
    seen = []
    info = write_package(tmp_path / "p.tzx", app_header(), io.BytesIO(PLAIN), county_key,
                         PASS, kdf_cost=FAST_KDF, progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] == info.header["payload_len"]
    with pytest.raises(Cancelled):
        write_package(tmp_path / "q.tzx", app_header(), io.BytesIO(PLAIN), county_key, PASS,
                      kdf_cost=FAST_KDF, cancel=lambda: True)
    assert not (tmp_path / "q.tzx").exists() and not list(tmp_path.glob("*.partial"))
    with pytest.raises(Cancelled):
        verify(info.path, trusted, cancel=lambda: True)


def test_writer_refuses_bad_app_headers(tmp_path, county_key):
    for bad in ({"kind": "everything"}, {"sender": "bad code"}, {"seq": -1},
                {"payload_sha256": "0" * 64}, {"schema_version": "3"}):
        with pytest.raises(ValueError):
            make_package(tmp_path / "p.tzx", county_key, b"x", **bad)
    with pytest.raises(KeyMaterialError):
        make_package(tmp_path / "p.tzx", county_key, b"x", passphrase="")
    assert not list(tmp_path.iterdir())


def test_disk_full_while_writing_leaves_nothing(tmp_path, county_key, monkeypatch):
    def full(*args, **kwargs):
        args[4].write(b"x" * 1000)
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(package, "encrypt_stream", full)
    with pytest.raises(MediaError) as info:
        make_package(tmp_path / "p.tzx", county_key, PLAIN)
    assert info.value.reason == "disk_full" and "空间不足" in str(info.value)
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------- case 1: truncation

def _truncation_points(data: bytes) -> dict[str, int]:
    header_len = int.from_bytes(data[8:12], "big")
    payload = 12 + header_len + 64
    return {"empty": 0, "inside magic": 3, "inside header_len": 10,
            "inside header": 12 + header_len // 2, "inside signature": 12 + header_len + 30,
            "no payload": payload, "mid chunk": payload + CHUNK_CIPHER + 500,
            "final chunk missing": payload + 3 * CHUNK_CIPHER,
            "last byte": len(data) - 1}


@pytest.mark.parametrize("where", ["empty", "inside magic", "inside header_len",
                                   "inside header", "inside signature", "no payload",
                                   "mid chunk", "final chunk missing", "last byte"])
def test_truncated_anywhere_is_rejected_before_the_passphrase(pkg, trusted, where):
    data = pkg.read_bytes()
    pkg.write_bytes(data[:_truncation_points(data)[where]])
    provider = Provider()
    error = rejected(pkg, trusted, provider=provider, reason="truncated")
    assert "截断" in str(error) or "不完整" in str(error)
    assert provider.calls == 0


# ---------------------------------------------------------------- case 2: bit flips

def _flip(path, offset, bit=0):
    data = bytearray(path.read_bytes())
    data[offset] ^= 1 << bit
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("region,reason", [
    ("magic", "bad_magic"), ("major", "format_unsupported"), ("header_len", None),
    ("header", None), ("signature", "bad_signature"), ("chunk0", "payload_mismatch"),
    ("chunk2", "payload_mismatch"), ("last_tag", "payload_mismatch")])
def test_one_flipped_bit_per_region_is_rejected(pkg, trusted, region, reason):
    data = pkg.read_bytes()
    header_len = int.from_bytes(data[8:12], "big")
    payload = 12 + header_len + 64
    offset = {"magic": 2, "major": 6, "header_len": 10, "header": 12 + header_len // 3,
              "signature": 12 + header_len + 5, "chunk0": payload + 100,
              "chunk2": payload + 2 * CHUNK_CIPHER + 7, "last_tag": len(data) - 3}[region]
    _flip(pkg, offset)
    provider = Provider()
    rejected(pkg, trusted, provider=provider, reason=reason)
    assert provider.calls == 0


def test_fuzz_random_bit_flips(tmp_path, county_key, trusted):
    """250 seeded random single-bit flips anywhere: every one rejected, none prompts."""
    original = make_package(tmp_path / "p.tzx", county_key, PLAIN[:150_000]).path.read_bytes()
    rng = random.Random(20260307)
    target = tmp_path / "f.tzx"
    for _ in range(250):
        data = bytearray(original)
        offset = rng.randrange(len(data))
        data[offset] ^= 1 << rng.randrange(8)
        target.write_bytes(bytes(data))
        provider = Provider()
        with pytest.raises(PackageRejected):
            verify(target, trusted, provider)
        assert provider.calls == 0, offset


def test_tampered_payload_resigned_by_sender_fails_authentication(tmp_path, county_key,
                                                                   trusted):
    """Even with a valid signature over a matching payload hash, AES-GCM catches it."""
    src = make_package(tmp_path / "p.tzx", county_key, PLAIN).path
    header, payload = split_package(src.read_bytes())
    payload = bytearray(payload)
    payload[CHUNK_CIPHER + 9] ^= 0x40
    data = src.read_bytes()
    src.write_bytes(data[:len(data) - len(payload)] + payload)
    forge(src, src, county_key,
          lambda h: h.update(payload_sha256=hashlib.sha256(payload).hexdigest()))
    rejected(src, trusted, reason="wrong_passphrase_or_corrupt")


# ---------------------------------------------------------------- case 3: passphrases

@pytest.mark.parametrize("wrong", ["交换口令-2025", "", " " + PASS])
def test_wrong_or_empty_passphrase(pkg, trusted, wrong):
    error = rejected(pkg, trusted, provider=Provider(wrong),
                     reason="wrong_passphrase_or_corrupt")
    assert "口令错误" in str(error)


def test_nfc_and_nfd_passphrases_are_the_same(tmp_path, county_key, trusted):
    phrase = "Café-交换-Ǻ"
    info = make_package(tmp_path / "p.tzx", county_key, b"data",
                        passphrase=unicodedata.normalize("NFD", phrase))
    assert unicodedata.normalize("NFD", phrase) != unicodedata.normalize("NFC", phrase)
    header, out = verify(info.path, trusted, Provider(unicodedata.normalize("NFC", phrase)))
    assert out == b"data"


def test_cancelled_passphrase_prompt(pkg, trusted):
    with pytest.raises(Cancelled):
        verify(pkg, trusted, Provider(None))


# ---------------------------------------------------------------- case 6: trust

def test_unknown_office_rejected_before_prompt(pkg, other_key):
    provider = Provider()
    rejected(pkg, {"CNTY-08": other_key.public_key()}, provider=provider,
             reason="untrusted_sender")
    assert provider.calls == 0


def test_known_name_other_key_rejected_before_prompt(pkg, other_key):
    provider = Provider()
    rejected(pkg, {"CNTY-07": other_key.public_key()}, provider=provider,
             reason="sender_key_mismatch")
    assert provider.calls == 0


def test_impostor_claiming_registered_key_id_fails_signature(tmp_path, county_key,
                                                             other_key, trusted):
    """An impostor signs with its own key but names the registered key id."""
    src = make_package(tmp_path / "p.tzx", other_key, PLAIN).path
    forge(src, src, other_key, lambda h: h.update(sender_key_id=fingerprint(county_key)))
    provider = Provider()
    rejected(src, trusted, provider=provider, reason="bad_signature")
    assert provider.calls == 0


def test_wrong_recipient_rejected_before_prompt(pkg, trusted):
    provider = Provider()
    rejected(pkg, trusted, provider=provider, me="CNTY-03", reason="wrong_recipient")
    assert provider.calls == 0


def test_trusted_may_be_a_lookup_callable(pkg, county_key):
    asked = []

    def lookup(office, key_id):
        asked.append((office, key_id))
        return county_key.public_key() if office == "CNTY-07" else None
    assert verify(pkg, lookup)[1] == PLAIN
    assert asked == [("CNTY-07", fingerprint(county_key))]
    provider = Provider()
    rejected(pkg, lambda office, key_id: None, provider=provider, reason="untrusted_sender")
    assert provider.calls == 0


# ---------------------------------------------------------------- case 7: versions

def test_schema_too_new_without_min_reader(tmp_path, county_key, trusted):
    info = make_package(tmp_path / "p.tzx", county_key, b"x", schema_version=5)
    provider = Provider()
    error = rejected(info.path, trusted, provider=provider, reason="schema_too_new")
    assert "升级" in str(error) and provider.calls == 0


def test_schema_newer_but_readable_by_min_reader(tmp_path, county_key, trusted):
    info = make_package(tmp_path / "p.tzx", county_key, b"x", schema_version=5,
                        min_reader_schema=2)
    assert verify(info.path, trusted)[1] == b"x"
    info = make_package(tmp_path / "q.tzx", county_key, b"x", schema_version=5,
                        min_reader_schema=4)
    rejected(info.path, trusted, reason="schema_too_new")


def test_older_schema_passes_to_the_upcaster(tmp_path, county_key, trusted):
    info = make_package(tmp_path / "p.tzx", county_key, b"x", schema_version=1)
    assert verify(info.path, trusted)[0]["schema_version"] == 1


def test_unknown_format_major(pkg, county_key, trusted):
    data = bytearray(pkg.read_bytes())
    data[6] = 2
    pkg.write_bytes(bytes(data))
    rejected(pkg, trusted, reason="format_unsupported")
    forge(pkg, pkg, county_key, lambda h: h.update(format=2), major=1)
    rejected(pkg, trusted, reason="format_unsupported")


def test_capabilities_required_and_optional(tmp_path, county_key, trusted):
    info = make_package(tmp_path / "p.tzx", county_key, b"x", capabilities=["zstd-v2"])
    provider = Provider()
    error = rejected(info.path, trusted, provider=provider, reason="capability_unsupported")
    assert "zstd-v2" in str(error) and provider.calls == 0
    assert verify(info.path, trusted, known_capabilities={"zstd-v2"})[1] == b"x"
    info = make_package(tmp_path / "q.tzx", county_key, b"x", capabilities=["opt-preview"])
    assert verify(info.path, trusted)[1] == b"x"


# ---------------------------------------------------------------- case 11: KDF bounds

@pytest.mark.parametrize("kdf", [
    {"alg": "argon2id", "t": 1, "m": 4 * 1024 * 1024, "p": 1},      # 4 GiB
    {"alg": "argon2id", "t": 1000, "m": 64, "p": 1},
    {"alg": "argon2id", "t": 1, "m": 64, "p": 9},
    {"alg": "argon2id", "t": 0, "m": 64, "p": 1},
    {"alg": "argon2id", "t": 1, "m": 7, "p": 1},
    {"alg": "argon2id", "t": True, "m": 64, "p": 1},
    {"alg": "argon2id", "t": 1, "m": 64, "p": 1, "salt": "c2hvcnQ="},  # 5-byte salt
    {"alg": "argon2id", "t": 1, "m": 64, "p": 1, "salt": "QUFB" * 22},  # 66 bytes
    {"alg": "scrypt", "n": 2 ** 24, "r": 8, "p": 1},
    {"alg": "scrypt", "n": 2 ** 18, "r": 16, "p": 1},                # 512 MiB
    {"alg": "scrypt", "n": 1000, "r": 8, "p": 1},
    {"alg": "pbkdf2", "i": 1},
])
def test_kdf_out_of_bounds_rejected_before_deriving(tmp_path, county_key, trusted,
                                                    monkeypatch, kdf):
    src = make_package(tmp_path / "p.tzx", county_key, b"x").path

    def mutate(header):
        header["kdf"] = {"salt": header["kdf"]["salt"], **kdf}
    forge(src, src, county_key, mutate)
    monkeypatch.setattr(package, "derive_key", lambda *a, **k: pytest.fail("derived"))
    provider = Provider()
    rejected(src, trusted, provider=provider, reason="kdf_out_of_bounds")
    assert provider.calls == 0


def test_scrypt_within_bounds_is_read(tmp_path, county_key, trusted):
    """The scrypt fallback: a package whose key came from scrypt decrypts."""
    from desktop_app.exchange import kdf as kdf_mod
    params = {"alg": "scrypt", "salt": "AAAAAAAAAAAAAAAAAAAAAA==", "n": 1024, "r": 8, "p": 1}
    original = kdf_mod.new_kdf_params
    try:
        kdf_mod.new_kdf_params = lambda cost: dict(params)
        package.new_kdf_params = kdf_mod.new_kdf_params
        info = make_package(tmp_path / "p.tzx", county_key, b"scrypt")
    finally:
        kdf_mod.new_kdf_params = package.new_kdf_params = original
    assert verify(info.path, trusted)[1] == b"scrypt"


# ---------------------------------------------------------------- case 12: header bombs

def _raw_package(path, header_len: int, header: bytes):
    path.write_bytes(b"TZPKG\x00\x01\n" + header_len.to_bytes(4, "big") + header + b"\0" * 64)


def test_header_len_4gib(tmp_path, trusted):
    _raw_package(tmp_path / "p.tzx", 0xFFFFFFFF, b"{}")
    rejected(tmp_path / "p.tzx", trusted, reason="header_too_large")
    _raw_package(tmp_path / "p.tzx", HEADER_MAX + 1, b"{}")
    rejected(tmp_path / "p.tzx", trusted, reason="header_too_large")


def test_deeply_nested_header(tmp_path, trusted):
    bomb = b"[" * (HEADER_MAX // 2) + b"]" * (HEADER_MAX // 2)
    _raw_package(tmp_path / "p.tzx", len(bomb), bomb)
    error = rejected(tmp_path / "p.tzx", trusted, reason="bad_header")
    assert "嵌套" in str(error)


def test_huge_number_in_header(tmp_path, trusted):
    body = b'{"seq":' + b"9" * (HEADER_MAX - 10) + b"}"
    _raw_package(tmp_path / "p.tzx", len(body), body)
    rejected(tmp_path / "p.tzx", trusted, reason="bad_header")
    body = b'{"seq":' + b"9" * 1_000_000 + b"}"
    _raw_package(tmp_path / "p.tzx", len(body), body)
    rejected(tmp_path / "p.tzx", trusted, reason="header_too_large")


@pytest.mark.parametrize("body", [
    b'{"a":1.5}', b'{"a":NaN}', b'{"a":1,"a":2}', b'\xff\xfe', b'[]', b'{"a": 1}', b"{}"])
def test_malformed_or_non_canonical_headers(tmp_path, trusted, body):
    _raw_package(tmp_path / "p.tzx", len(body), body)
    rejected(tmp_path / "p.tzx", trusted, reason="bad_header")


@pytest.mark.parametrize("change", [
    {"seq": True}, {"package_id": "ABC"}, {"kind": "all"}, {"recipient": "city"},
    {"created_utc": "2026-13-01T00:00:00Z"}, {"scope": "CNTY-07"},
    {"base_vector": {"CNTY-07": {"a": -1}}}, {"nonce_prefix": "AAAA"},
    {"plain_len": 5}, {"aead": "chacha"}, {"sender_key_id": "abc"}, {"capabilities": "x"},
    {"min_reader_schema": 9}])
def test_header_field_types_are_checked(pkg, county_key, trusted, change):
    forge(pkg, pkg, county_key, lambda h: h.update(change))
    rejected(pkg, trusted, reason="bad_header")


def test_aad_hash_must_match(pkg, county_key, trusted):
    forge(pkg, pkg, county_key, lambda h: h.update(app_version="9.9"), fix_aad=False)
    rejected(pkg, trusted, reason="bad_header")


def test_trailing_garbage_rejected(pkg, trusted):
    pkg.write_bytes(pkg.read_bytes() + b"\0" * 10)
    rejected(pkg, trusted, reason="payload_mismatch")


def test_not_a_package(tmp_path, trusted):
    (tmp_path / "x.tzx").write_bytes(b"PK\x03\x04" + b"\0" * 100)
    rejected(tmp_path / "x.tzx", trusted, reason="bad_magic")
