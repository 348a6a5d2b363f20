"""``taizhang holidays show [YEAR]`` and ``taizhang holidays set YEAR FILE.json``: the
working-day calendar's holiday tables, kept in the database (services/holidays.py).

The file is the format of ``resources/holidays/YYYY.json``::

    {"year": 2027, "notice": "国务院办公厅关于2027年部分节假日安排的通知",
     "issued": "2026-11-10",
     "holidays": [{"name": "元旦", "off": ["2027-01-01", "2027-01-03"], "work": []}, ...]}
"""
from __future__ import annotations

from pathlib import Path

from desktop_app.cli.common import emit, out, session_for


def register(sub) -> None:
    h = sub.add_parser("holidays", help="法定节假日和调休安排（工作日计算所用）")
    hsub = h.add_subparsers(dest="holidays_command", required=True)
    c = hsub.add_parser("show", help="显示某年（默认全部年份）的节假日安排")
    c.add_argument("year", nargs="?", type=_year, help="年份，如 2027")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=holidays_show)
    c = hsub.add_parser("set", help="录入或更正某年的节假日安排（国务院办公厅通知）",
                        description="FILE.json 的格式见 resources/holidays/2026.json；"
                                    "录入后所有期限按新表重新计算，并记入审计日志。")
    c.add_argument("year", type=_year, help="年份，如 2027")
    c.add_argument("file", type=Path, help="节假日安排表 JSON 文件（UTF-8）")
    c.set_defaults(handler=holidays_set)


def _year(text: str) -> int:
    import argparse
    if not text.isdigit() or len(text) != 4:
        raise argparse.ArgumentTypeError(f"年份“{text}”应为四位数字，如 2027")
    return int(text)


def holidays_show(args) -> int:
    from desktop_app.services import holidays
    s = session_for(args)
    try:
        if args.year is None:
            infos = holidays.tables(s)
        else:
            info = holidays.show(s, args.year)
            infos = [info] if info else []
        missing = holidays.missing_next_year(s)
    finally:
        s.close()
    if args.json:
        emit([holidays.to_json(i) for i in infos])
        return 0
    if args.year is not None and not infos:
        out(f"{args.year} 年还没有节假日安排表：该年的期限只按周末计算，标为“按周末估算”。"
            f"通知发布后请用 taizhang holidays set {args.year} 文件.json 录入。")
        return 0
    for info in infos:
        for line in holidays.summary_lines(info):
            out(line)
    if missing and args.year is None:
        out(f"提示：{missing} 年的节假日安排尚未录入，该年的期限按周末估算。")
    return 0


def holidays_set(args) -> int:
    from desktop_app.services import holidays
    s = session_for(args, None, "MANAGE_SETTINGS")
    try:
        table = holidays.read_notice(args.file, args.year)
        replaced = holidays.show(s, args.year) is not None
        moved = holidays.set_table(s, table)
        info = holidays.show(s, args.year)
    finally:
        s.close()
    out(f"已{'更新' if replaced else '录入'} {args.year} 年节假日安排：{table.notice}"
        f"（{len(table.holidays)} 个节日），{moved} 条记录的期限随之重新计算。")
    for line in holidays.summary_lines(info)[1:]:
        out(line)
    return 0
