"""``taizhang report``, ``taizhang import-excel`` and ``taizhang template``:
statistics tables, old Excel ledgers brought in, blank import templates."""
from __future__ import annotations

from pathlib import Path

from desktop_app.cli.common import emit, out, session_for
from desktop_app.errors import UserFacingError

BY = {"unit": "unit", "office": "office", "level": "level", "type": "type", "person": "person",
      "month": "month"}


def register(sub) -> None:
    rep = sub.add_parser("report", help="统计报表：taizhang report NAME --period 2026Q3 -o 表.xlsx；report list 列出全部")
    rep.add_argument("name", help="报表代号（如 talk、letter、rectification），list 列出全部，"
                                  "bulletin 为年度通报（PDF）")
    rep.add_argument("--period", help="期间：2026-03、2026Q3、2026H1、2026 或 2026-01-05..2026-03-31")
    rep.add_argument("--by", choices=sorted(BY), help="分组：unit 单位、office 报送机关、level 对象层级、type 类型")
    rep.add_argument("--office", help="只统计这个机关（代码）的记录；默认含下级报来的记录")
    rep.add_argument("-o", "--output", type=Path, help="输出文件（.xlsx 或 .pdf）")
    rep.add_argument("--json", action="store_true", help="以 JSON 输出数字")
    rep.set_defaults(handler=run_report)
    imp = sub.add_parser("import-excel", help="导入已有的 Excel/WPS/CSV 台账（全部成功才写入）")
    imp.add_argument("file", type=Path, help=".xlsx、.xls、.ods 或 .csv 文件")
    imp.add_argument("--family", required=True, help="记录类别，如 talk 或 谈话")
    imp.add_argument("--mapping", type=Path, help="列对应关系（JSON：{\"表头\": \"字段\"}）")
    imp.add_argument("--sheet", help="工作表名称（默认第一个可见的工作表）")
    imp.add_argument("--create-missing", action="store_true", help="确认新建表中出现而库中没有的人员和单位")
    imp.add_argument("--replace", action="append", default=[], metavar="表中名称=库中名称",
                     help="表中的名称在库中没有时，改用库中相近的名称（检查结果列出相近的名称；可多次使用），"
                          "如 --replace 县财政=县财政局 或 --replace 张三=张三（县财政局）")
    imp.add_argument("--errors", type=Path, help="逐行错误报告（.xlsx）的保存位置")
    imp.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=run_import)
    exp = sub.add_parser("export-excel", help="把一类记录导出为可再导入的 .xlsx（人员、单位写名称）")
    exp.add_argument("family", help="记录类别，如 talk 或 谈话")
    exp.add_argument("-o", "--output", type=Path, required=True)
    exp.set_defaults(handler=run_export)
    tpl = sub.add_parser("template", help="空白导入模板（.xlsx，含下拉选项和示例行）")
    tpl.add_argument("family", help="记录类别，如 talk 或 谈话")
    tpl.add_argument("-o", "--output", type=Path, required=True)
    tpl.set_defaults(handler=run_template)


def run_report(args) -> int:
    from desktop_app.reports import service
    s = session_for(args)
    try:
        if args.name == "list":
            infos = service.list_reports(s)
            if args.json:
                emit([i.to_json() for i in infos])
            else:
                for i in infos:
                    out(f"{i.name:<16}{i.title}{'' if i.builtin else '（本机关表式）'}")
            return 0
        if not args.period:
            raise UserFacingError("请用 --period 指明期间，如 --period 2026Q3。")
        if args.name == "bulletin":
            return _bulletin(s, args)
        result = service.run(s, args.name, args.period, by=BY.get(args.by) if args.by else None,
                             office=args.office)
        if args.output:
            service.export(s, result, args.output)
        if args.json:
            emit(result.to_json())
        elif args.output:
            out(f"已生成 {args.output}（{result.defn.title}，{result.period.title}）")
        else:
            _print_table(result)
        return 0
    finally:
        s.close()


def _bulletin(s, args) -> int:
    from desktop_app.reports.pdf_out import write_bulletin
    if not args.period.isdigit() or len(args.period) != 4:
        raise UserFacingError("年度通报的期间应为年份，如 --period 2026。")
    if not args.output or args.output.suffix.lower() != ".pdf":
        raise UserFacingError("年度通报请用 -o 指定 .pdf 文件。")
    write_bulletin(s, int(args.period), args.output)
    out(f"已生成 {args.output}（{args.period}年度日常监督工作情况通报）")
    return 0


def _print_table(result) -> None:
    from desktop_app.reports.engine import TOTAL
    data = result.to_json()
    out(f"{data['title']}（{data['office']}，{data['period_title']}）")
    if result.defn.kind == "deadlines":
        for i, item in enumerate(result.items, 1):
            out(f"{i:>4} {item['level_label']} {item['due_date']} {item['family_label']} {item['title']}"
                f" {item['unit']}")
        out(f"合计 {len(result.items)} 项")
        return
    out("\t".join([result.by_label] + [c.label for c in result.columns]))
    for r in [*result.rows, None]:
        key = TOTAL if r is None else r.key
        cells = [_cell(result.value(key, c.key)) for c in result.columns]
        out("\t".join(["合计" if r is None else r.label] + cells))
    if result.detail:
        out(f"逾期明细（{len(result.detail)} 项）：")
        for i, d in enumerate(result.detail, 1):
            out(f"{i:>4} {d['unit']} {d['due_date']} 逾期{d['overdue_days']}个工作日 督办{d['actions']}次 {d['problem']}")


def _cell(v) -> str:
    if v is None:
        return "—"
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


def run_import(args) -> int:
    from desktop_app.reports import importer
    replacements = _replacements(args.replace)
    s = session_for(args)
    try:
        mapping = importer.read_mapping(args.mapping) if args.mapping else None
        summary = importer.import_file(s, args.file, args.family, mapping=mapping, sheet=args.sheet,
                                       dry_run=args.dry_run, create_missing=args.create_missing,
                                       error_report=args.errors, replacements=replacements)
    finally:
        s.close()
    if args.json:
        emit(summary.to_json())
    else:
        for line in summary.lines():
            out(line)
        near = {name: c for r in summary.rows for name, c in r.unknown.items() if c}
        if near:
            first, options = next(iter(near.items()))
            out(f"如表中名称就是库中相近的某一个，可加 --replace 表中名称=库中名称 重新导入，"
                f"如 --replace {first}={options[0]}")
    return 0 if summary.ok else 1


def _replacements(pairs: list[str]) -> dict[str, str]:
    """``--replace 县财政=县财政局``: the clerk's choice among the candidates offered."""
    out_: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise UserFacingError(f"--replace 的写法是“表中名称=库中名称”，如 --replace 县财政=县财政局（收到“{pair}”）。")
        out_[old.strip()] = new.strip()
    return out_


def run_export(args) -> int:
    from desktop_app.reports.ledger_xlsx import export_family
    if args.output.suffix.lower() != ".xlsx":
        raise UserFacingError("请用 -o 指定 .xlsx 文件。")
    s = session_for(args)
    try:
        n = export_family(s, args.family, args.output)
    finally:
        s.close()
    out(f"已导出 {n} 条记录到 {args.output}")
    return 0


def run_template(args) -> int:
    from desktop_app.reports.ledger_xlsx import write_template
    path = write_template(args.family, args.output)
    out(f"已生成导入模板 {path}")
    return 0
