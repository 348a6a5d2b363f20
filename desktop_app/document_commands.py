"""``taizhang letter make`` and ``taizhang letter samples``: documents from stored records."""
from __future__ import annotations

import sys
from pathlib import Path

from desktop_app.errors import UserFacingError


def register_record_commands(letter_sub) -> None:
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


def _overrides(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UserFacingError(f"--set 的格式应为 字段=内容：{pair}")
        out[key.strip()] = value
    return out


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
    from desktop_app.security.cli import session_for
    from desktop_app.services import documents
    s = session_for(args)
    try:
        family = _find_record(s, args.record_id)
        rid = _record_id(s, family, args.record_id)
        extra = _overrides(args.set)
        if args.issue:
            saved, result = documents.issue(s, family, rid, args.type, args.output, extra)
            sys.stdout.write(f"已发文：{saved.record['doc_no'] or args.type}，{args.output}（{result.pages} 页）\n")
        else:
            result = documents.preview(s, family, rid, args.type, args.output, extra)
            sys.stdout.write(f"已生成 {args.output}（{result.pages} 页，未编号；发文请加 --issue）\n")
    finally:
        s.close()
    return 0


def run_samples(args) -> int:
    """One preview of every document type, from the first demo record that can fill it."""
    from desktop_app.cli import data_dir_of
    from desktop_app.demo import ensure_demo
    from desktop_app.security.cli import session_for
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
        sys.stdout.write(f"{name}：{path}\n")
    return 0
