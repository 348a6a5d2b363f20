"""Holiday tables in the program: show a year's table, enter a year's notice.

A table the office enters (or receives from its upper office in an exchange
package) is stored in the database under ``holidays:YYYY`` — never in the
install folder, which an update replaces. ``session.load_calendar`` lays these
over the tables shipped in ``resources/holidays``, and the exchange
(``exchange/shared.py``) carries them to lower offices as they are.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from desktop_app.domain.calendar import YearTable
from desktop_app.errors import ValidationError, reason
from desktop_app.security import authz
from desktop_app.services.session import Session
from desktop_app.store import audit
from desktop_app.store.db import transaction

KEY = "holidays:{year}"
SHARED_PREFIX = "exchange.shared:"
# From this day of the year on, next year's table is expected: the State Council
# publishes it in November or December (holidays-cn.md).
REMIND_FROM = (11, 1)
MAX_FILE_BYTES = 256 * 1024


@dataclass(frozen=True)
class TableInfo:
    year: int
    table: YearTable
    source: str           # 随程序提供 / 本机关录入 / 上级下发（CODE）


def _stored(s: Session, year: int) -> str | None:
    row = s.conn.execute("SELECT value FROM setting WHERE key = ?", (KEY.format(year=year),)).fetchone()
    return row[0] if row else None


def _source(s: Session, year: int) -> str:
    value = _stored(s, year)
    if value is None:
        return "随程序提供"
    key = KEY.format(year=year)
    for (text,) in s.conn.execute("SELECT value FROM setting WHERE key LIKE ?",
                                  (f"{SHARED_PREFIX}%:{key}",)):
        row = json.loads(text)
        if row.get("owner_office") != s.office_code and row.get("value") == value:
            return f"上级下发（{row['owner_office']}）"
    return "本机关录入"


def tables(s: Session) -> list[TableInfo]:
    """Every year the calendar has a table for, oldest first."""
    return [TableInfo(t.year, t, _source(s, t.year)) for t in s.calendar.tables]


def show(s: Session, year: int) -> TableInfo | None:
    t = next((t for t in s.calendar.tables if t.year == year), None)
    return TableInfo(year, t, _source(s, year)) if t else None


def read_notice(path: Path | str, year: int) -> YearTable:
    """A table file as ``taizhang holidays set YEAR FILE.json`` reads it: any file
    name, the year inside must be ``year``. Every failure is one Chinese message."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ValidationError("file", f"无法读取 {path.name}：{reason(e)}。") from None
    if size > MAX_FILE_BYTES:
        raise ValidationError("file", f"{path.name} 有 {size // 1024} KB，不像节假日安排表（应只有几 KB）。")
    if path.is_dir():
        raise ValidationError("file", f"{path.name} 是文件夹，请给出节假日安排表的 JSON 文件。")
    # read_table_file insists on YYYY.json names; here the year is given separately.
    try:
        with open(path, encoding="utf-8-sig") as f:
            text = f.read()
    except UnicodeDecodeError:
        raise ValidationError("file", f"{path.name} 不是 UTF-8 编码，请用记事本“另存为”UTF-8 后重试。") from None
    except OSError as e:
        raise ValidationError("file", f"无法读取 {path.name}：{reason(e)}。") from None
    return parse_notice(text, year, path.name)


def parse_notice(text: str, year: int, name: str = "节假日安排表") -> YearTable:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValidationError("file", f"{name} 不是有效的 JSON：第 {e.lineno} 行第 {e.colno} 列附近有错（{e.msg}）。") from None
    except RecursionError:
        raise ValidationError("file", f"{name} 嵌套层次过深，不是节假日安排表。") from None
    stated = obj.get("year") if isinstance(obj, dict) else None
    if isinstance(stated, int) and not isinstance(stated, bool) and stated != year:
        raise ValidationError("year", f"{name} 中填写的年度是 {stated} 年，与要录入的 {year} 年不符。")
    try:
        return YearTable.from_json(obj)
    except ValidationError as e:
        raise ValidationError(e.field, f"{name}：{e.message}") from None


def set_table(s: Session, table: YearTable) -> int:
    """Enter (or replace) a year's table: stored, audited, and every stored deadline
    recomputed under it in the same transaction. Returns how many records'
    deadlines moved."""
    from desktop_app.exchange.apply import refresh_deadlines
    key = KEY.format(year=table.year)
    authz.require(s, authz.setting_permission(key), f"录入 {table.year} 年节假日安排")
    value = json.dumps(table.to_json(), ensure_ascii=False)
    old = _stored(s, table.year)
    if old is not None and YearTable.from_json(json.loads(old)) == table:
        return 0
    calendar, before = s.calendar.with_table(table), s.calendar
    try:
        with transaction(s.conn):
            s.conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (key, value))
            audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                         action="录入节假日安排",
                         detail={"year": table.year, "notice": table.notice,
                                 "issued": table.issued.isoformat(), "replaced": old is not None,
                                 "holidays": len(table.holidays)})
            s.calendar = calendar
            moved = recompute_stored(s, f"{table.year} 年节假日安排")
            moved += refresh_deadlines(s.conn, calendar)
    except BaseException:
        s.calendar = before
        raise
    return moved


def recompute_stored(s: Session, why: str) -> int:
    """Due dates a record stores (述责报告的截止日, 函询的回复期限) computed again under
    ``s.calendar``; each one that moves is written as a change of the record (stamped,
    audited, carried by the exchange). Only this office's records: another office's
    are recomputed by their owner. Runs inside the caller's transaction."""
    from desktop_app.domain.derive import CALENDAR_DERIVED, derived_values
    from desktop_app.domain.registry import family
    from desktop_app.store import records as repo
    ctx, changed = s.write_context(), 0
    for name in CALENDAR_DERIVED:
        fam = family(name)
        for row in s.conn.execute(f"SELECT * FROM {name} WHERE owner_office = ? AND voided = 0",
                                  (s.office_code,)).fetchall():
            values = repo.decoded_values(fam, dict(row))
            try:
                new = derived_values(fam, values, s.calendar)
            except ValidationError:          # a record the rules refuse now: leave it as it is
                continue
            diff = {k: v for k, v in new.items() if values.get(k) != v}
            if diff:
                repo.write(s.conn, ctx, fam, row["id"], diff, {}, action="重算期限",
                           audit_detail={"reason": why})
                changed += 1
    return changed


def missing_next_year(s: Session, today: date | None = None) -> int | None:
    """Next year, when it is 1 November or later and next year has no table yet."""
    today = today or s.today()
    if (today.month, today.day) < REMIND_FROM:
        return None
    year = today.year + 1
    return None if s.calendar.has_table(year) else year


def summary_lines(info: TableInfo) -> list[str]:
    """The table in Chinese, one line per holiday (for the CLI and the page)."""
    t = info.table
    lines = [f"{t.year} 年节假日安排：{t.notice}（{_cn(t.issued)}发布，{info.source}）"]
    for h in t.holidays:
        span = (h.last - h.first).days + 1
        off = _cn(h.first) if span == 1 else f"{_cn(h.first)}至{_cn(h.last)}"
        work = "、".join(f"{_cn(d)}（{_wd(d)}）" for d in h.work)
        lines.append(f"  {h.name}：{off}放假，共 {span} 天" + (f"；{work}上班" if work else ""))
    return lines


def to_json(info: TableInfo) -> dict[str, Any]:
    return info.table.to_json() | {"source": info.source}


def _cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _wd(d: date) -> str:
    return "星期" + "一二三四五六日"[d.weekday()]

