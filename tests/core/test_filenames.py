"""desktop_app.filenames: names from data never become paths."""
from __future__ import annotations

import os
import unicodedata

import pytest
from hypothesis import given, settings, strategies as st

from desktop_app.errors import UserFacingError
from desktop_app.filenames import (MAX_UTF16_UNITS, MAX_UTF8_BYTES, clean_name, inside,
                                   is_device_name, is_sha256, require_sha256)

_BAD = set('/\\:*?"<>|')
_DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{p}{d}" for p in ("COM", "LPT") for d in "0123456789¹²³"}


def _safe(name: str) -> bool:
    head = name.split(".", 1)[0].rstrip(" ").upper()
    return (bool(name) and not (_BAD & set(name)) and name not in (".", "..")
            and not name.startswith(".") and not name.endswith((".", " "))
            and head not in _DEVICES
            and all(unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
                    for c in name)
            and len(name.encode("utf-16-le")) // 2 <= MAX_UTF16_UNITS
            and len(name.encode("utf-8")) <= MAX_UTF8_BYTES)


@pytest.mark.parametrize("raw, expected", [
    ("../../taizhang.db", "_.._taizhang.db"),
    ("/etc/passwd", "_etc_passwd"),
    ("C:\\Windows\\win.ini", "C__Windows_win.ini"),
    ("a:b", "a_b"),
    ("CON", "_CON"),
    ("aux.txt", "_aux.txt"),
    ("nul.tar.gz", "_nul.tar.gz"),
    ("com1 .pdf", "_com1 .pdf"),
    ("LPT¹", "_LPT¹"),
    ("报告. . .", "报告"),
    ("..", "未命名"),
    ("", "未命名"),
    ("  ", "未命名"),
    ("\u202egnp.exe", "gnp.exe"),          # right-to-left override dropped
    ("a\u200bb\x00c\nd.pdf", "abcd.pdf"),
    ("a\ud800b.pdf", "ab.pdf"),             # a lone surrogate dropped
    ("what?<x>|\"y\"*.doc", "what__x___y__.doc"),
    ("谈话记录（2026年3月）.pdf", "谈话记录（2026年3月）.pdf"),
    (".hidden", "hidden"),
])
def test_cleaned(raw, expected):
    assert clean_name(raw) == expected
    assert _safe(clean_name(raw))


def test_long_name_keeps_extension():
    name = clean_name("谈" * 500 + ".pdf")
    assert name.endswith(".pdf") and name.startswith("谈谈") and _safe(name)
    assert clean_name("x" * 1000).startswith("xxx") and _safe(clean_name("x" * 1000))
    assert clean_name("😀" * 200 + ".jpeg").endswith(".jpeg")


def test_non_text_and_fallback():
    assert clean_name(None) == "未命名"
    assert clean_name(42) == "未命名"
    assert clean_name("", fallback="文书-5.pdf") == "文书-5.pdf"
    assert clean_name("///", fallback="../x") == "___"


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=400))
def test_any_text_becomes_a_safe_idempotent_name(raw):
    name = clean_name(raw)
    assert _safe(name), repr(name)
    assert clean_name(name) == name


TRICKY = st.lists(st.sampled_from(list("CONAUXPRLTMcon19¹²$ .:/\\*?<>|\"e谈")
                                  + ["\u200d", "\u0301", "\u202e", "\ud800", "\x00", "\n",
                                     "\u3000", ".pdf", "谈" * 60]), max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(TRICKY)
def test_tricky_text_becomes_a_safe_idempotent_name(raw):
    name = clean_name(raw)
    assert _safe(name), repr(name)
    assert clean_name(name) == name


def test_combining_marks_around_dropped_characters_stay_idempotent():
    name = clean_name("e\u200d\u0301.pdf")
    assert name == "\u00e9.pdf" and clean_name(name) == name


def test_device_names():
    assert is_device_name("Con.txt") and is_device_name("com9") and is_device_name("NUL .x")
    assert not is_device_name("console.txt") and not is_device_name("com10")


def test_sha256_format():
    good = "ab" * 32
    assert is_sha256(good) and require_sha256(good) == good
    for bad in ("AB" * 32, "ab" * 31, "../" + "a" * 61, None, 5, "a" * 63 + "g", "a" * 64 + "\n"):
        assert not is_sha256(bad)
        with pytest.raises(UserFacingError):
            require_sha256(bad)


def test_inside_refuses_escapes(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    assert inside(folder, "ab", "x.pdf") == folder / "ab" / "x.pdf"
    for part in ("..", "../x", "/etc/passwd", "a\\b", "C:x", "", ".", "a\0b"):
        with pytest.raises(UserFacingError) as err:
            inside(folder, part)
        assert "已拒绝" in str(err.value)
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, folder / "link")
    with pytest.raises(UserFacingError):
        inside(folder, "link", "x")
