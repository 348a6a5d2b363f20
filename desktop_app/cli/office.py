"""``taizhang office show|set|keygen|card|trust|list``: this office's settings (name,
code, 代字, contacts, letterhead …), its signing key, its card and the offices it
trusts (the USB exchange, issue 5 item 7).

Every command acts as the logged-in user of the global ``--user NAME --password-file F``:
keygen and trust need the right to manage keys, the others to read records.

The admin passphrase that unlocks the office's signing key (needed to export, and to
write the receipt after an import) comes from ``--admin-passphrase-file`` or, failing
that, the file named by the environment variable ``TAIZHANG_ADMIN_PASSPHRASE_FILE``.
"""
from __future__ import annotations

import os
from pathlib import Path

from desktop_app.cli.common import emit as _emit
from desktop_app.cli.common import out as _out
from desktop_app.cli.common import session_for
from desktop_app.errors import UserFacingError

ADMIN_ENV = "TAIZHANG_ADMIN_PASSPHRASE_FILE"


def register(sub) -> None:
    office = sub.add_parser("office", help="本单位设置、密钥、单位名片和可信单位")
    osub = office.add_subparsers(dest="office_command", required=True)
    c = osub.add_parser("show", help="显示本单位设置（名称、代码、代字、联系人、电话、版头等）")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=office_show)
    c = osub.add_parser("set", help="修改一项本单位设置，如 taizhang office set phone 0791-1234567",
                        description="可设置的项：name 机关名称，code 机关代码，abbr 机关代字，"
                                    "contact 联系人，phone 联系电话，letterhead 发文机关标志，"
                                    "issuer 发文机关署名，bureau 办公室名义，supervision 监察委员会名义，"
                                    "duplex 公文双面印刷（是/否），"
                                    "party_committee 同级党委，"
                                    "superior 上级纪委，rest_day_shift 期限遇节假日顺延（是/否），"
                                    "yellow_days 临期预警提前工作日数")
    c.add_argument("key", help="设置项，如 contact、phone、abbr")
    c.add_argument("value", help="新的值")
    c.set_defaults(handler=office_set)
    c = osub.add_parser("unset", help="清除一项本单位设置，公文改用默认值，如 taizhang office unset bureau")
    c.add_argument("key", help="设置项，如 contact、bureau、supervision")
    c.set_defaults(handler=office_unset)
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


def _session(args, permission: str | None = None):
    """The logged-in session of the acting user (global --user/--password-file)."""
    return session_for(args, None, permission)


def admin_passphrase(args, required: bool) -> str | None:
    from desktop_app.exchange.offices import read_passphrase_file
    path = getattr(args, "admin_passphrase_file", None) or os.environ.get(ADMIN_ENV)
    if not path:
        if required:
            raise UserFacingError("需要管理员口令来使用本单位签名密钥：请用 --admin-passphrase-file"
                                  f" 指定口令文件，或设置环境变量 {ADMIN_ENV}。")
        return None
    return read_passphrase_file(path, "管理员口令")


def office_keygen(args) -> int:
    from desktop_app.exchange.offices import setup_office_key
    s = _session(args, "MANAGE_KEYS")
    try:
        fp = setup_office_key(s, admin_passphrase(args, True), key_file=args.key_from,
                              replace=args.replace)
    finally:
        s.close()
    _out(f"已{'导入' if args.key_from else '生成'}本单位签名密钥，指纹：{fp}")
    return 0


def office_card(args) -> int:
    from desktop_app.exchange.offices import write_card
    s = _session(args)
    try:
        card = write_card(s, args.output)
    finally:
        s.close()
    _out(f"已写出单位名片 {args.output}（{card.office_name}，{card.office_code}）")
    _out(f"指纹：{card.fingerprint}（请对方电话核对）")
    return 0


def office_trust(args) -> int:
    from desktop_app.exchange.offices import trust_office
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
    from desktop_app.exchange.offices import list_offices
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


def office_show(args) -> int:
    from desktop_app.services.office import office_settings
    s = _session(args)
    try:
        rows = office_settings(s)
    finally:
        s.close()
    if args.json:
        _emit({r["key"]: {"label": r["label"], "value": r["value"], "default": r["default"]}
               for r in rows})
        return 0
    width = max(len(r["key"]) for r in rows)
    for r in rows:
        value = r["value"]
        if r["key"] == "rest_day_shift" or (r["key"] == "duplex" and value is not None):
            value = "是" if value != "0" else "否"
        if value is None:
            value = f"（未设置，使用“{r['default']}”）" if r["default"] else "（未设置）"
        _out(f"{r['key']:<{width}}  {r['label']}：{value}")
    return 0


def office_set(args) -> int:
    from desktop_app.services.office import OFFICE_KEYS, set_office_value
    s = _session(args, "MANAGE_SETTINGS")
    try:
        value = set_office_value(s, args.key, args.value)
    finally:
        s.close()
    label = OFFICE_KEYS[args.key].label
    if args.key in ("rest_day_shift", "duplex"):
        value = "是" if value == "1" else "否"
    _out(f"已修改 {label}：{value}")
    return 0


def office_unset(args) -> int:
    from desktop_app.services.office import OFFICE_KEYS, unset_office_value
    s = _session(args, "MANAGE_SETTINGS")
    try:
        default = unset_office_value(s, args.key)
    finally:
        s.close()
    label = OFFICE_KEYS[args.key].label
    _out(f"已清除 {label}" + (f"，公文将使用“{default}”" if default else ""))
    return 0
