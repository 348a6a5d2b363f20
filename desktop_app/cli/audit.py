"""``taizhang audit [verify]`` and ``taizhang policy``: the audit log and the security settings."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop_app.cli.common import session_for
from desktop_app.cli.common import emit as _emit
from desktop_app.cli.common import out as _out
from desktop_app.errors import ValidationError


def register(sub) -> None:
    c = sub.add_parser("audit", help="查看审计日志；audit verify 校验哈希链")
    c.add_argument("--of", help="只看这个用户")
    c.add_argument("--action", help="只看这种操作，如 登录失败、修改、备份")
    c.add_argument("--record", help="只看这条记录（编号或其开头）")
    c.add_argument("--since", help="从这天起（YYYY-MM-DD）")
    c.add_argument("--until", help="到这天为止（YYYY-MM-DD）")
    c.add_argument("--limit", type=int, default=200, help="最多显示的条数（默认 200，最新的在前）")
    c.add_argument("--xlsx", type=Path, help="把符合条件的全部条目导出到这个 .xlsx 文件")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=audit_list)
    ac = c.add_subparsers(dest="audit_command", metavar="子命令")
    v = ac.add_parser("verify", help="校验审计日志的哈希链，指出第一条被改动、插入或删除的记录")
    v.add_argument("--json", action="store_true")
    v.set_defaults(handler=audit_verify)
    c = sub.add_parser("policy", help="查看或修改安全策略和备份设置")
    c.add_argument("key", nargs="?", help="idle-minutes、lockout-minutes、max-failures、avoidance、"
                                          "backup-dir、end-of-day、three-admins")
    c.add_argument("value", nargs="?")
    c.set_defaults(handler=policy_cmd)


def _date(text: str | None, what: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(what, f"{what}应写成 YYYY-MM-DD，如 2026-03-01。") from None


def audit_list(args) -> int:
    from desktop_app.security import audit_view
    from desktop_app.security.roles import Permission
    flt = audit_view.AuditFilter(user=args.of, action=args.action, record=args.record,
                                 since=_date(args.since, "--since"), until=_date(args.until, "--until"))
    s = session_for(args, permission=Permission.READ_AUDIT)
    try:
        if args.xlsx:
            n = audit_view.export_xlsx(s, flt, args.xlsx)
            _out(f"已导出 {n} 条到 {args.xlsx}")
            return 0
        entries = audit_view.search(s, flt, limit=max(1, args.limit))
        audit_view.note_viewed(s, flt)
    finally:
        s.close()
    if args.json:
        _emit([{"seq": e.seq, "ts": e.ts, "user": e.actor, "action": e.action, "family": e.family,
                "record_id": e.record_id, "detail": e.detail,
                "changes": [c.__dict__ for c in e.changes()]} for e in entries])
        return 0
    for e in entries:
        where = f" [{e.family_label} {e.record_id[:8]}]" if e.record_id else ""
        _out(f"{e.seq:>7}  {e.ts.replace('T', ' ')}  {e.actor}  {e.action}{where}  {e.summary()[:160]}")
    _out(f"显示 {len(entries)} 条（最新的在前）。")
    return 0


def audit_verify(args) -> int:
    from desktop_app.security import audit_view
    from desktop_app.security import policy
    from desktop_app.security.roles import Permission
    s = session_for(args, permission=Permission.READ_AUDIT)
    try:
        problems = audit_view.verify_chain(s)
        total = s.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    finally:
        s.close()
    if args.json:
        _emit({"ok": not problems, "entries": total,
               "problems": [{"seq": p.seq, "message": p.message} for p in problems]})
    elif problems:
        _out(f"审计日志被改动：{problems[0].message}")
    else:
        _out(f"审计日志哈希链完好（共 {total} 条）。")
    return 0 if not problems else 1


def policy_keys() -> dict[str, str]:
    """The command-line names of the policy settings."""
    from desktop_app.security import policy
    return {"idle-minutes": policy.IDLE_MINUTES, "lockout-minutes": policy.LOCKOUT_MINUTES,
            "max-failures": policy.MAX_FAILURES, "avoidance": policy.AVOIDANCE,
            "backup-dir": policy.BACKUP_SECOND_DIR, "end-of-day": policy.BACKUP_END_OF_DAY}


def policy_cmd(args) -> int:
    from desktop_app.security import accounts, policy
    from desktop_app.security.authz import three_admins
    keys = policy_keys()
    s = session_for(args)
    try:
        if args.key == "three-admins":
            if args.value not in ("on", "off"):
                raise ValidationError("value", "three-admins 只能设为 on 或 off。")
            accounts.set_three_admins(s, args.value == "on")
        elif args.key:
            if args.key not in keys or args.value is None:
                raise ValidationError("key", "用法：taizhang policy 设置项 值；设置项为 "
                                      + "、".join([*keys, "three-admins"]))
            policy.set_policy(s, keys[args.key], args.value)
        for alias, key in keys.items():
            _out(f"{alias:<16}{policy.get(s.conn, key) or '（未设置）'}  {policy.SPECS[key].label}")
        _out(f"{'three-admins':<16}{'on' if three_admins(s.conn) else 'off'}  三员分立")
    finally:
        s.close()
    return 0
