"""Setting up an office's data folder, and the office settings."""
from __future__ import annotations

import re
from pathlib import Path

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
        s = open_session(data_dir, user=user, require_office=False)
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


def set_setting(s: Session, key: str, value: str) -> None:
    authz.require(s, authz.setting_permission(key), f"修改设置“{key}”")
    with transaction(s.conn):
        old = s.setting(key)
        s.conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (key, value))
        audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                     action="修改设置", detail={"key": key, "changes": [old, value]})
