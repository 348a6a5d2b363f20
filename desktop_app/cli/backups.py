"""``taizhang backup|backups|restore|backup-passphrase``: backups made, listed, checked and put back."""
from __future__ import annotations

from pathlib import Path

from desktop_app.cli.common import credentials, data_dir_of, read_secret, session_for
from desktop_app.cli.common import emit as _emit
from desktop_app.cli.common import out as _out


def register(sub) -> None:
    c = sub.add_parser("backup", help="立即备份（数据库和附件，备份后校验）")
    c.add_argument("--to", type=Path, help="备份到这个目录（如 U 盘），而不是数据目录的 backups")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=backup_now)
    c = sub.add_parser("backups", help="列出备份（时间、类型、记录数），无须登录")
    c.add_argument("--in", dest="folders", type=Path, action="append", help="另外查看的目录")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=backups_list)
    c = sub.add_parser("restore", help="校验并恢复一个备份（先留存当前数据库）")
    c.add_argument("backup", type=Path)
    c.add_argument("--passphrase-file", type=Path, help="备份口令文件（加密的备份需要）")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=restore_backup)
    c = sub.add_parser("backup-passphrase", help="设置备份口令：此后的备份都加密")
    c.add_argument("--new-passphrase-file", type=Path, required=True)
    c.set_defaults(handler=backup_passphrase)


def _info_json(b) -> dict:
    return {"file": str(b.path), "created": b.created.isoformat(), "kind": b.kind,
            "kind_label": b.kind_label, "office": b.office_name, "records": b.records,
            "counts": b.counts, "attachments": b.attachments, "encrypted": b.encrypted,
            "size": b.file_size}


def backup_now(args) -> int:
    from desktop_app.security import backup
    from desktop_app.security.roles import Permission
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
    from desktop_app.security import backup
    rows = backup.list_backups(data_dir_of(args), args.folders)
    if args.json:
        _emit([_info_json(b) for b in rows])
        return 0
    for b in rows:
        _out(f"{b.created:%Y-%m-%d %H:%M}  {b.kind_label:<4}  {b.records:>7} 条记录  "
             f"{b.file_size / 1048576:7.1f} MB  {'加密' if b.encrypted else '    '}  {b.path}")
    _out(f"共 {len(rows)} 个备份。" if rows else "没有找到备份。")
    return 0


def restore_backup(args) -> int:
    from desktop_app.security import restore
    data_dir = data_dir_of(args)
    passphrase = read_secret(args.passphrase_file, "备份口令") if args.passphrase_file else None
    state = restore.health(data_dir)
    if state.ok:
        result = restore.restore(data_dir, args.backup, session=session_for(args, data_dir),
                                 passphrase=passphrase)
    else:
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
    from desktop_app.security import backup
    s = session_for(args)
    try:
        backup.set_passphrase(s, read_secret(args.new_passphrase_file, "备份口令"))
    finally:
        s.close()
    _out("已设置备份口令：此后的备份都将加密。请把口令交给单位按保密制度保管，遗失后加密备份无法恢复。")
    return 0
