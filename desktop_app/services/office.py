"""Setting up an office's data folder, and the office settings."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.security import accounts, authz
from desktop_app.security.roles import Role
from desktop_app.services.session import Session, database_path, open_session
from desktop_app.store import audit
from desktop_app.store.db import transaction

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
DEFAULT_SETTINGS = {
    "prefix.函": "纪函", "prefix.办函": "纪办函", "prefix.纪建": "纪建", "prefix.监建": "监建",
    "prefix.谈": "纪谈", "prefix.整改": "纪改",
    "warning.yellow_working_days": "5",
    "deadline.rest_day_shift": "1",
}


def check_office(name: str, code: str) -> tuple[str, str]:
    name, code = (name or "").strip(), (code or "").strip().upper()
    if not name:
        raise ValidationError("office_name", "请填写机关名称。")
    if len(name) > 60:
        raise ValidationError("office_name", "机关名称最多 60 字。")
    if not CODE_PATTERN.fullmatch(code):
        raise ValidationError("office_code", "机关代码只能用大写字母、数字和“-”，2 至 32 位，如 CNTY-07。")
    return name, code


def init_office(data_dir: Path | str, name: str, code: str, *, user: str | None = None,
                settings: dict[str, str] | None = None,
                admin: tuple[str, str] | None = None) -> Session:
    """Create the database and record this office; refuses a folder already set up.

    ``admin`` = (name, password) creates the first 管理员 in the same transaction
    (the CLI and the GUI's first start always give one).
    """
    name, code = check_office(name, code)
    if admin is not None:       # refuse a bad name or password before creating anything
        accounts.check_name(admin[0])
        from desktop_app.security.passwords import check_policy
        check_policy(admin[1], admin[0])
    path = database_path(Path(data_dir))
    if path.exists():
        s = open_session(data_dir, user=user, require_office=False)
        if s.office_code:
            s.close()
            raise UserFacingError(f"数据目录已初始化（机关：{s.office_name}，代码 {s.office_code}），未做任何改动。")
    else:
        try:
            s = open_session(data_dir, user=user, require_office=False)
        except BaseException:           # a half-made database must not look initialised
            for suffix in ("", "-wal", "-shm"):
                Path(str(path) + suffix).unlink(missing_ok=True)
            raise
    ts = s.now().isoformat(timespec="seconds")
    with transaction(s.conn):
        s.conn.execute("INSERT INTO office (code, name, is_self) VALUES (?, ?, 1)", (code, name))
        for key, value in (DEFAULT_SETTINGS | (settings or {})).items():
            s.conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (key, value))
        audit.append(s.conn, ts=ts, actor=s.user, action="初始化",
                     detail={"office": name, "code": code})
        if admin is not None:
            accounts.insert(s.conn, name=admin[0], role=Role.ADMIN, password=admin[1],
                            actor=s.user, ts=ts, action="创建首个管理员")
    s.office_code, s.office_name = code, name
    return s


def _audit_setting(s: Session, key: str, old, new) -> None:
    """One 修改设置 entry: the setting's key and its value before and after (None: not set)."""
    audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                 action="修改设置", detail={"key": key, "changes": [old, new]})


def set_setting(s: Session, key: str, value: str) -> None:
    authz.require(s, authz.setting_permission(key), f"修改设置“{key}”")
    with transaction(s.conn):
        old = s.setting(key)
        s.conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (key, value))
        _audit_setting(s, key, old, value)


def set_rest_day_shift(s: Session, on: bool) -> int:
    """Switch the rest-day rule (deadlines.REST_DAY_RULE) and recompute every stored
    deadline under it at once; returns how many records' deadlines moved."""
    from desktop_app.exchange.apply import refresh_deadlines
    from desktop_app.services.session import REST_DAY_SHIFT_KEY
    authz.require(s, authz.setting_permission(REST_DAY_SHIFT_KEY), "修改期限规则")
    value = "1" if on else "0"
    old = s.setting(REST_DAY_SHIFT_KEY, "1")
    from desktop_app.services.holidays import recompute_stored
    calendar, before = s.calendar.with_rest_day_shift(on), s.calendar
    try:
        with transaction(s.conn):
            s.conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)",
                           (REST_DAY_SHIFT_KEY, value))
            _audit_setting(s, REST_DAY_SHIFT_KEY, old, value)
            s.calendar = calendar
            moved = recompute_stored(s, "期限规则：" + ("遇节假日顺延至下一工作日" if on else "不顺延"))
            moved += refresh_deadlines(s.conn, calendar)
    except BaseException:
        s.calendar = before
        raise
    return moved


# ---------------------------------------------------------------- office settings (CLI)

@dataclass(frozen=True)
class OfficeKey:
    key: str                      # what the user types: taizhang office set KEY VALUE
    label: str
    setting: str | None           # the ``setting`` row; None: a column of ``office``
    limit: int = 60
    check: Callable[[str], str] | None = None


def _check_phone(value: str) -> str:
    if not re.fullmatch(r"[0-9０-９()（）+\- 、,，转]{3,40}", value):
        raise ValidationError("phone", "联系电话只能含数字、“-”、括号、空格和“转”，如 0791-1234567。")
    return value


def _yes_no(field: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value in ("1", "是", "开", "on", "yes", "true"):
            return "1"
        if value in ("0", "否", "关", "off", "no", "false"):
            return "0"
        raise ValidationError(field, "请写“是”或“否”。")
    return check


def _check_yellow(value: str) -> str:
    if not value.isdigit() or not 0 <= int(value) <= 60:
        raise ValidationError("yellow_days", "临期预警的提前工作日数应为 0 到 60 之间的整数。")
    return str(int(value))


def _check_letterhead(value: str) -> str:
    if "\n" in value:
        raise ValidationError("letterhead", "发文机关标志只能写一行。")
    return value


OFFICE_KEYS: dict[str, OfficeKey] = {k.key: k for k in (
    OfficeKey("name", "机关名称", None),
    OfficeKey("code", "机关代码", None),
    OfficeKey("abbr", "机关代字（发文字号用，如“临”得“临纪函”）", "doc.abbr", 10),
    OfficeKey("contact", "联系人", "doc.contact", 30),
    OfficeKey("phone", "联系电话", "doc.phone", 40, _check_phone),
    OfficeKey("letterhead", "发文机关标志（版头红字）", "doc.letterhead", 40, _check_letterhead),
    OfficeKey("issuer", "发文机关署名", "doc.office", 60),
    OfficeKey("bureau", "办公室名义（函询通知书等）", "doc.office_bureau", 60),
    OfficeKey("supervision", "监察委员会名义（监察建议书）", "doc.supervision_office", 60),
    OfficeKey("duplex", "公文双面印刷（版记放在偶数页）", "doc.duplex", 5, _yes_no("duplex")),
    OfficeKey("party_committee", "同级党委", "org.party_committee", 60),
    OfficeKey("superior", "上级纪委", "org.superior", 60),
    OfficeKey("rest_day_shift", "期限遇节假日顺延至下一工作日", "deadline.rest_day_shift", 5, _yes_no("rest_day_shift")),
    OfficeKey("yellow_days", "临期预警提前工作日数", "warning.yellow_working_days", 5, _check_yellow),
)}


def office_settings(s: Session) -> list[dict[str, str | None]]:
    """Every office setting the CLI shows, with its key, label and value (None: not set)."""
    out = []
    for k in OFFICE_KEYS.values():
        if k.setting is None:
            value = s.office_name if k.key == "name" else s.office_code
        else:
            value = s.setting(k.setting)
        out.append({"key": k.key, "label": k.label, "value": value,
                    "default": None if value else _fallback(s, k.key)})
    return out


def _fallback(s: Session, key: str) -> str | None:
    """What the letters use while a setting is not set (services/documents.py and
    document_values.issuing_organ, so the two never disagree)."""
    if key == "abbr":
        from desktop_app.services.documents import abbreviation
        return abbreviation(s)
    if key == "letterhead":
        return s.setting("doc.office") or s.office_name
    if key == "duplex":
        return "文件格式双面、信函格式单面"
    organ_of = {"issuer": "提醒函", "bureau": "函询通知书", "supervision": "监察建议书"}
    if key in organ_of:
        from desktop_app.services.document_values import issuing_organ
        return issuing_organ(s, organ_of[key])
    return None


# settings the program cannot do without: never unset (name, code, the deadline rules)
REQUIRED_KEYS = ("name", "code", "rest_day_shift", "yellow_days")


def check_office_value(s: Session, key: str, value: str) -> str:
    """The value as it would be stored, or ValidationError; writes nothing."""
    spec = OFFICE_KEYS.get(key)
    if spec is None:
        raise ValidationError("key", f"没有“{key}”这项设置。可设置：{'、'.join(OFFICE_KEYS)}。")
    value = (value or "").strip()
    if key in ("name", "code"):
        name, code = check_office(value if key == "name" else s.office_name,
                                  value if key == "code" else s.office_code)
        return name if key == "name" else code
    if not value:
        raise ValidationError(key, f"{spec.label}不能为空。")
    if len(value) > spec.limit:
        raise ValidationError(key, f"{spec.label}最多 {spec.limit} 字。")
    return spec.check(value) if spec.check else value


def set_office_value(s: Session, key: str, value: str) -> str:
    """``taizhang office set KEY VALUE``: checks, writes and audits one setting;
    returns the value as stored. Bad input changes nothing."""
    value = check_office_value(s, key, value)
    if key == "name":
        return _rename_office(s, value)
    if key == "code":
        return _recode_office(s, value)
    if key == "rest_day_shift":
        set_rest_day_shift(s, value == "1")
    else:
        set_setting(s, OFFICE_KEYS[key].setting, value)
    return value


def unset_office_value(s: Session, key: str) -> str | None:
    """``taizhang office unset KEY``: the letters go back to the default (returned);
    audited. Name, code and the deadline rules cannot be unset."""
    spec = OFFICE_KEYS.get(key)
    if spec is None:
        raise ValidationError("key", f"没有“{key}”这项设置。可设置：{'、'.join(OFFICE_KEYS)}。")
    if key in REQUIRED_KEYS:
        raise ValidationError(key, f"{spec.label}不能清除，只能修改。")
    authz.require(s, authz.setting_permission(spec.setting), f"清除设置“{spec.label}”")
    old = s.setting(spec.setting)
    if old is not None:
        with transaction(s.conn):
            s.conn.execute("DELETE FROM setting WHERE key = ?", (spec.setting,))
            _audit_setting(s, spec.setting, old, None)
    return _fallback(s, key)


def _rename_office(s: Session, value: str) -> str:
    name, _code = check_office(value, s.office_code)
    authz.require(s, authz.setting_permission("office.name"), "修改机关名称")
    with transaction(s.conn):
        s.conn.execute("UPDATE office SET name = ? WHERE is_self = 1", (name,))
        _audit_setting(s, "office.name", s.office_name, name)
    s.office_name = name
    return name


def _recode_office(s: Session, value: str) -> str:
    """The code is written into every record, 台账编号 and exchange package: it can
    change only while the office has none of them."""
    _name, code = check_office(s.office_name, value)
    authz.require(s, authz.setting_permission("office.code"), "修改机关代码")
    if code == s.office_code:
        return code
    from desktop_app.domain.registry import FAMILIES
    used = sum(s.conn.execute(f"SELECT count(*) FROM {f} WHERE owner_office = ?",
                              (s.office_code,)).fetchone()[0] for f in FAMILIES)
    keys = s.conn.execute("SELECT count(*) FROM setting WHERE key LIKE 'exchange.%'").fetchone()[0] \
        + s.conn.execute("SELECT count(*) FROM office WHERE is_self = 0 OR public_key IS NOT NULL"
                         ).fetchone()[0]
    if used or keys:
        what = f"已有 {used} 条记录" if used else "已建立交换密钥或交换记录"
        raise UserFacingError(f"机关代码 {s.office_code} {what}，不能再修改（记录、台账编号和交换包都以它为准）。")
    if s.conn.execute("SELECT 1 FROM office WHERE code = ? AND is_self = 0", (code,)).fetchone():
        raise ValidationError("office_code", f"机关代码 {code} 已是另一机关（上下级）的代码。")
    with transaction(s.conn):
        s.conn.execute("UPDATE office SET code = ? WHERE is_self = 1", (code,))
        _audit_setting(s, "office.code", s.office_code, code)
    s.office_code = code
    return code
