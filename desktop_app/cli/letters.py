"""``taizhang letter render|make|samples`` and ``taizhang fonts``: 公文 as PDF (GB/T 9704)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from desktop_app.cli.common import data_dir_of, out, session_for
from desktop_app.errors import UserFacingError, reason

APP = "taizhang"


def register(sub) -> None:
    letter = sub.add_parser("letter", help="公文：按 GB/T 9704 生成 PDF")
    letter_sub = letter.add_subparsers(dest="letter_command", metavar="子命令")
    letter_sub.required = True
    render = letter_sub.add_parser("render", help="按 JSON 说明文件生成公文 PDF（格式见 desktop_app/letters/SPEC.md）")
    render.add_argument("spec", type=Path, help="公文说明文件（UTF-8 编码的 JSON）")
    render.add_argument("-o", "--output", type=Path, required=True, help="输出的 PDF 文件")
    render.set_defaults(handler=run_letter_render)
    make = letter_sub.add_parser("make", help="由台账记录生成文书 PDF（--issue 则发文并编号）")
    make.add_argument("record_id", help="记录编号（谈话、函件或整改）")
    make.add_argument("--type", required=True, help="文种，如 提醒函、约谈通知书、限期整改通知书")
    make.add_argument("-o", "--output", type=Path, required=True, help="输出的 PDF 文件")
    make.add_argument("--issue", action="store_true", help="发文：分配文号并登记（需要签发权限）")
    make.add_argument("--set", action="append", default=[], metavar="字段=内容",
                      help="补充或改写文书中的一项，如 --set phone=0000-1234567（可多次）")
    make.set_defaults(handler=run_make)
    samples = letter_sub.add_parser("samples", help="用演示数据为每个文种各生成一份样张")
    samples.add_argument("-o", "--output", type=Path, required=True, help="输出目录")
    samples.set_defaults(handler=run_samples)
    fonts = sub.add_parser("fonts", help="显示公文各字体角色使用的字体、是否符合 GB/T 9704；添加本单位的字体文件")
    fonts.add_argument("--rescan", action="store_true", help="忽略缓存，重新扫描字体目录")
    fonts.set_defaults(handler=run_fonts)
    fonts_sub = fonts.add_subparsers(dest="fonts_command", metavar="子命令")
    add = fonts_sub.add_parser("add", help="把本单位拥有的字体文件（.ttf/.ttc）加入数据目录，优先于系统字体使用")
    add.add_argument("file", type=Path, help="字体文件")
    add.set_defaults(handler=run_fonts_add)


# -- letter render, fonts: no ledger needed ------------------------------------------------

def font_cache_dir(args) -> Path:
    """Beside the data when a data folder was given, else the per-user cache folder."""
    data_dir = getattr(args, "data_dir", None)
    if data_dir:
        return Path(data_dir) / "cache"
    import platformdirs
    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def read_spec(path: Path) -> dict:
    """The JSON spec, with a Chinese message for every way reading it can fail."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserFacingError(f"找不到公文说明文件：{path}") from None
    except OSError as exc:
        raise UserFacingError(f"无法读取公文说明文件 {path}：{reason(exc)}") from None
    try:
        text = raw.decode("utf-8-sig")  # Notepad's BOM is harmless
    except UnicodeDecodeError:
        raise UserFacingError(f"公文说明文件不是 UTF-8 编码：{path}（请用 UTF-8 另存后重试）") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserFacingError(
            f"公文说明文件不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近有错误（{path}）") from None
    if not isinstance(data, dict):
        raise UserFacingError("公文说明文件应为一个 JSON 对象（以 { 开头）")
    return data


def added_font_dir(args) -> Path:
    """The office's own fonts: ``fonts`` in the data folder (taizhang fonts add)."""
    return data_dir_of(args) / "fonts"


def warn_fonts(result) -> None:
    """A letter printed in a stand-in font says so on stderr (stdout stays the result)."""
    for warning in result.warnings:
        sys.stderr.write(f"警告：{warning}\n")
    for fallback in result.fallbacks:
        sys.stderr.write(f"提示：{fallback.field}中的「{fallback.char}」由备用字体 {fallback.font} 印出\n")


def run_letter_render(args) -> int:
    from desktop_app.letters import LetterSpec, get_fonts, render_pdf
    spec = LetterSpec.from_json(read_spec(args.spec))
    fonts = get_fonts(cache_dir=font_cache_dir(args), added_dir=added_font_dir(args))
    result = render_pdf(spec, args.output, fonts)
    out(f"已生成 {result.path}（{result.pages} 页）")
    warn_fonts(result)
    return 0


def run_fonts(args) -> int:
    from desktop_app.letters.fonts import FontSet
    from desktop_app.letters.fontscan import scan_fonts
    cache, refresh = font_cache_dir(args), getattr(args, "rescan", False)
    added = scan_fonts((added_font_dir(args),), cache, refresh=refresh)
    report = FontSet(scan_fonts(cache_dir=cache, refresh=refresh), cache_dir=cache, added=added).report()
    out(report.to_text())
    return 1 if report.missing else 0


def run_fonts_add(args) -> int:
    from desktop_app.letters.fontadd import add_font
    added = add_font(args.file, data_dir_of(args))
    out(added.to_text())
    return run_fonts(args)


# -- letter make, samples: documents from stored records ----------------------------------

def _overrides(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UserFacingError(f"--set 的格式应为 字段=内容：{pair}")
        values[key.strip()] = value
    return values


def _find_record(s, record_id: str) -> str:
    from desktop_app.services.document_values import BUILDERS
    for family in BUILDERS:
        if s.conn.execute(f"SELECT 1 FROM {family} WHERE id = ? OR ledger_no = ?",
                          (record_id, record_id)).fetchone():
            return family
    raise UserFacingError(f"找不到可生成文书的记录：{record_id}（应为谈话、函件或整改的编号）")


def _record_id(s, family: str, key: str) -> str:
    return s.conn.execute(f"SELECT id FROM {family} WHERE id = ? OR ledger_no = ?", (key, key)).fetchone()[0]


def run_make(args) -> int:
    from desktop_app.services import documents
    s = session_for(args)
    try:
        family = _find_record(s, args.record_id)
        rid = _record_id(s, family, args.record_id)
        extra = _overrides(args.set)
        if args.issue:
            saved, result = documents.issue(s, family, rid, args.type, args.output, extra)
            out(f"已发文：{saved.record['doc_no'] or args.type}，{args.output}（{result.pages} 页）")
        else:
            result = documents.preview(s, family, rid, args.type, args.output, extra)
            out(f"已生成 {args.output}（{result.pages} 页，未编号；发文请加 --issue）")
        warn_fonts(result)
    finally:
        s.close()
    return 0


def run_samples(args) -> int:
    """One preview of every document type, from the first demo record that can fill it."""
    from desktop_app.demo import ensure_demo
    from desktop_app.services.document_samples import render_samples
    data_dir = args.data_dir or data_dir_of(type("A", (), {"data_dir": None, "demo": True})())
    if not args.data_dir:
        ensure_demo(data_dir)
        args.demo = True
    args.output.mkdir(parents=True, exist_ok=True)
    s = session_for(args, data_dir)
    try:
        made = render_samples(s, args.output)
    finally:
        s.close()
    for name, path in made:
        out(f"{name}：{path}")
    return 0
