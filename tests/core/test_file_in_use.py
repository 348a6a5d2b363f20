"""Writing over a file another program holds open (a PDF in a reader, an .xlsx in
WPS): one Chinese line that names the file and says to close it, not a traceback."""
from __future__ import annotations

import errno
import json
import os

import pytest

from desktop_app.cli import main
from desktop_app.errors import FileInUseError, describe, file_in_use

SPEC = {"type": "提醒函", "office": "中共××县纪律检查委员会", "number": "×纪函〔2026〕5号",
        "recipient": "中共××镇委员会", "title": "提醒函", "body": ["经日常监督发现……"], "date": "2026-11-29"}


def _denied(tmp, target):
    return PermissionError(errno.EACCES, "Permission denied", str(tmp), None, str(target))


def test_a_refused_replace_of_an_existing_file_is_in_use(tmp_path):
    target = tmp_path / "导出.xlsx"
    target.write_bytes(b"old")
    exc = _denied(tmp_path / ".导出.tmp", target)
    assert file_in_use(exc) == str(target)
    assert describe(exc) == f"文件“{target}”正被其他程序打开（如 WPS、Excel 或 PDF 阅读器），请关闭后重试。"
    assert str(FileInUseError(target)) == f"文件“{target}”正被其他程序打开，请关闭后重试。"


def test_other_refusals_are_not_called_in_use(tmp_path, monkeypatch):
    missing = tmp_path / "无此文件.pdf"
    assert file_in_use(PermissionError(errno.EACCES, "Permission denied", str(missing))) is None
    assert file_in_use(OSError(errno.ENOSPC, "No space left", str(tmp_path))) is None
    assert file_in_use(ValueError("x")) is None
    target = tmp_path / "只读.pdf"
    target.write_bytes(b"%PDF")
    monkeypatch.setattr(os, "access", lambda *a: False)
    assert file_in_use(_denied(tmp_path / "t", target)) is None          # read-only, not in use


def test_letter_render_over_an_open_pdf_is_one_line_and_the_old_file_stays(tmp_path, capsys, monkeypatch):
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "提醒函.pdf"
    out.write_bytes(b"old")
    real_replace = os.replace

    def held_open(src, dst, *a, **kw):
        if os.fspath(dst) == os.fspath(out):
            raise _denied(src, dst)                    # what Windows says while a reader has it
        return real_replace(src, dst, *a, **kw)
    monkeypatch.setattr("desktop_app.letters.render.os.replace", held_open)
    code = main(["--data-dir", str(tmp_path / "d"), "letter", "render", str(spec), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert err == f"错误：文件“{out}”正被其他程序打开，请关闭后重试。\n"
    assert out.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("winerror", [32, 33])
def test_a_windows_sharing_violation_is_in_use(tmp_path, winerror):
    target = tmp_path / "备份.tzbak"
    target.write_bytes(b"x")
    exc = OSError(errno.EACCES, "The process cannot access the file", str(target))
    exc.winerror = winerror
    assert file_in_use(exc) == str(target)
