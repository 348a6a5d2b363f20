"""``taizhang user add|list|passwd|unlock|disable|enable|role|relative``: accounts and 回避."""
from __future__ import annotations

from pathlib import Path

from desktop_app.cli.common import data_dir_of, read_secret, session_for
from desktop_app.cli.common import emit as _emit
from desktop_app.cli.common import out as _out
from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.security.roles import ACCOUNT_ROLES


def register(sub) -> None:
    user = sub.add_parser("user", help="账户：新建、列出、改口令、解锁、停用、角色、回避关系")
    us = user.add_subparsers(dest="user_command", metavar="子命令")
    us.required = True
    c = us.add_parser("add", help="新建账户（尚无账户时可不登录，建立首个管理员）")
    c.add_argument("name")
    c.add_argument("--role", required=True, help="角色：" + "、".join(r.value for r in ACCOUNT_ROLES))
    c.add_argument("--new-password-file", type=Path, required=True)
    c.add_argument("--person", help="本人的人员编号（用于回避）")
    c.set_defaults(handler=user_add)
    c = us.add_parser("list", help="列出账户")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=user_list)
    c = us.add_parser("passwd", help="修改自己的口令，或（管理员）重置他人的口令")
    c.add_argument("name", nargs="?")
    c.add_argument("--new-password-file", type=Path, required=True)
    c.set_defaults(handler=user_passwd)
    for name, text in (("unlock", "解除锁定"), ("disable", "停用账户"), ("enable", "启用账户")):
        c = us.add_parser(name, help=text)
        c.add_argument("name")
        c.set_defaults(handler=user_simple, action=name)
    c = us.add_parser("role", help="修改账户的角色")
    c.add_argument("name")
    c.add_argument("role")
    c.set_defaults(handler=user_role)
    c = us.add_parser("relative", help="回避关系：登记或删除某账户的亲属（人员编号）")
    c.add_argument("name")
    c.add_argument("person", help="人员编号")
    c.add_argument("--relation", help="关系，如 配偶、子女、父母；写“本人”表示就是此人")
    c.add_argument("--remove", action="store_true")
    c.set_defaults(handler=user_relative)


def user_add(args) -> int:
    from desktop_app.security import accounts
    data_dir = data_dir_of(args)
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
    from desktop_app.security import accounts
    from desktop_app.services.session import database_path, open_session
    if not database_path(data_dir).exists():
        raise UserFacingError(f"数据目录 {data_dir} 中还没有台账数据库。请先运行 taizhang init。")
    s = open_session(data_dir)
    try:
        return accounts.count(s.conn) == 0
    finally:
        s.close()


def user_list(args) -> int:
    from desktop_app.security import accounts
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
    from desktop_app.security import accounts
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
    from desktop_app.security import accounts
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
    from desktop_app.security import accounts
    s = session_for(args)
    try:
        accounts.set_role(s, args.name, args.role)
    finally:
        s.close()
    _out(f"“{args.name}”的角色已改为 {args.role}。")
    return 0


def user_relative(args) -> int:
    from desktop_app.security import avoidance
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
