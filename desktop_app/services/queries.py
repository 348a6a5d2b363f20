"""Read-only services: lists, the due/overdue list, counts, search, 廉政档案."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from desktop_app.domain.deadlines import Level, Thresholds, warning_level, yellow_cutoff
from desktop_app.domain.record import Record
from desktop_app.domain.registry import FAMILIES, family
from desktop_app.errors import UserFacingError
from desktop_app.security import authz, avoidance, policy
from desktop_app.security.roles import Permission, Role
from desktop_app.services.session import Session
from desktop_app.store import audit
from desktop_app.store import dossier as dossier_store
from desktop_app.store.db import transaction
from desktop_app.store import queries as q
from desktop_app.store import records as repo
from desktop_app.store.search import Hit, search as search_store

ListFilter = q.ListFilter


def thresholds(s: Session) -> Thresholds:
    try:
        return Thresholds(int(s.setting("warning.yellow_working_days", "5")))
    except (ValueError, UserFacingError):
        return Thresholds()


def level_dates(s: Session) -> q.LevelDates:
    today = s.today()
    return q.LevelDates(today, yellow_cutoff(today, s.calendar, thresholds(s)))


def list_records(s: Session, family_name: str, flt: ListFilter = ListFilter(), *,
                 sort: str | None = None, descending: bool = True, after=None,
                 limit: int = q.PAGE) -> tuple[list[Record], tuple | None]:
    authz.require(s, Permission.READ_RECORD)
    return q.list_page(s.conn, family(family_name), flt, sort=sort, descending=descending,
                       after=after, limit=limit, levels=level_dates(s))


def count_records(s: Session, family_name: str, flt: ListFilter = ListFilter()) -> int:
    authz.require(s, Permission.READ_RECORD)
    return q.count(s.conn, family(family_name), flt, levels=level_dates(s))


@dataclass(frozen=True)
class DueItem:
    family: str
    family_label: str
    id: str
    kind: str
    label: str
    title: str
    due_date: str
    level: Level
    days_left: int
    estimated: bool      # the due date lies in a year with no holiday table

    def to_json(self) -> dict:
        return {"family": self.family, "family_label": self.family_label, "id": self.id,
                "kind": self.kind, "label": self.label, "title": self.title,
                "due_date": self.due_date, "level": self.level.value,
                "days_left": self.days_left, "estimated": self.estimated}


def _due_item(s: Session, dates: q.LevelDates, limits: Thresholds, r) -> DueItem:
    due = date.fromisoformat(r["due_date"])
    return DueItem(
        r["family"], FAMILIES[r["family"]].label, r["id"], r["kind"], r["label"], r["title"],
        r["due_date"], warning_level(due, dates.today, s.calendar, limits),
        s.calendar.working_days_left(dates.today, due), not s.calendar.has_table(due.year))


def due_list(s: Session) -> list[DueItem]:
    """Everything overdue, due today or due within the yellow threshold, all of it
    (``summary --all``; the dashboard and ``summary`` read counts and pages)."""
    authz.require(s, Permission.READ_RECORD)
    return _due_items(s, None, None)


def _due_items(s: Session, level: str | None, limit: int | None) -> list[DueItem]:
    """The first ``limit`` unmet deadlines of a level (None: all), page by page."""
    dates, limits = level_dates(s), thresholds(s)
    out: list[DueItem] = []
    key = None
    while limit is None or len(out) < limit:
        want = q.PAGE * 10 if limit is None else min(q.PAGE, limit - len(out))
        rows, key = q.due_page(s.conn, dates, level, after=key, limit=want)
        out += [_due_item(s, dates, limits, r) for r in rows]
        if key is None:
            break
    return out


def due_counts(s: Session) -> dict[Level, int]:
    """How many deadlines are overdue, due today and due soon (the dashboard's cards)."""
    authz.require(s, Permission.READ_RECORD)
    return {Level(k): v for k, v in q.due_counts(s.conn, level_dates(s)).items()}


def due_page(s: Session, level: Level | None = None, *, after: tuple | None = None,
             limit: int | None = None) -> tuple[list[DueItem], tuple | None]:
    """One page of the due list (of one level, or all), earliest first, and the key
    of the next page; the working days left are worked out for this page only."""
    authz.require(s, Permission.READ_RECORD)
    dates, limits = level_dates(s), thresholds(s)
    rows, key = q.due_page(s.conn, dates, level.value if level else None, after=after,
                           limit=limit or q.PAGE)
    return [_due_item(s, dates, limits, r) for r in rows], key


SUMMARY_ROWS = 30


def summary(s: Session, *, rows: int | None = SUMMARY_ROWS) -> dict:
    """The records of each category, how many deadlines are overdue and due soon
    (today or within the yellow threshold), and the first ``rows`` of each, in
    due order (None: every one). Counts and rows are indexed queries; the
    working days left are worked out for the rows returned only."""
    authz.require(s, Permission.READ_RECORD)
    counts = q.family_counts(s.conn)
    levels = due_counts(s)
    return {"counts": {name: counts.get(name, 0) for name in FAMILIES},
            "overdue_total": levels[Level.RED],
            "due_soon_total": levels[Level.ORANGE] + levels[Level.YELLOW],
            "due_soon": [d.to_json() for d in _due_items(s, "soon", rows)],
            "overdue": [d.to_json() for d in _due_items(s, "red", rows)]}


def search(s: Session, text: str, *, families: list[str] | None = None,
           limit: int = 200) -> list[Hit]:
    authz.require(s, Permission.READ_RECORD)
    return search_store(s.conn, text, families=families, limit=limit)


@dataclass(frozen=True)
class DossierEntry:
    family: str
    family_label: str
    id: str
    title: str
    date: str | None
    status: str
    roles: str


@dataclass(frozen=True)
class Dossier:
    """A 廉政档案 as opened: the person, the first page of entries (``next_key``:
    where the next page starts, None when they are all here) and how many records
    of each category name the person (in the order of the categories)."""
    person: Record
    unit_name: str
    entries: tuple[DossierEntry, ...]
    avoidance: str | None = None     # the 回避提醒 to show, when the office warns
    counts: dict[str, int] = field(default_factory=dict)
    next_key: tuple | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def resolve_person(s: Session, text: str) -> Record:
    authz.require(s, Permission.READ_RECORD)
    rows = dossier_store.find_persons(s.conn, text.strip())
    if not rows:
        raise UserFacingError(f"找不到人员“{text}”。")
    exact = [r for r in rows if r["name"] == text.strip() or r["id"] == text.strip()]
    if len(exact) > 1:
        names = "；".join(f"{r['name']}（{r['position'] or ''}，{r['id']}）" for r in exact[:5])
        raise UserFacingError(f"有 {len(exact)} 人叫“{text}”，请改用人员编号：{names}")
    return repo.from_row(family("person"), (exact or rows)[0])


def _entries(rows) -> tuple[DossierEntry, ...]:
    return tuple(DossierEntry(r["family"], FAMILIES[r["family"]].label, r["id"], r["title"],
                              r["main_date"], r["status"], r["roles"]) for r in rows)


def dossier(s: Session, person: str, *, limit: int | None = None) -> Dossier:
    """The 廉政档案: the person, the counts per category and the first ``limit``
    records naming them in date order (``dossier_more`` gives the next pages,
    ``dossier_entries`` all of them: printing, the command line)."""
    rec = resolve_person(s, person)
    warning = avoidance.check_open(s, rec.id, rec["name"])    # 回避: may refuse
    with transaction(s.conn):   # reading a 廉政档案 is itself recorded (调阅登记)
        audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                     action="查阅廉政档案", family="person", record_id=rec.id,
                     detail={"name": rec["name"]})
    unit = s.conn.execute("SELECT name FROM unit WHERE id = ?", (rec.get("unit_id"),)).fetchone()
    rows, key = dossier_store.dossier_page(s.conn, rec.id, limit=limit or dossier_store.PAGE)
    found = dossier_store.dossier_counts(s.conn, rec.id)
    counts = {name: found[name] for name in FAMILIES if name in found}
    return Dossier(rec, unit[0] if unit else "", _entries(rows), warning, counts, key)


def _may_read_dossier(s: Session, person_id: str) -> None:
    """The next pages of a 廉政档案 already opened (and audited): refused, as the
    opening would be now, when the 回避 rule blocks this user."""
    authz.require(s, Permission.READ_RECORD)
    if (s.role != Role.SYSTEM and policy.get(s.conn, policy.AVOIDANCE) == "拦截"
            and avoidance.relation_to(s.conn, s.user, person_id) is not None):
        rec = repo.get(s.conn, family("person"), person_id)
        avoidance.check_open(s, person_id, rec["name"] if rec else person_id)   # refuses


def dossier_more(s: Session, person_id: str, after: tuple,
                 limit: int | None = None) -> tuple[tuple[DossierEntry, ...], tuple | None]:
    """The page of a 廉政档案 after ``after`` (a ``next_key``) and the key of the next."""
    _may_read_dossier(s, person_id)
    rows, key = dossier_store.dossier_page(s.conn, person_id, after=after,
                                           limit=limit or dossier_store.PAGE)
    return _entries(rows), key


def dossier_entries(s: Session, d: Dossier) -> tuple[DossierEntry, ...]:
    """Every entry of an opened 廉政档案 (its first page, then the rest)."""
    out, key = list(d.entries), d.next_key
    while key is not None:
        more, key = dossier_more(s, d.person.id, key, limit=2000)
        out += more
    return tuple(out)
