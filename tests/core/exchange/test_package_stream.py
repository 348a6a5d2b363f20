"""STREAM construction on its own: the last flag, chunk order and keys (exchange.md §3.2).

Through ``verify_and_decrypt`` the signed ``payload_len``/``payload_sha256`` already catch
a cut file, so the last-flag defence is tested here directly, as a second, independent
line."""
import io
import os

import pytest

from desktop_app.exchange.errors import PackageRejected
from desktop_app.exchange.jsonsafe import canonical_json, loads_strict
from desktop_app.exchange.limits import CHUNK_CIPHER, CHUNK_PLAIN
from desktop_app.exchange.stream import (SourceChanged, cipher_len, decrypt_stream,
                                         encrypt_stream)

KEY = bytes(range(32))
PREFIX = b"\x01" * 7
AAD = b'{"canonical":"header"}'


def seal(plain: bytes, key=KEY) -> bytes:
    out = io.BytesIO()
    encrypt_stream(key, PREFIX, AAD, io.BytesIO(plain), out, len(plain))
    assert len(out.getvalue()) == cipher_len(len(plain))
    return out.getvalue()


def open_(sealed: bytes, key=KEY, aad=AAD) -> bytes:
    out = io.BytesIO()
    decrypt_stream(key, PREFIX, aad, io.BytesIO(sealed), out)
    return out.getvalue()


def reason(sealed: bytes, **kw) -> str:
    with pytest.raises(PackageRejected) as info:
        open_(sealed, **kw)
    return info.value.reason


PLAIN = os.urandom(3 * CHUNK_PLAIN)      # exactly three full chunks


def test_round_trip_exact_multiple():
    assert open_(seal(PLAIN)) == PLAIN
    assert open_(seal(b"")) == b""


def test_clean_cut_at_chunk_boundary_is_caught_by_the_last_flag():
    sealed = seal(PLAIN)
    assert reason(sealed[:2 * CHUNK_CIPHER]) == "truncated"
    assert reason(sealed[:CHUNK_CIPHER]) == "truncated"


def test_chunks_appended_after_the_final_one_are_caught():
    sealed = seal(PLAIN)
    extra = seal(PLAIN)[:CHUNK_CIPHER]
    assert reason(sealed + extra) == "payload_mismatch"


def test_mid_chunk_cut_and_reordered_chunks():
    sealed = seal(PLAIN)
    assert reason(sealed[:CHUNK_CIPHER + 100]) == "wrong_passphrase_or_corrupt"
    swapped = sealed[CHUNK_CIPHER:2 * CHUNK_CIPHER] + sealed[:CHUNK_CIPHER] + \
        sealed[2 * CHUNK_CIPHER:]
    assert reason(swapped) == "wrong_passphrase_or_corrupt"
    assert reason(b"") == "truncated"


def test_wrong_key_and_wrong_aad():
    sealed = seal(b"hello")
    assert reason(sealed, key=bytes(32)) == "wrong_passphrase_or_corrupt"
    assert reason(sealed, aad=AAD + b" ") == "wrong_passphrase_or_corrupt"


def test_source_shorter_or_longer_than_announced():
    with pytest.raises(SourceChanged):
        encrypt_stream(KEY, PREFIX, AAD, io.BytesIO(b"abc"), io.BytesIO(), 4)
    with pytest.raises(SourceChanged):
        encrypt_stream(KEY, PREFIX, AAD, io.BytesIO(b"abcde"), io.BytesIO(), 4)


def test_canonical_json_and_strict_loads():
    assert canonical_json({"b": 1, "a": "中"}) == '{"a":"中","b":1}'.encode()
    assert loads_strict(b'{"a":[1,{"b":null}]}') == {"a": [1, {"b": None}]}
    for bad in (b'{"a":1e5}', b'{"a":Infinity}', b'{"a":1,"a":1}', b"[" * 9 + b"]" * 9,
                b'{"a":' + b"1" * 20 + b"}", b"\xc3\x28", b"{"):
        with pytest.raises(ValueError):
            loads_strict(bad)
    assert loads_strict(b'["[[[[[[[[[[[["]') == ["[[[[[[[[[[[["]   # brackets in strings
