"""The `letter render` and `fonts` handlers, called directly and as a module."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.errors import UserFacingError
from desktop_app.cli import letters as cli

SPEC = {
    "type": "提醒函", "office": "中共××县纪律检查委员会", "number": "×纪函〔2026〕5号",
    "recipient": "中共××镇委员会", "title": "提醒函", "body": ["经日常监督发现……", "特此函告。"],
    "date": "2026-11-29", "cc": ["中共××镇委员会书记"], "mark": "内部",
}


def _args(tmp_path: Path, spec_path: Path, font_cache: Path) -> argparse.Namespace:
    return argparse.Namespace(spec=spec_path, output=tmp_path / "out" / "letter.pdf", data_dir=font_cache.parent,
                              rescan=False)


@pytest.fixture
def outdir(tmp_path):
    (tmp_path / "out").mkdir()
    return tmp_path / "out"


def _write(tmp_path: Path, content: bytes) -> Path:
    path = tmp_path / "spec.json"
    path.write_bytes(content)
    return path


def test_register_adds_letter_render_and_fonts():
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["letter", "render", "a.json", "-o", "b.pdf"])
    assert args.handler is cli.run_letter_render and args.output == Path("b.pdf")
    assert parser.parse_args(["fonts"]).handler is cli.run_fonts
    with pytest.raises(SystemExit):
        parser.parse_args(["letter"])  # only `render` exists so far; it is required


def test_render_writes_the_pdf(tmp_path, outdir, fonts, font_cache, capsys):
    spec = _write(tmp_path, json.dumps(SPEC, ensure_ascii=False).encode("utf-8"))
    assert cli.run_letter_render(_args(tmp_path, spec, font_cache)) == 0
    pdf = outdir / "letter.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and os.listdir(outdir) == ["letter.pdf"]
    assert "已生成" in capsys.readouterr().out


def test_render_accepts_a_utf8_bom(tmp_path, outdir, fonts, font_cache):
    spec = _write(tmp_path, b"\xef\xbb\xbf" + json.dumps(SPEC, ensure_ascii=False).encode("utf-8"))
    assert cli.run_letter_render(_args(tmp_path, spec, font_cache)) == 0


BAD = [
    (b"{ not json", "不是有效的 JSON"),
    (json.dumps(SPEC, ensure_ascii=False).encode("gb18030"), "不是 UTF-8 编码"),
    (b"[1, 2]", "JSON 对象"),
    (json.dumps({**SPEC, "type": "通报"}, ensure_ascii=False).encode(), "不认识的文种"),
    (json.dumps({**SPEC, "number": "×纪函(2026)5号"}, ensure_ascii=False).encode(), "文号格式不正确"),
    (json.dumps({**SPEC, "date": "2026-02-30"}, ensure_ascii=False).encode(), "不是真实存在的日期"),
    (json.dumps({k: v for k, v in SPEC.items() if k != "recipient"}, ensure_ascii=False).encode(), "缺少主送机关"),
    (json.dumps({**SPEC, "body": ["请𠮷同志报告。"]}, ensure_ascii=False).encode(), "U+20BB7"),
]


@pytest.mark.parametrize("content, words", BAD)
def test_bad_specs_leave_no_file(tmp_path, outdir, fonts, font_cache, content, words):
    if words == "U+20BB7" and fonts.font_for("仿宋", "𠮷") is not None:
        pytest.skip("an installed font has 𠮷")
    spec = _write(tmp_path, content)
    with pytest.raises(UserFacingError) as err:
        cli.run_letter_render(_args(tmp_path, spec, font_cache))
    assert words in str(err.value)
    assert os.listdir(outdir) == []  # no output, no temporary file


def test_missing_spec_file_and_output_folder(tmp_path, font_cache):
    with pytest.raises(UserFacingError, match="找不到公文说明文件"):
        cli.run_letter_render(_args(tmp_path, tmp_path / "nope.json", font_cache))
    spec = _write(tmp_path, json.dumps(SPEC, ensure_ascii=False).encode())
    args = _args(tmp_path, spec, font_cache)
    args.output = tmp_path / "missing-dir" / "x.pdf"
    with pytest.raises(UserFacingError, match="输出目录不存在"):
        cli.run_letter_render(args)


def test_a_failed_render_keeps_an_older_file_intact(tmp_path, outdir, fonts, font_cache):
    (outdir / "letter.pdf").write_bytes(b"old")
    spec = _write(tmp_path, json.dumps({**SPEC, "date": "2026-13-01"}, ensure_ascii=False).encode())
    with pytest.raises(UserFacingError):
        cli.run_letter_render(_args(tmp_path, spec, font_cache))
    assert (outdir / "letter.pdf").read_bytes() == b"old"


def test_fonts_prints_the_report(fonts, font_cache, capsys):
    assert cli.run_fonts(argparse.Namespace(data_dir=font_cache.parent, rescan=False)) == 0
    out = capsys.readouterr().out
    assert "公文字体" in out and "仿宋" in out


def test_module_entry_point_prints_one_line_and_exits_1(tmp_path, fonts):
    spec = _write(tmp_path, b"{ broken")
    run = subprocess.run([sys.executable, "-m", "desktop_app.cli", "--data-dir", str(tmp_path),
                          "letter", "render", str(spec), "-o", str(tmp_path / "x.pdf")],
                         capture_output=True, text=True, encoding="utf-8")
    assert run.returncode == 1
    assert run.stderr.startswith("错误：") and run.stderr.count("\n") == 1
    assert not (tmp_path / "x.pdf").exists()


def test_unwritable_target_is_a_clear_refusal(tmp_path, outdir, fonts, font_cache):
    spec = _write(tmp_path, json.dumps(SPEC, ensure_ascii=False).encode())
    args = _args(tmp_path, spec, font_cache)
    args.output.mkdir()  # a folder where the PDF should go: the rename must fail
    with pytest.raises(UserFacingError, match="无法写入 PDF 文件"):
        cli.run_letter_render(args)
    assert [p.name for p in outdir.iterdir()] == ["letter.pdf"] and args.output.is_dir()


def test_render_names_stand_in_fonts_on_stderr(tmp_path, outdir, fonts, font_cache, capsys):
    spec = _write(tmp_path, json.dumps(SPEC, ensure_ascii=False).encode())
    assert cli.run_letter_render(_args(tmp_path, spec, font_cache)) == 0
    captured = capsys.readouterr()
    substitutes = [r for r in fonts.report().roles if r.warning and r.role in ("仿宋", "小标宋")]
    assert "已生成" in captured.out and "警告" not in captured.out
    for role in substitutes:  # this machine has no 仿宋: the stand-in is named
        assert f"警告：本机没有{role.role}字体" in captured.err and role.font in captured.err


def test_fonts_add_keeps_the_file_in_the_data_folder(tmp_path, capsys):
    source = Path("/usr/share/fonts/truetype/arphic/ukai.ttc")
    if not source.is_file():
        pytest.skip("needs fonts-arphic-ukai")
    data = tmp_path / "data"
    run = subprocess.run([sys.executable, "-m", "desktop_app.cli", "--data-dir", str(data),
                          "fonts", "add", str(source)], capture_output=True, text=True, encoding="utf-8")
    assert run.returncode == 0, run.stderr
    assert (data / "fonts" / "ukai.ttc").is_file()
    assert "已添加" in run.stdout and "本单位添加" in run.stdout and "楷体" in run.stdout
    bad = tmp_path / "x.ttf"
    bad.write_bytes(b"nope")
    run = subprocess.run([sys.executable, "-m", "desktop_app.cli", "--data-dir", str(data),
                          "fonts", "add", str(bad)], capture_output=True, text=True, encoding="utf-8")
    assert run.returncode == 1 and run.stderr.startswith("错误：") and "无法读取字体文件" in run.stderr
    assert not (data / "fonts" / "x.ttf").exists()
