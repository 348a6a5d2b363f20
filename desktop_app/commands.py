"""What each ``taizhang`` subcommand does; printing happens only here and in cli.py."""
from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from desktop_app.errors import UserFacingError
from desktop_app.services import queries
from desktop_app.services.check import full_check
from desktop_app.services.office import init_office
from desktop_app.security.cli import read_secret, session_for
from desktop_app.services.session import database_path, open_session


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def init(args, data_dir: Path, emit) -> int:
    admin = (args.admin, read_secret(args.admin_password_file, "管理员口令"))
    s = init_office(data_dir, args.office_name, args.office_code, admin=admin)
    _out(f"已初始化：{s.office_name}（{s.office_code}），管理员“{args.admin}”，数据目录 {data_dir}")
    s.close()
    return 0


def demo(args, data_dir: Path, emit) -> int:
    from desktop_app.demo import fill_demo
    from desktop_app.security.demo_account import PASSWORD_FILE, ensure_demo_admin
    from desktop_app.security.roles import Permission
    if args.records < 0:
        raise UserFacingError("--records 不能为负数。")
    if database_path(data_dir).exists():        # adding to a folder: its user must be allowed
        session_for(args, data_dir, Permission.WRITE_RECORD).close()
    stats = fill_demo(data_dir, records=args.records or None, seed=args.seed)
    _out(f"已生成演示数据：{stats['total']} 条记录（{stats['units']} 个单位，{stats['persons']} 名人员），"
         f"数据目录 {data_dir}")
    if ensure_demo_admin(data_dir):
        _out(f"演示管理员：管理员，口令在 {data_dir / PASSWORD_FILE}")
    return 0


def summary(args, data_dir: Path, emit) -> int:
    s = session_for(args, data_dir)
    try:
        result = queries.summary(s)
    finally:
        s.close()
    if args.json:
        emit(result)
        return 0
    from desktop_app.domain.registry import FAMILIES
    _out("各类记录数：")
    for name, n in result["counts"].items():
        _out(f"  {FAMILIES[name].label}：{n}")
    for key, title in (("overdue", "已逾期"), ("due_soon", "临期（含今日到期）")):
        _out(f"{title}：{len(result[key])} 项")
        for item in result[key][:30]:
            guess = "（该年无节假日表，按周末估算）" if item.get("estimated") else ""
            _out(f"  {item['due_date']}{guess}  {item['family_label']}·{item['label']}  {item['title']}")
    return 0


def search(args, data_dir: Path, emit) -> int:
    s = session_for(args, data_dir)
    try:
        hits = queries.search(s, args.text)
    finally:
        s.close()
    from desktop_app.domain.registry import FAMILIES
    rows = [{"family": h.family, "family_label": FAMILIES[h.family].label, "id": h.id,
             "title": h.title, "date": h.main_date, "status": h.status, "snippet": h.snippet}
            for h in hits]
    if args.json:
        emit(rows)
        return 0
    _out(f"找到 {len(rows)} 条：")
    for r in rows:
        _out(f"  [{r['family_label']}] {r['title']}  {r['date'] or ''}  {r['id']}")
    return 0


def dossier(args, data_dir: Path, emit) -> int:
    s = session_for(args, data_dir)
    try:
        d = queries.dossier(s, args.person)
    finally:
        s.close()
    p = d.person
    if d.avoidance:
        sys.stderr.write(f"提示：{d.avoidance}\n")
    if args.json:
        emit({"person": {"id": p.id, "name": p["name"], "unit": d.unit_name,
                         "position": p.get("position"), "values": dict(p.values)},
              "entries": [{"family": e.family, "family_label": e.family_label, "id": e.id,
                           "title": e.title, "date": e.date, "status": e.status,
                           "roles": e.roles} for e in d.entries]})
        return 0
    _out(f"廉政档案：{p['name']}  {d.unit_name} {p.get('position') or ''}")
    for e in d.entries:
        _out(f"  {e.date or '          '}  [{e.family_label}] {e.title}（{e.status}）")
    _out(f"共 {len(d.entries)} 条。")
    return 0


def check(args, data_dir: Path, emit) -> int:
    path = database_path(data_dir)
    if not path.exists():
        raise UserFacingError(f"找不到数据库：{path}")
    try:
        s = open_session(data_dir, require_office=False)
    except (UserFacingError, sqlite3.DatabaseError) as exc:   # too damaged to open: offer a backup
        problems = [str(exc)]
    else:
        try:
            problems = full_check(s.conn, s.attachments_dir)
        finally:
            s.close()
    if args.json:
        emit({"ok": not problems, "problems": problems})
    elif problems:
        _out("发现问题：")
        for p in problems:
            _out(f"  {p}")
        _offer_backup(data_dir)
    else:
        _out("检查通过：数据库完整，外键无误，审计链完好，附件齐全。")
    return 0 if not problems else 1


def _offer_backup(data_dir: Path) -> None:
    from desktop_app.security.restore import newest_good
    good, _ = newest_good(data_dir)
    if good is not None:
        _out(f"最新的完好备份：{good.created:%Y-%m-%d %H:%M}（{good.records} 条记录）{good.path}")
        _out(f"恢复：taizhang --data-dir {data_dir} --user 用户名 --password-file 口令文件 restore {good.path}")
