"""What the security subcommands do; printing happens only here and in the CLI."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.security import accounts, audit_view, avoidance, backup, policy, restore
from desktop_app.security.cli import read_secret, session_for
from desktop_app.security.roles import Permission


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _emit(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def _data_dir(args) -> Path:
    from desktop_app.cli import data_dir_of
    return Path(data_dir_of(args))


# -- user --------------------------------------------------------------------------------

def user_add(args) -> int:
    data_dir = _data_dir(args)
    password = read_secret(args.new_password_file, "新口令")
    if not getattr(args, "user", None) and not args.demo and _no_accounts(data_dir):
        from desktop_app.security.roles import Role, parse_role
        if parse_role(args.role) is not Role.ADMIN:
            raise UserFacingError("本数据目录还没有账户：请先建立一个角色为“管理员”的账户。")
        accounts.create_first_admin(data_dir, args.name, password)
        _out(f"已建立首个管理员“{args.name}”。")
        return 0
    s = session_for(args, data_dir)
    try:
        a = accounts.add_user(s, args.name, args.role, password, person_id=args.person)
    finally:
        s.close()
    _out(f"已新建账户“{a.name}”（{a.role}）。")
    return 0


def _no_accounts(data_dir: Path) -> bool:
    from desktop_app.services.session import database_path, open_session
    if not database_path(data_dir).exists():
        raise UserFacingError(f"数据目录 {data_dir} 中还没有台账数据库。请先运行 taizhang init。")
    s = open_session(data_dir)
    try:
        return accounts.count(s.conn) == 0
    finally:
        s.close()


def user_list(args) -> int:
    s = session_for(args)
    try:
        rows = accounts.list_accounts(s)
    finally:
        s.close()
    if args.json:
        _emit([a.__dict__ for a in rows])
        return 0
    for a in rows:
        state = "已停用" if not a.active else ("锁定至 " + a.locked_until if a.locked_until else "正常")
        _out(f"{a.name}\t{a.role}\t{state}\t上次登录 {a.last_login or '—'}")
    _out(f"共 {len(rows)} 个账户。")
    return 0


def user_passwd(args) -> int:
    s = session_for(args)
    new = read_secret(args.new_password_file, "新口令")
    try:
        if not args.name or args.name == s.user:
            accounts.change_own_password(s, read_secret(args.password_file, "原口令"), new)
            _out("口令已修改。")
        else:
            accounts.reset_password(s, args.name, new)
            _out(f"已重置“{args.name}”的口令（并解除了锁定）。")
    finally:
        s.close()
    return 0


def user_simple(args) -> int:
    s = session_for(args)
    try:
        if args.action == "unlock":
            accounts.unlock(s, args.name)
            _out(f"已解除“{args.name}”的锁定。")
        else:
            accounts.set_active(s, args.name, args.action == "enable")
            _out(f"已{'启用' if args.action == 'enable' else '停用'}账户“{args.name}”。")
    finally:
        s.close()
    return 0


def user_role(args) -> int:
    s = session_for(args)
    try:
        accounts.set_role(s, args.name, args.role)
    finally:
        s.close()
    _out(f"“{args.name}”的角色已改为 {args.role}。")
    return 0


def user_relative(args) -> int:
    s = session_for(args)
    try:
        if args.remove:
            if args.relation == avoidance.SELF:
                avoidance.set_self(s, args.name, None)
            else:
                avoidance.remove_relative(s, args.name, args.person)
            _out("已删除这条回避关系。")
        elif args.relation == avoidance.SELF:
            avoidance.set_self(s, args.name, args.person)
            _out(f"已登记：人员 {args.person} 是“{args.name}”本人。")
        else:
            if not args.relation:
                raise ValidationError("relation", "请用 --relation 写明亲属关系，或用 --remove 删除。")
            avoidance.add_relative(s, args.name, args.person, args.relation)
            _out(f"已登记“{args.name}”的{args.relation}：{args.person}。")
    finally:
        s.close()
    return 0


# -- backups -----------------------------------------------------------------------------

def _info_json(b: backup.BackupInfo) -> dict:
    return {"file": str(b.path), "created": b.created.isoformat(), "kind": b.kind,
            "kind_label": b.kind_label, "office": b.office_name, "records": b.records,
            "counts": b.counts, "attachments": b.attachments, "encrypted": b.encrypted,
            "size": b.file_size}


def backup_now(args) -> int:
    s = session_for(args, permission=Permission.BACKUP)
    try:
        result = backup.make_backup(s, kind="manual", to_dir=args.to)
    finally:
        s.close()
    if args.json:
        _emit(_info_json(result.info) | {"second_copy": result.second_copy,
                                         "warnings": result.warnings, "seconds": result.seconds})
        return 0
    info = result.info
    _out(f"已备份并校验：{info.path}（{info.records} 条记录，{info.attachments} 个附件，"
         f"{info.file_size / 1048576:.1f} MB{'，已加密' if info.encrypted else ''}，用时 {result.seconds:.1f} 秒）")
    if result.second_copy:
        _out(f"已复制到第二位置：{result.second_copy}")
    for w in result.warnings:
        _out(f"注意：{w}")
    return 0


def backups_list(args) -> int:
    rows = backup.list_backups(_data_dir(args), args.folders)
    if args.json:
        _emit([_info_json(b) for b in rows])
        return 0
    for b in rows:
        _out(f"{b.created:%Y-%m-%d %H:%M}  {b.kind_label:<4}  {b.records:>7} 条记录  "
             f"{b.file_size / 1048576:7.1f} MB  {'加密' if b.encrypted else '    '}  {b.path}")
    _out(f"共 {len(rows)} 个备份。" if rows else "没有找到备份。")
    return 0


def restore_backup(args) -> int:
    data_dir = _data_dir(args)
    passphrase = read_secret(args.passphrase_file, "备份口令") if args.passphrase_file else None
    state = restore.health(data_dir)
    if state.ok:
        result = restore.restore(data_dir, args.backup, session=session_for(args, data_dir),
                                 passphrase=passphrase)
    else:
        from desktop_app.security.cli import credentials
        name, password = credentials(args, data_dir)
        result = restore.restore(data_dir, args.backup, name=name, password=password,
                                 passphrase=passphrase)
    info = result.info
    if args.json:
        _emit(_info_json(info) | {"replaced": result.replaced, "pre_restore": result.pre_restore,
                                  "instance": result.instance, "seconds": result.seconds})
        return 0
    _out(f"已恢复 {info.created:%Y-%m-%d %H:%M} 的备份（{info.records} 条记录），用时 {result.seconds:.1f} 秒。")
    if result.pre_restore:
        _out(f"恢复前的数据库已备份为 {result.pre_restore}")
    if result.replaced:
        _out(f"原数据库文件已移到 {result.replaced}")
    _out(f"本数据库已换用新的实例号 {result.instance}；交换时对方会据此发来完整数据包。")
    return 0


def backup_passphrase(args) -> int:
    s = session_for(args)
    try:
        backup.set_passphrase(s, read_secret(args.new_passphrase_file, "备份口令"))
    finally:
        s.close()
    _out("已设置备份口令：此后的备份都将加密。请把口令交给单位按保密制度保管，遗失后加密备份无法恢复。")
    return 0


# -- audit and policy --------------------------------------------------------------------

def _date(text: str | None, what: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(what, f"{what}应写成 YYYY-MM-DD，如 2026-03-01。") from None


def audit_list(args) -> int:
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


POLICY_KEYS = {"idle-minutes": policy.IDLE_MINUTES, "lockout-minutes": policy.LOCKOUT_MINUTES,
               "max-failures": policy.MAX_FAILURES, "avoidance": policy.AVOIDANCE,
               "backup-dir": policy.BACKUP_SECOND_DIR, "end-of-day": policy.BACKUP_END_OF_DAY}


def policy_cmd(args) -> int:
    s = session_for(args)
    try:
        if args.key == "three-admins":
            if args.value not in ("on", "off"):
                raise ValidationError("value", "three-admins 只能设为 on 或 off。")
            accounts.set_three_admins(s, args.value == "on")
        elif args.key:
            if args.key not in POLICY_KEYS or args.value is None:
                raise ValidationError("key", "用法：taizhang policy 设置项 值；设置项为 "
                                      + "、".join([*POLICY_KEYS, "three-admins"]))
            policy.set_policy(s, POLICY_KEYS[args.key], args.value)
        from desktop_app.security.authz import three_admins
        for alias, key in POLICY_KEYS.items():
            _out(f"{alias:<16}{policy.get(s.conn, key) or '（未设置）'}  {policy.SPECS[key].label}")
        _out(f"{'three-admins':<16}{'on' if three_admins(s.conn) else 'off'}  三员分立")
    finally:
        s.close()
    return 0
