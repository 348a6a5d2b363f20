"""The 廉政档案 of one person: every record that names them, in date order.

``record_link``'s primary key is (person_id, voided, main_date, family, id,
field): a person's records, not voided, in the dossier's order, are one range
of it. A page is read off that range from a key on (main date, family, id), so
the first page of a person named in 78,000 records costs what it costs for one
named in 30; the counts per category are one pass over the same range (the key
alone, no record is read).
"""
from __future__ import annotations

import sqlite3

PAGE = 200


def dossier_page(conn: sqlite3.Connection, person_id: str, *, after: tuple | None = None,
                 limit: int = PAGE, include_voided: bool = False) -> tuple[list[sqlite3.Row], tuple | None]:
    """One page of the records naming the person (not the person's own row), in
    date order (no date first), then category and id; and the key of the next page."""
    voided = "IN (0, 1)" if include_voided else "= 0"
    where = [f"l.person_id = ? AND l.voided {voided} AND l.field != 'self'"]
    args: list = [person_id]
    if after is not None:
        where.append("(l.main_date, l.family, l.id) > (?, ?, ?)")
        args += list(after)
    # the links of one record (several roles) are adjacent in the key: grouped in place
    links = conn.execute(
        "SELECT l.main_date, l.family, l.id, group_concat(l.field) AS roles FROM record_link l"
        f" WHERE {' AND '.join(where)} GROUP BY l.main_date, l.family, l.id"
        " ORDER BY l.main_date, l.family, l.id LIMIT ?", [*args, limit]).fetchall()
    rows = _index_rows(conn, links)
    key = tuple(links[-1][:3]) if len(links) == limit else None
    return rows, key


def _index_rows(conn: sqlite3.Connection, links: list[sqlite3.Row]) -> list[dict]:
    """The index rows of a page's records (one query per category), with the
    person's roles in each (``row["roles"]``), in the page's order."""
    found = {}
    for fam in {r["family"] for r in links}:
        ids = [r["id"] for r in links if r["family"] == fam]
        for r in conn.execute(
                "SELECT family, id, title, main_date, status, voided FROM record_index"
                f" WHERE family = ? AND id IN ({','.join('?' * len(ids))})", [fam, *ids]):
            found[(r["family"], r["id"])] = dict(zip(r.keys(), r))
    return [found[(link["family"], link["id"])] | {"roles": link["roles"]} for link in links
            if (link["family"], link["id"]) in found]


def _roles_per_record() -> bool:
    """Whether a record can name one person in two of its fields (two links)."""
    from desktop_app.domain.registry import FAMILIES
    return any(len(f.person_fields) > 1 for f in FAMILIES.values())


def dossier_counts(conn: sqlite3.Connection, person_id: str) -> dict[str, int]:
    """How many records (not voided) of each category name the person: the
    person's links per category (one pass over the key's range, no record read),
    less the further roles one record gives the same person, where a category
    has several person fields."""
    where = "person_id = ? AND voided = 0 AND field != 'self'"
    counts = dict(conn.execute(f"SELECT family, count(*) FROM record_link WHERE {where}"
                               " GROUP BY family", (person_id,)).fetchall())
    if _roles_per_record():
        for fam, extra in conn.execute(
                f"SELECT family, count(*) - 1 FROM record_link WHERE {where}"
                " GROUP BY main_date, family, id HAVING count(*) > 1", (person_id,)):
            counts[fam] -= extra
    return counts


def dossier_rows(conn: sqlite3.Connection, person_id: str, include_voided: bool = False):
    """Every record naming the person, in the dossier's order (page after page)."""
    out, after = [], None
    while True:
        rows, after = dossier_page(conn, person_id, after=after, limit=1000,
                                   include_voided=include_voided)
        out += rows
        if after is None:
            return out


def find_persons(conn: sqlite3.Connection, text: str, limit: int = 20) -> list[sqlite3.Row]:
    """Persons by exact id, else by name (exact matches first)."""
    row = conn.execute("SELECT * FROM person WHERE id = ?", (text,)).fetchone()
    if row:
        return [row]
    return conn.execute(
        "SELECT * FROM person WHERE voided = 0 AND instr(name, ?) > 0"
        " ORDER BY name != ?, name LIMIT ?", (text, text, limit)).fetchall()
