"""``taizhang init|demo|summary|search|dossier|check|gui``: the ledger itself."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop_app.cli.common import data_dir_of, emit, out, read_secret, session_for
from desktop_app.errors import UserFacingError


def register(sub) -> None:
    c = sub.add_parser("init", help="初始化本机关的数据目录，并建立首个管理员")
    c.add_argument("--office-name", required=True)
    c.add_argument("--office-code", required=True)
    c.add_argument("--admin", required=True, help="首个管理员的账户名")
    c.add_argument("--admin-password-file", type=Path, required=True, help="首个管理员的口令文件")
    c.set_defaults(handler=init)
    c = sub.add_parser("demo", help="用虚构的县级数据填充数据目录")
    c.add_argument("--records", type=int, default=0, help="大约生成的记录数（默认约 3000）")
    c.add_argument("--seed", type=int, default=2020)
    c.set_defaults(handler=demo)
    c = sub.add_parser("summary", help="各类记录数和临期、逾期清单")
    c.add_argument("--json", action="store_true")
    c.add_argument("--all", action="store_true", help="列出全部临期、逾期项（默认各列最早的 30 项）")
    c.set_defaults(handler=summary)
    c = sub.add_parser("search", help="在所有记录中搜索")
    c.add_argument("text")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=search)
    c = sub.add_parser("dossier", help="某人的廉政档案")
    c.add_argument("person", help="姓名或人员编号")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=dossier)
    c = sub.add_parser("check", help="检查数据库（完整性、外键、审计链、附件）")
    c.add_argument("--json", action="store_true")
    c.add_argument("--repair", action="store_true",
                   help="先清理没有任何记录使用的附件文件（需登录：--user/--password-file）")
    c.set_defaults(handler=check)
    c = sub.add_parser("gui", help="打开桌面窗口（默认）")
    c.add_argument("--startup-probe", type=Path, help=argparse.SUPPRESS)   # smoke test, benchmark
    c.set_defaults(handler=gui)


def gui(args) -> int:
    try:
        from ui.app import run_gui     # the one late import of the GUI (ARCHITECTURE.md §2)
    except ImportError as exc:
        raise UserFacingError(f"桌面界面不可用（{exc}）。请在程序目录运行 pip install -e . 重新安装。") from exc
    probe = getattr(args, "startup_probe", None)
    if probe:
        from ui.startup_probe import run_probe
        return run_probe(data_dir_of(args), args.demo, probe)
    return run_gui(data_dir_of(args), demo=args.demo)


def init(args) -> int:
    from desktop_app.services.office import init_office
    data_dir = data_dir_of(args)
    admin = (args.admin, read_secret(args.admin_password_file, "管理员口令"))
    s = init_office(data_dir, args.office_name, args.office_code, admin=admin)
    out(f"已初始化：{s.office_name}（{s.office_code}），管理员“{args.admin}”，数据目录 {data_dir}")
    s.close()
    return 0


def demo(args) -> int:
    from desktop_app.demo import fill_demo
    from desktop_app.security.demo_account import PASSWORD_FILE, ensure_demo_admin
    from desktop_app.security.roles import Permission
    from desktop_app.services.session import database_path
    data_dir = data_dir_of(args)
    if args.records < 0:
        raise UserFacingError("--records 不能为负数。")
    from desktop_app.demo import discard_half_filled
    if discard_half_filled(data_dir):           # a first fill killed half way: start again
        out(f"演示数据目录 {data_dir} 上次未生成完，已清除，重新生成。")
    if database_path(data_dir).exists():        # adding to a folder: its user must be allowed
        session_for(args, data_dir, Permission.WRITE_RECORD).close()
    stats = fill_demo(data_dir, records=args.records or None, seed=args.seed)
    out(f"已生成演示数据：{stats['total']} 条记录（{stats['units']} 个单位，{stats['persons']} 名人员），"
        f"数据目录 {data_dir}")
    if ensure_demo_admin(data_dir):
        out(f"演示管理员：管理员，口令在 {data_dir / PASSWORD_FILE}")
    return 0


def summary(args) -> int:
    from desktop_app.domain.registry import FAMILIES
    from desktop_app.services import queries
    s = session_for(args)
    try:
        result = queries.summary(s, rows=None if args.all else queries.SUMMARY_ROWS)
    finally:
        s.close()
    if args.json:
        emit(result)
        return 0
    out("各类记录数：")
    for name, n in result["counts"].items():
        out(f"  {FAMILIES[name].label}：{n}")
    for key, title in (("overdue", "已逾期"), ("due_soon", "临期（含今日到期）")):
        total = result[f"{key}_total"]
        shown = "" if len(result[key]) == total else f"，列出最早的 {len(result[key])} 项（--all 列出全部）"
        out(f"{title}：{total} 项{shown}")
        for item in result[key]:
            guess = "（该年无节假日表，按周末估算）" if item.get("estimated") else ""
            out(f"  {item['due_date']}{guess}  {item['family_label']}·{item['label']}  {item['title']}")
    return 0


def search(args) -> int:
    from desktop_app.domain.registry import FAMILIES
    from desktop_app.services import queries
    s = session_for(args)
    try:
        hits = queries.search(s, args.text)
    finally:
        s.close()
    rows = [{"family": h.family, "family_label": FAMILIES[h.family].label, "id": h.id,
             "title": h.title, "date": h.main_date, "status": h.status, "snippet": h.snippet}
            for h in hits]
    if args.json:
        emit(rows)
        return 0
    out(f"找到 {len(rows)} 条：")
    for r in rows:
        out(f"  [{r['family_label']}] {r['title']}  {r['date'] or ''}  {r['id']}")
    return 0


def dossier(args) -> int:
    from desktop_app.domain.registry import FAMILIES
    from desktop_app.services import queries
    s = session_for(args)
    try:
        d = queries.dossier(s, args.person)
        entries = queries.dossier_entries(s, d)
    finally:
        s.close()
    p = d.person
    if d.avoidance:
        sys.stderr.write(f"提示：{d.avoidance}\n")
    if args.json:
        emit({"person": {"id": p.id, "name": p["name"], "unit": d.unit_name,
                         "position": p.get("position"), "values": dict(p.values)},
              "counts": d.counts,
              "entries": [{"family": e.family, "family_label": e.family_label, "id": e.id,
                           "title": e.title, "date": e.date, "status": e.status,
                           "roles": e.roles} for e in entries]})
        return 0
    out(f"廉政档案：{p['name']}  {d.unit_name} {p.get('position') or ''}")
    for e in entries:
        out(f"  {e.date or '          '}  [{e.family_label}] {e.title}（{e.status}）")
    by_family = "，".join(f"{FAMILIES[name].label} {n}" for name, n in d.counts.items())
    out(f"共 {len(entries)} 条" + (f"（{by_family}）" if by_family else "") + "。")
    return 0


def _repair(args) -> None:
    """``check --repair``: remove attachment files no record uses (audited)."""
    from desktop_app.services.attachments import clean_up_unused
    s = session_for(args, permission="WRITE_RECORD")
    try:
        files, size = clean_up_unused(s)
    finally:
        s.close()
    if not args.json:
        out(f"已清理 {files} 个没有任何记录使用的附件文件（{size / 1048576:.1f} MB）。")


def check(args) -> int:
    import sqlite3

    from desktop_app.services.check import full_check
    from desktop_app.services.session import database_path, open_session
    data_dir = data_dir_of(args)
    path = database_path(data_dir)
    if not path.exists():
        raise UserFacingError(f"找不到数据库：{path}")
    try:
        s = open_session(data_dir, require_office=False)
    except (UserFacingError, sqlite3.DatabaseError) as exc:   # too damaged to open: offer a backup
        problems = [str(exc)]
    else:
        try:
            if args.repair:
                _repair(args)
            problems = full_check(s.conn, s.attachments_dir)
        finally:
            s.close()
    if args.json:
        emit({"ok": not problems, "problems": problems})
    elif problems:
        out("发现问题：")
        for p in problems:
            out(f"  {p}")
        _offer_backup(data_dir)
    else:
        out("检查通过：数据库完整，外键无误，审计链完好，附件齐全。")
    return 0 if not problems else 1


def _offer_backup(data_dir: Path) -> None:
    from desktop_app.security.restore import newest_good
    good, _ = newest_good(data_dir)
    if good is not None:
        out(f"最新的完好备份：{good.created:%Y-%m-%d %H:%M}（{good.records} 条记录）{good.path}")
        out(f"恢复：taizhang --data-dir {data_dir} --user 用户名 --password-file 口令文件 restore {good.path}")
