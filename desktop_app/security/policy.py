"""The office's security and backup settings, with their defaults and checks.

They live in the ``setting`` table like every other office setting, so they
travel with the database (and with its backups). Changing one is audited
(``services.office.set_setting``); security settings need
``MANAGE_SECURITY``, backup places and times ``MANAGE_SETTINGS``.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from desktop_app.errors import ValidationError

IDLE_MINUTES = "security.idle_minutes"
LOCKOUT_MINUTES = "security.lockout_minutes"
MAX_FAILURES = "security.max_failures"
AVOIDANCE = "security.avoidance"
BACKUP_SECOND_DIR = "backup.second_dir"
BACKUP_END_OF_DAY = "backup.end_of_day"

AVOIDANCE_MODES = ("关闭", "提醒", "拦截")


@dataclass(frozen=True)
class Spec:
    default: str
    label: str
    check: object          # str -> str (normalised) or raises ValidationError


def _minutes(low: int, high: int, label: str):
    def check(value: str) -> str:
        try:
            n = int(str(value).strip())
        except ValueError:
            raise ValidationError("value", f"{label}应为整数（分钟）。") from None
        if not low <= n <= high:
            raise ValidationError("value", f"{label}应在 {low} 至 {high} 之间。")
        return str(n)
    return check


def _avoidance(value: str) -> str:
    value = str(value).strip()
    if value not in AVOIDANCE_MODES:
        raise ValidationError("value", f"回避规则只能是：{'、'.join(AVOIDANCE_MODES)}。")
    return value


def _clock_time(value: str) -> str:
    value = str(value).strip()
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", value)
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise ValidationError("value", "下班时间应写成 时:分，如 17:30。")
    return f"{int(m[1]):02d}:{m[2]}"


def _folder(value: str) -> str:
    value = str(value).strip()
    if value and not Path(value).is_absolute():
        raise ValidationError("value", "第二备份位置应为完整路径（如 E:\\台账备份）。")
    return value


SPECS: dict[str, Spec] = {
    IDLE_MINUTES: Spec("10", "空闲自动锁屏时间", _minutes(1, 240, "空闲自动锁屏时间")),
    LOCKOUT_MINUTES: Spec("30", "锁定时长", _minutes(1, 1440, "锁定时长")),
    MAX_FAILURES: Spec("5", "允许连续输错次数", _minutes(3, 10, "允许连续输错次数")),
    AVOIDANCE: Spec("提醒", "回避规则", _avoidance),
    BACKUP_SECOND_DIR: Spec("", "第二备份位置", _folder),
    BACKUP_END_OF_DAY: Spec("17:30", "日终备份时间", _clock_time),
}


def get(conn: sqlite3.Connection, key: str) -> str:
    row = conn.execute("SELECT value FROM setting WHERE key = ?", (key,)).fetchone()
    if row is None:
        return SPECS[key].default
    try:
        return SPECS[key].check(row[0])
    except ValidationError:
        return SPECS[key].default      # a bad stored value must not lock everyone out


def get_int(conn: sqlite3.Connection, key: str) -> int:
    return int(get(conn, key))


def end_of_day(conn: sqlite3.Connection) -> time:
    hh, mm = get(conn, BACKUP_END_OF_DAY).split(":")
    return time(int(hh), int(mm))


def second_dir(conn: sqlite3.Connection) -> Path | None:
    value = get(conn, BACKUP_SECOND_DIR)
    return Path(value) if value else None


def set_policy(s, key: str, value: str) -> None:
    """Check, then store through the audited settings service."""
    from desktop_app.security import authz
    from desktop_app.security.roles import Permission
    from desktop_app.services.office import set_setting
    if key not in SPECS:
        raise ValidationError("key", f"没有“{key}”这项设置。")
    needed = Permission.MANAGE_SECURITY if key.startswith("security.") else Permission.MANAGE_SETTINGS
    authz.require(s, needed, f"修改“{SPECS[key].label}”")
    set_setting(s, key, SPECS[key].check(value))
