"""``taizhang export|import|conflicts|exchanges``: the USB exchange between offices.

::

    taizhang export --for CODE --to DIR --passphrase-file F [--full] [--no-peer-records] [--json]
    taizhang import FILE --passphrase-file F [--dry-run] [--json]
    taizhang conflicts [--all] [--json] [--resolve ID --keep winner|loser]
    taizhang exchanges [--json]

Import and resolving a conflict need the right to write records, the others to read
them.  Passphrase files are read as UTF-8, one trailing newline stripped, NFC.  Without
the admin passphrase (office.py) an import still applies but writes no receipt.
Refusals are one Chinese line on stderr and exit code 1 (``UserFacingError``); an
already imported package is a no-op: its message and exit code 0.
"""
from __future__ import annotations

from pathlib import Path

from desktop_app.cli.common import emit as _emit
from desktop_app.cli.common import out as _out
from desktop_app.cli.common import session_for
from desktop_app.cli.office import admin_passphrase
from desktop_app.errors import UserFacingError


def register(sub) -> None:
    c = sub.add_parser("export", help="导出数据包到U盘")
    c.add_argument("--for", dest="peer", required=True, help="收件单位代码")
    c.add_argument("--to", required=True, type=Path, help="U盘上的目标文件夹")
    c.add_argument("--passphrase-file", required=True, type=Path)
    c.add_argument("--admin-passphrase-file", type=Path)
    c.add_argument("--full", action="store_true", help="完整导出（不论对方已确认什么）")
    c.add_argument("--no-peer-records", action="store_true",
                   help="向下级导出时不附带其本单位记录")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=export)
    c = sub.add_parser("import", help="导入数据包或回执")
    c.add_argument("file", type=Path)
    c.add_argument("--passphrase-file", required=True, type=Path)
    c.add_argument("--admin-passphrase-file", type=Path)
    c.add_argument("--dry-run", action="store_true", help="只检查并显示将导入的内容")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=import_)
    c = sub.add_parser("conflicts", help="数据冲突")
    c.add_argument("--all", action="store_true", help="包括已处理的")
    c.add_argument("--json", action="store_true")
    c.add_argument("--resolve", metavar="ID", help="处理一个冲突")
    c.add_argument("--keep", choices=("winner", "loser"), default="winner",
                   help="winner：保留当前版本；loser：采用另一版本")
    c.set_defaults(handler=conflicts)
    c = sub.add_parser("exchanges", help="与各单位的交换状态")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=exchanges)


def export(args) -> int:
    from desktop_app.exchange.export import export_for
    from desktop_app.exchange.offices import load_signing_key, read_passphrase_file
    passphrase = read_passphrase_file(args.passphrase_file, "交换口令")
    s = session_for(args, None, "READ_RECORD")
    try:
        key = load_signing_key(s, admin_passphrase(args, True))
        result = export_for(s, args.peer.upper(), args.to, passphrase, key, full=args.full,
                            include_peer_records=not args.no_peer_records)
    finally:
        s.close()
    if args.json:
        _emit(result.to_json())
        return 0
    for path in result.packages:
        _out(str(path))
    _out(f"已导出 {result.records} 条记录、{result.attachments} 个附件"
         f"（{'完整导出' if result.kind == 'full' else '增量导出'}）。请安全弹出U盘。")
    return 0


def _print_summary(summary: dict) -> None:
    kind = {"full": "完整", "delta": "增量", "receipt": "回执"}.get(summary["kind"], "")
    _out(f"数据包：来自 {summary['sender']}，序号 {summary['seq']}（{kind}），"
         f"生成于 {summary['created_utc']}")
    if summary["kind"] != "receipt":
        _out(f"新增 {summary['new']}，更新 {summary['updated']}，未变 {summary['unchanged']}，"
             f"冲突 {summary['conflicts']}，拒绝 {summary['rejected']}")
    for c in summary.get("conflict_list", [])[:20]:
        _out(f"  冲突：{c['label']}“{c['title']}” 不同字段：{'、'.join(c['fields']) or '—'}")
    for r in summary.get("rejections", [])[:20]:
        _out(f"  拒绝：{r['label']} {r['id']}：{r['reason']}")
    for w in summary.get("warnings", []):
        _out(f"提示：{w}")
    if summary.get("receipt"):
        _out(f"回执已写入：{summary['receipt']}（请带回对方导入）")


def import_(args) -> int:
    from desktop_app.exchange.importer import ImportRefused, import_package
    from desktop_app.exchange.ledger import AlreadyImported
    from desktop_app.exchange.offices import load_signing_key, read_passphrase_file
    passphrase = read_passphrase_file(args.passphrase_file, "交换口令")
    s = session_for(args, None, "WRITE_RECORD")
    try:
        admin = None if args.dry_run else admin_passphrase(args, False)
        key = load_signing_key(s, admin) if admin else None
        summary = import_package(s, args.file, passphrase, dry_run=args.dry_run,
                                 signing_key=key)
    except AlreadyImported as exc:
        if args.json:
            _emit({"already_imported": exc.when, "package_id": exc.package_id, "new": 0,
                   "updated": 0, "unchanged": 0, "conflicts": 0, "rejected": 0})
        else:
            _out(str(exc))
        return 0
    except ImportRefused as exc:
        if args.json:
            _emit(exc.summary)
        raise
    finally:
        s.close()
    if args.json:
        _emit(summary)
    else:
        _print_summary(summary)
        if args.dry_run:
            _out("（试导入：数据库未改动）")
    return 0


# ------------------------------------------------------------------ conflicts, status

def _find_conflict(s, prefix: str) -> str:
    rows = s.conn.execute("SELECT id FROM sync_conflict WHERE id LIKE ?",
                          (prefix.lower() + "%",)).fetchall()
    if len(prefix) < 8 or len(rows) != 1:
        raise UserFacingError(f"找不到唯一的冲突“{prefix}”：请给出冲突编号（至少前 8 位）。")
    return rows[0][0]


def conflicts(args) -> int:
    from desktop_app.exchange.conflicts import list_conflicts, resolve_conflict
    s = session_for(args, None, "WRITE_RECORD" if args.resolve else "READ_RECORD")
    try:
        if args.resolve:
            view = resolve_conflict(s, _find_conflict(s, args.resolve), choice=args.keep)
            _out(f"已处理冲突 {view.id[:12]}（{view.label}“{view.title}”）。")
            return 0
        items = list_conflicts(s, include_resolved=args.all)
    finally:
        s.close()
    if args.json:
        _emit([v.to_json() for v in items])
        return 0
    for v in items:
        changed = "、".join(f.label for f in v.fields if f.differs) or "—"
        state = "待处理" if v.status == "open" else f"已处理（{v.resolved_by}）"
        _out(f"{v.id[:12]}  {v.label}“{v.title}”  {v.kind_label}  {state}  "
             f"发现于 {v.detected_utc}  不同字段：{changed}")
    if not items:
        _out("没有待处理的冲突。")
    return 0


def exchanges(args) -> int:
    from desktop_app.exchange.status import overview
    s = session_for(args, None, "READ_RECORD")
    try:
        items = overview(s)
    finally:
        s.close()
    if args.json:
        _emit([p.to_json() for p in items])
        return 0
    for p in items:
        _out(f"{p.code}  {p.name}（{p.relation}）：{p.message}")
    if not items:
        _out("尚未信任任何单位。")
    return 0
