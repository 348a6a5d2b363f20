"""``taizhang letter render`` and ``taizhang fonts``.

The core CLI calls ``register(subparsers)`` and then ``args.handler(args)``; a
UserFacingError raised here becomes one Chinese line on stderr and exit code 1.
Run alone as ``python -m desktop_app.letters.cli`` for scripts and the benchmark.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop_app.errors import UserFacingError

APP = "taizhang"


def register(subparsers) -> None:
    letter = subparsers.add_parser("letter", help="公文：按 GB/T 9704 生成 PDF")
    letter_sub = letter.add_subparsers(dest="letter_command", metavar="子命令")
    letter_sub.required = True
    render = letter_sub.add_parser("render", help="按 JSON 说明文件生成公文 PDF（格式见 desktop_app/letters/SPEC.md）")
    render.add_argument("spec", type=Path, help="公文说明文件（UTF-8 编码的 JSON）")
    render.add_argument("-o", "--output", type=Path, required=True, help="输出的 PDF 文件")
    render.set_defaults(handler=run_letter_render)
    try:   # documents made from stored records need the ledger; absent when run alone
        from desktop_app.document_commands import register_record_commands
    except ImportError:
        register_record_commands = None
    if register_record_commands:
        register_record_commands(letter_sub)
    fonts = subparsers.add_parser("fonts", help="显示公文各字体角色使用的字体文件和缺少的字体")
    fonts.add_argument("--rescan", action="store_true", help="忽略缓存，重新扫描字体目录")
    fonts.set_defaults(handler=run_fonts)


def font_cache_dir(args) -> Path:
    """Beside the data when a data folder was given, else the per-user cache folder."""
    data_dir = getattr(args, "data_dir", None)
    if data_dir:
        return Path(data_dir) / "cache"
    import platformdirs  # only needed here; keeps `import desktop_app.letters` light

    return Path(platformdirs.user_cache_dir(APP, appauthor=False))


def read_spec(path: Path) -> dict:
    """The JSON spec, with a Chinese message for every way reading it can fail."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserFacingError(f"找不到公文说明文件：{path}") from None
    except OSError as exc:
        raise UserFacingError(f"无法读取公文说明文件 {path}：{exc.strerror or exc}") from None
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


def run_letter_render(args) -> int:
    from . import LetterSpec, get_fonts, render_pdf

    spec = LetterSpec.from_json(read_spec(args.spec))
    fonts = get_fonts(cache_dir=font_cache_dir(args))
    result = render_pdf(spec, args.output, fonts)
    print(f"已生成 {result.path}（{result.pages} 页）")
    for fallback in result.fallbacks:
        print(f"提示：{fallback.field}中的「{fallback.char}」由备用字体 {fallback.font} 印出")
    return 0


def run_fonts(args) -> int:
    from .fontscan import scan_fonts
    from .fonts import FontSet

    cache = font_cache_dir(args)
    report = FontSet(scan_fonts(cache_dir=cache, refresh=getattr(args, "rescan", False))).report()
    print(report.to_text())
    return 1 if report.missing else 0


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry: the same commands without the rest of taizhang."""
    parser = argparse.ArgumentParser(prog="python -m desktop_app.letters.cli")
    parser.add_argument("--data-dir", type=Path, help="数据目录（字体缓存放在其中的 cache 目录）")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except UserFacingError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
