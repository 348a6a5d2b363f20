"""Small read services the desktop lists, pickers and dashboard need.

Names for ids (one query per referred family and page, not one per cell),
the nearest open deadline of a page of records, the people and units a
clerk picks from, titles of records of any family, counts for the quarter and
the recent changes. Read-only; no Qt.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from desktop_app.domain.deadlines import Level, warning_level
from desktop_app.domain.registry import FAMILIES
from desktop_app.services.queries import thresholds
from desktop_app.services.session import Session
from desktop_app.domain.record import Record
from desktop_app.store import queries as store_queries
from desktop_app.store import records as store_records

VOIDED = "已作废"

_CHUNK = 500


def names_of(s: Session, wanted: dict[str, Iterable[str]]) -> dict[str, str]:
    """id → title (for a person or a unit: the name), for the ids of each family."""
    out: dict[str, str] = {}
    for fam, ids in wanted.items():
        ids = sorted(set(i for i in ids if i))
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            rows = s.conn.execute(
                "SELECT id, title FROM record_index WHERE family = ? AND id IN"
                f" ({','.join('?' * len(chunk))})", [fam, *chunk])
            out.update({r[0]: r[1] for r in rows})
    return out


@dataclass(frozen=True)
class NearestDue:
    due_date: str
    label: str
    level: Level
    days_left: int
    estimated: bool = False      # the due date lies in a year with no holiday table


def nearest_due(s: Session, family: str, ids: list[str]) -> dict[str, NearestDue]:
    """The earliest unmet, active deadline of each record that has one."""
    out: dict[str, NearestDue] = {}
    today, th = s.today(), thresholds(s)
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i:i + _CHUNK]
        rows = s.conn.execute(
            "SELECT id, label, min(due_date) AS due FROM deadline WHERE family = ? AND active = 1"
            f" AND done_date IS NULL AND id IN ({','.join('?' * len(chunk))}) GROUP BY id",
            [family, *chunk]).fetchall()
        for r in rows:
            d = date.fromisoformat(r["due"])
            out[r["id"]] = NearestDue(r["due"], r["label"], warning_level(d, today, s.calendar, th),
                                      s.calendar.working_days_left(today, d),
                                      not s.calendar.has_table(d.year))
    return out


@dataclass(frozen=True)
class DirectoryRow:
    id: str
    name: str
    detail: str
    unit_id: str | None = None     # a person's unit


def directory(s: Session, family: str) -> list[DirectoryRow]:
    """Every person (with unit and position) or every unit (with category), not voided."""
    if family == "person":
        rows = s.conn.execute(
            "SELECT p.id, p.name, p.unit_id, coalesce(u.name, '') AS unit,"
            " coalesce(p.position, '') AS pos"
            " FROM person p LEFT JOIN unit u ON u.id = p.unit_id WHERE p.voided = 0")
        return [DirectoryRow(r["id"], r["name"], " ".join(x for x in (r["unit"], r["pos"]) if x),
                             r["unit_id"]) for r in rows]
    if family == "unit":
        rows = s.conn.execute("SELECT id, name, coalesce(category, '') AS cat FROM unit"
                              " WHERE voided = 0")
        return [DirectoryRow(r["id"], r["name"], r["cat"]) for r in rows]
    raise ValueError(f"no directory of {family}")


@dataclass(frozen=True)
class TitleRow:
    id: str
    title: str
    main_date: str | None
    status: str


def find_titles(s: Session, family: str, text: str = "", limit: int = 200) -> list[TitleRow]:
    """Records of a family whose title contains ``text`` (all when empty), newest first."""
    text = (text or "").strip()
    rows = s.conn.execute(
        "SELECT id, title, main_date, status FROM record_index WHERE family = ? AND voided = 0"
        " AND (? = '' OR instr(title, ?) > 0) ORDER BY main_date DESC, id LIMIT ?",
        (family, text, text, limit))
    return [TitleRow(r["id"], r["title"], r["main_date"], r["status"]) for r in rows]


def quarter_bounds(today: date) -> tuple[date, date]:
    q0 = (today.month - 1) // 3 * 3 + 1
    start = date(today.year, q0, 1)
    end = date(today.year + (q0 == 10), 1 if q0 == 10 else q0 + 3, 1)
    return start, end


def quarter_counts(s: Session) -> dict[str, int]:
    """Records of each family (not voided) whose main date lies in this quarter."""
    start, end = quarter_bounds(s.today())
    return store_queries.dated_counts(s.conn, start, end)


@dataclass(frozen=True)
class RecentChange:
    family: str
    family_label: str
    id: str
    title: str
    status: str               # 已作废 for a voided record, whatever its last status was
    updated_at: str


def recent_changes(s: Session, limit: int = 20) -> list[RecentChange]:
    return [RecentChange(r["family"], FAMILIES[r["family"]].label, r["id"], r["title"],
                         VOIDED if r["voided"] else r["status"], r["updated_at"])
            for r in store_queries.recent_changes(s.conn, limit)]


@dataclass(frozen=True)
class RecordLabel:
    family: str
    id: str
    text: str                 # 谈话 · TH-2026-0012 · 公务接待超标准（已作废）
    voided: bool


def record_label(s: Session, record_id: str, family: str | None = None) -> RecordLabel | None:
    """What a person reads for a record known by its id (来源记录): never the id itself."""
    row = store_queries.find_indexed(s.conn, [family] if family else list(FAMILIES), record_id)
    if row is None:
        return None
    fam = FAMILIES[row["family"]]
    ledger_no = store_records.get(s.conn, fam, record_id).ledger_no
    text = f"{fam.label} · {ledger_no + ' · ' if ledger_no else ''}{row['title']}"
    return RecordLabel(fam.name, record_id, text + ("（已作废）" if row["voided"] else ""),
                       bool(row["voided"]))


def issued_documents(s: Session, family: str, record_id: str) -> list[Record]:
    """The 发文登记 of the documents made from a record."""
    fam = FAMILIES["document"]
    return [store_records.from_row(fam, r)
            for r in store_queries.documents_from(s.conn, family, record_id)]
