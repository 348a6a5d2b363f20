"""``taizhang`` subcommands of the USB exchange (issue 5 item 7); the only place here
that prints.

::

    taizhang office keygen --admin-passphrase-file F [--from KEYFILE] [--replace]
    taizhang office card -o FILE
    taizhang office trust FILE [--upper | --lower] [--replace]
    taizhang office list [--json]
    taizhang export --for CODE --to DIR --passphrase-file F [--full] [--no-peer-records] [--json]
    taizhang import FILE --passphrase-file F [--dry-run] [--json]
    taizhang conflicts [--all] [--json] [--resolve ID --keep winner|loser]
    taizhang exchanges [--json]

Every command acts as the logged-in user of the global ``--user NAME --password-file F``
(``security.cli.session_for``): keygen and trust need the right to manage keys, import
and resolving a conflict to write records, the others to read them.

Passphrase files are read as UTF-8, one trailing newline stripped, NFC.  The admin
passphrase that unlocks the office's signing key (needed to export, and to write the
receipt after an import) comes from ``--admin-passphrase-file`` or, failing that, the
file named by the environment variable ``TAIZHANG_ADMIN_PASSPHRASE_FILE``.  Without
it an import still applies but writes no receipt.

Refusals are one Chinese line on stderr and exit code 1 (``UserFacingError``); an
already imported package is a no-op: its message and exit code 0.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from desktop_app.errors import UserFacingError

ADMIN_ENV = "TAIZHANG_ADMIN_PASSPHRASE_FILE"


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _emit(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def _session(args, permission: str | None = None):
    """The logged-in session of the acting user (global --user/--password-file)."""
    from desktop_app.security.cli import session_for
    from desktop_app.security.roles import Permission
    return session_for(args, None, Permission[permission] if permission else None)


def _admin_passphrase(args, required: bool) -> str | None:
    from .offices import read_passphrase_file
    path = getattr(args, "admin_passphrase_file", None) or os.environ.get(ADMIN_ENV)
    if not path:
        if required:
            raise UserFacingError("需要管理员口令来使用本单位签名密钥：请用 --admin-passphrase-file"
                                  f" 指定口令文件，或设置环境变量 {ADMIN_ENV}。")
        return None
    return read_passphrase_file(path, "管理员口令")


# ------------------------------------------------------------------ office

def office_keygen(args) -> int:
    from .offices import setup_office_key
    s = _session(args, "MANAGE_KEYS")
    try:
        fp = setup_office_key(s, _admin_passphrase(args, True), key_file=args.key_from,
                              replace=args.replace)
    finally:
        s.close()
    _out(f"已{'导入' if args.key_from else '生成'}本单位签名密钥，指纹：{fp}")
    return 0


def office_card(args) -> int:
    from .offices import write_card
    s = _session(args)
    try:
        card = write_card(s, args.output)
    finally:
        s.close()
    _out(f"已写出单位名片 {args.output}（{card.office_name}，{card.office_code}）")
    _out(f"指纹：{card.fingerprint}（请对方电话核对）")
    return 0


def office_trust(args) -> int:
    from .offices import trust_office
    relation = "upper" if args.upper else ("lower" if args.lower else None)
    s = _session(args, "MANAGE_KEYS")
    try:
        card = trust_office(s, args.card, relation, replace=args.replace)
    finally:
        s.close()
    _out(f"已信任 {card.office_name}（{card.office_code}）")
    _out(f"指纹：{card.fingerprint}")
    return 0


def office_list(args) -> int:
    from .offices import list_offices
    s = _session(args)
    try:
        items = list_offices(s.conn)
    finally:
        s.close()
    if args.json:
        _emit([o.__dict__ for o in items])
        return 0
    for o in items:
        _out(f"{o.code}  {o.name}  {o.relation}  指纹 {o.fingerprint}  信任于 {o.trusted_at}")
    if not items:
        _out("尚未信任任何单位。")
    return 0


# ------------------------------------------------------------------ export / import

def export(args) -> int:
    from .export import export_for
    from .offices import load_signing_key, read_passphrase_file
    passphrase = read_passphrase_file(args.passphrase_file, "交换口令")
    s = _session(args, "READ_RECORD")
    try:
        key = load_signing_key(s, _admin_passphrase(args, True))
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
    from .importer import ImportRefused, import_package
    from .ledger import AlreadyImported
    from .offices import load_signing_key, read_passphrase_file
    passphrase = read_passphrase_file(args.passphrase_file, "交换口令")
    s = _session(args, "WRITE_RECORD")
    try:
        admin = None if args.dry_run else _admin_passphrase(args, False)
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
    from .conflicts import list_conflicts, resolve_conflict
    s = _session(args, "WRITE_RECORD" if args.resolve else "READ_RECORD")
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
    from .status import overview
    s = _session(args, "READ_RECORD")
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


# ------------------------------------------------------------------ argparse

def _office_parsers(sub) -> None:
    office = sub.add_parser("office", help="本单位密钥、单位名片和可信单位")
    osub = office.add_subparsers(dest="office_command", required=True)
    c = osub.add_parser("keygen", help="生成（或导入）本单位签名密钥")
    c.add_argument("--admin-passphrase-file", required=True, type=Path)
    c.add_argument("--from", dest="key_from", type=Path, help="本单位第一台工作站的密钥文件")
    c.add_argument("--replace", action="store_true", help="更换已有密钥")
    c.set_defaults(handler=office_keygen)
    c = osub.add_parser("card", help="写出本单位名片")
    c.add_argument("-o", "--output", required=True, type=Path)
    c.set_defaults(handler=office_card)
    c = osub.add_parser("trust", help="信任另一单位（导入其名片）")
    c.add_argument("card", type=Path)
    rel = c.add_mutually_exclusive_group()
    rel.add_argument("--upper", action="store_true", help="对方是本单位的上级单位")
    rel.add_argument("--lower", action="store_true", help="对方是本单位的下级单位")
    c.add_argument("--replace", action="store_true", help="对方更换了密钥")
    c.set_defaults(handler=office_trust)
    c = osub.add_parser("list", help="已信任的单位")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=office_list)


def register(sub) -> None:
    _office_parsers(sub)
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
