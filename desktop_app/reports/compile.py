"""Report declarations compiled to SQL.

The records a column part counts are the rows of

    SELECT <row key> AS k, t.id AS rid [, p.id AS pid] [, <v> AS v]
    FROM <family> t [CROSS JOIN <the record's persons> p] WHERE <period, filters>

one row per record, or per (record, person) when the part counts through persons
(a person listed twice in a record is read once). This is also what a figure drills
down to: the records behind the figure in row ``k`` are
``t.id IN (SELECT rid FROM (<inner>) WHERE k IS ?)``, which the list page runs as
its filter, so the list and the figure cannot disagree.

The figures themselves are counted in one pass per family and person expansion
(``grouped_query``): every part's condition becomes a 0/1 flag over the same rows
and each part's measure is aggregated over its flag, so a table reads each
family's records of the period once, not once per column.

At a million records the costs are reading rows and looking up persons, so: the
period's rows are found through the date index and then read in rowid order
(``rowid IN (…)``: the index alone would fetch them in date order, a random read
each, several times slower than a scan once the period is a large part of the
table); persons come from a materialised copy of the live persons' needed
columns, which SQLite indexes by id for the statement (one in-memory lookup per
row instead of two B-tree searches). Identifiers come only from the family
declarations (checked in ``definition.py``); every value is a parameter.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from desktop_app.domain.registry import FAMILIES
from desktop_app.domain.schema import Family, Kind
from desktop_app.errors import UserFacingError
from desktop_app.reports.definition import DIMENSIONS, Part, ReportDef

_CMP = {"eq": "=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}
_PERSON_COLUMN = re.compile(r"\bp\.(\w+)")


@dataclass(frozen=True)
class Scope:
    """Where a report looks: the period, the day overdue is judged on, and which
    offices' records (None: all, own and received from lower offices)."""
    start: date
    end: date
    as_of: date
    office: str | None = None


def person_field(fam: Family, part: Part | None = None) -> str | None:
    if part is not None and part.person_field:
        return part.person_field
    return next((f.name for f in fam.fields if f.ref == "person"), None)


def _uses_person(cond: Any) -> bool:
    if isinstance(cond, dict):
        for op, arg in cond.items():
            if op == "person":
                return True
            if op in ("and", "or") and any(_uses_person(c) for c in arg):
                return True
            if op == "not" and _uses_person(arg):
                return True
    return False


class PartQuery:
    """The SQL of one part of one column, for one row dimension."""

    def __init__(self, defn: ReportDef, part: Part, dim: str, scope: Scope, *, total: bool = False):
        self.defn, self.part, self.dim, self.scope, self.total = defn, part, dim, scope, total
        self.fam = FAMILIES[part.family]
        self.params: list[Any] = []
        self.pf = person_field(self.fam, part)
        kind, _, self.arg = part.measure.partition(":")
        self.measure = kind
        self.expand = (dim in ("level", "person") or kind == "persons"
                       or kind == "distinct" and self.arg.startswith("person")
                       or _uses_person(part.where)
                       or dim == "unit" and self._direct_unit() is None)
        if self.expand and self.pf is None:
            raise UserFacingError(f"报表“{defn.title}”的{self.fam.label}没有人员，不能按{DIMENSIONS.get(dim, dim)}统计。")

    # -- pieces --------------------------------------------------------------
    def _direct_unit(self) -> str | None:
        fam = self.fam
        if fam.unit_field:
            return f"t.{fam.unit_field}"
        if fam.parent:
            target = FAMILIES.get(fam.field(fam.parent).ref or "")
            if target is not None and target.unit_field:
                return (f"(SELECT pu.{target.unit_field} FROM {target.name} pu"
                        f" WHERE pu.id = t.{fam.parent})")
        return None

    def _date_expr(self) -> str:
        fam, names = self.fam, ()
        if self.part.family == self.defn.family and self.defn.date:
            names = self.defn.date
        names = names or (fam.date_field,)
        cols = [f"t.{n}" for n in names]
        return cols[0] if len(cols) == 1 else f"COALESCE({', '.join(cols)})"

    def key_expr(self) -> str:
        dim, fam = self.dim, self.fam
        if self.total:
            return "''"
        if dim == "type":
            return f"t.{fam.type_field}" if fam.type_field else "NULL"
        if dim.startswith("field:"):
            names = dim[6:].split("+", 1)
            if any(n not in fam.field_names and n != "status" for n in names):
                return "NULL"
            if len(names) == 1:
                return f"t.{names[0]}"
            a, b = names
            return f"CASE WHEN coalesce(t.{b}, '') <> '' THEN t.{a} || '（' || t.{b} || '）' ELSE t.{a} END"
        if dim == "unit":
            return self._direct_unit() or "p.unit_id"
        if dim == "office":
            return "t.owner_office"
        if dim == "level":
            return "p.rank"
        if dim == "person":
            return "p.id"
        if dim == "month":
            return f"substr({self._date_expr()}, 1, 7)"
        raise UserFacingError(f"不认识的分组“{dim}”。")

    def _joins(self) -> str:
        if not self.expand:
            return ""
        # CROSS JOIN fixes the order: the period's records first, their persons looked up by
        # id. Left to itself SQLite may start from the persons of one rank (an index on
        # rank) and scan the period's records once per person: minutes at 100k records.
        f = self.fam.field(self.pf)
        if f.kind is Kind.REFS:
            return f" CROSS JOIN json_each(t.{self.pf}) pj CROSS JOIN tz_person p ON p.id = pj.value"
        return f" CROSS JOIN tz_person p ON p.id = t.{self.pf}"

    def _persons(self, body: str) -> tuple[str, list[Any]]:
        """The WITH clause naming the persons a record may count through: the live ones
        (and those of the report's row filter, e.g. 常委, when rows are persons), only the
        columns ``body`` reads. MATERIALIZED, so that SQLite indexes it by id for the join."""
        if not self.expand:
            return "", []
        where, params = "p.voided = 0", []
        if self.defn.row_filter is not None and self.dim in ("person", "level"):
            outer, self.params = self.params, []
            where += " AND " + self.cond(self.defn.row_filter, "p", FAMILIES["person"])
            params, self.params = self.params, outer
        cols = sorted({"id"} | set(_PERSON_COLUMN.findall(body)))
        return (f"WITH tz_person AS MATERIALIZED (SELECT {', '.join('p.' + c for c in cols)} FROM person p"
                f" WHERE {where}) "), params

    def _value_expr(self) -> str | None:
        m, arg = self.measure, self.arg
        if m == "sum":
            return f"t.{arg}"
        if m == "avg_workdays":
            a, b = arg.split(",")
            return f"tz_workdays(t.{a}, t.{b})"
        if m == "distinct":
            return {"person": "p.id", "person.unit_id": "p.unit_id",
                    "unit": self._direct_unit() or "p.unit_id"}.get(arg, f"t.{arg}")
        return None

    def _period(self) -> str:
        s = self.scope
        self.params += [s.start.isoformat(), (s.end + timedelta(days=1)).isoformat()]
        date = self._date_expr()
        if date == f"t.{self.fam.date_field}":      # indexed (store/ddl.py): see the module note
            col = self.fam.date_field
            return (f"t.rowid IN (SELECT rowid FROM {self.fam.name} WHERE voided = 0"
                    f" AND {col} >= ? AND {col} < ?)")
        return f"t.voided = 0 AND {date} >= ? AND {date} < ?"

    def _where(self) -> str:
        s = self.scope
        w = [self._period()]
        if s.office:
            w.append("t.owner_office = ?")
            self.params.append(s.office)
        if self.expand and self.fam.field(self.pf).kind is Kind.REFS:
            # a person listed twice counts once (the first listing; cheap: most lists have one)
            w.append(f"(pj.key = 0 OR NOT EXISTS (SELECT 1 FROM json_each(t.{self.pf}) pd"
                     " WHERE pd.key < pj.key AND pd.value = pj.value))")
        if self.part.family == self.defn.family and self.defn.where is not None:
            w.append(self.cond(self.defn.where, "t", self.fam))
        if self.part.where is not None:
            w.append(self.cond(self.part.where, "t", self.fam))
        return " AND ".join(w)

    def cond(self, c: Any, alias: str, fam: Family) -> str:
        (op, arg), = c.items()
        if op in ("and", "or"):
            return "(" + f" {op.upper()} ".join(self.cond(x, alias, fam) for x in arg) + ")"
        if op == "not":
            return f"NOT {self.cond(arg, alias, fam)}"
        if op == "person":
            return self.cond(arg, "p", FAMILIES["person"])
        if op == "null":
            return f"coalesce({alias}.{arg}, '') = ''"
        if op == "notnull":
            return f"coalesce({alias}.{arg}, '') <> ''"
        if op == "true":
            return f"{alias}.{arg} = 1"
        if op == "deadline":
            return self._deadline(arg, alias, fam)
        name, value = arg
        if op in ("le_field", "lt_field"):
            sign = "<=" if op == "le_field" else "<"
            return f"({alias}.{name} IS NOT NULL AND {alias}.{value} IS NOT NULL AND {alias}.{name} {sign} {alias}.{value})"
        if op == "in":
            values = [int(v) if isinstance(v, bool) else v for v in value]
            self.params += values
            return f"{alias}.{name} IN ({','.join('?' * len(values))})" if values else "0"
        self.params.append(int(value) if isinstance(value, bool) else value)
        if op == "ne":
            return f"({alias}.{name} IS NULL OR {alias}.{name} <> ?)"
        return f"{alias}.{name} {_CMP[op]} ?"

    def _deadline(self, arg: dict, alias: str, fam: Family) -> str:
        # "+" keeps these terms off the open-deadline index (active, done_date, due_date):
        # the lookup must go by the record's key, (family, id), not scan every open deadline.
        state = {"on_time": "+d.done_date IS NOT NULL AND +d.done_date <= +d.due_date",
                 "late": "+d.done_date IS NOT NULL AND +d.done_date > +d.due_date",
                 "overdue": "+d.active = 1 AND +d.done_date IS NULL AND +d.due_date < ?",
                 "open": "+d.active = 1 AND +d.done_date IS NULL",
                 "done": "+d.done_date IS NOT NULL"}[arg["state"]]
        # A met deadline counts whatever became of the record since; an unmet one only
        # while it is still watched (active: the record is not closed).
        sql = f"EXISTS (SELECT 1 FROM deadline d WHERE d.family = ? AND d.id = {alias}.id"
        self.params.append(fam.name)
        kinds = arg.get("kinds") or []
        if len(kinds) == 1:
            sql += " AND d.kind = ?"
        elif kinds:     # one search for the record's few deadlines, not one per kind
            sql += f" AND +d.kind IN ({','.join('?' * len(kinds))})"
        self.params += kinds
        if arg["state"] == "overdue":
            self.params.append(self.scope.as_of.isoformat())
        return f"{sql} AND {state})"

    @property
    def additive(self) -> bool:
        """Whether the total is the sum of the rows: each record (or person of a record)
        falls in exactly one row, and the measure adds up (an average: its sum and count)."""
        keyed_by_person = self.dim in ("level", "person") or self.dim == "unit" and self._direct_unit() is None
        return self.measure in ("count", "persons", "sum", "avg_workdays") and not keyed_by_person

    # -- the queries ---------------------------------------------------------
    def value_sql(self) -> str | None:
        v = self._value_expr()
        if v is not None and self.measure == "avg_workdays":
            a, b = self.arg.split(",")          # the day count only where both days are there
            v = f"CASE WHEN t.{a} <> '' AND t.{b} <> '' THEN {v} END"
        return v

    def inner(self) -> tuple[str, list[Any]]:
        self.params = []
        cols = [f"{self.key_expr()} AS k", "t.id AS rid"]
        if self.expand:
            cols.append("p.id AS pid")
        v = self.value_sql()
        if v:
            cols.append(f"{v} AS v")
        sql = f"SELECT {', '.join(cols)} FROM {self.fam.name} t{self._joins()} WHERE {self._where()}"
        # key_expr may hold no parameter; _where collected them in order
        persons, first = self._persons(sql)
        return persons + sql, first + self.params

    def drill(self, key: Any, whole: bool) -> tuple[str, list[Any]]:
        """The condition (over the list's alias ``t``) for the records behind a figure."""
        inner, params = self.inner()
        only = " WHERE v IS NOT NULL" if self.measure in ("avg_workdays", "distinct") else ""
        if whole:
            return f"t.id IN (SELECT rid FROM ({inner}){only})", params
        only = only.replace("WHERE", "AND")
        return f"t.id IN (SELECT rid FROM ({inner}) WHERE k IS ?{only})", params + [key]


def condition_sql(cond: Any, alias: str, fam: Family, as_of: date) -> tuple[str, list[Any]]:
    """One condition on its own (e.g. which persons a report lists)."""
    q = PartQuery.__new__(PartQuery)
    q.params, q.scope = [], Scope(as_of, as_of, as_of)
    return q.cond(cond, alias, fam), q.params


def group_key(defn: ReportDef, part: Part, dim: str, scope: Scope) -> tuple:
    """Parts that one pass can count together: one family, the same person expansion
    (a join on persons drops records without one, so parts that do not expand are
    never mixed with parts that do)."""
    q = PartQuery(defn, part, dim, scope)
    return (part.family, q.expand, q.pf)


def _aggregates(q: PartQuery, i: int) -> list[str]:
    """The figure of part ``i`` over its flag f{i} (and value v{i}); an average is
    given as (sum, how many values, how many records): the 合计 row adds these up,
    and a row without any record shows no average."""
    m, f = q.measure, f"f{i}"
    if m == "count":
        return [f"count(DISTINCT CASE WHEN {f} THEN rid END)" if q.expand else f"count(CASE WHEN {f} THEN 1 END)"]
    if m == "persons":                  # rows are (record, person) pairs, each once
        return [f"count(CASE WHEN {f} THEN 1 END)"]
    if m == "sum":
        return [f"total(CASE WHEN {f} THEN v{i} END)"]
    if m == "distinct":
        return [f"count(DISTINCT CASE WHEN {f} THEN v{i} END)"]
    return [f"total(CASE WHEN {f} THEN v{i} END)", f"count(CASE WHEN {f} THEN v{i} END)",
            f"count(CASE WHEN {f} THEN 1 END)"]


def grouped_query(defn: ReportDef, parts: list[Part], dim: str, scope: Scope, *,
                  total: bool = False) -> tuple[str, list[Any]]:
    """One pass for the parts of one group (see group_key): the period's records are
    read once, each part's condition becomes a 0/1 flag, and each part's figure is
    aggregated over its flag. Gives rows (0, k, figures…) and, with ``total``, one
    more row (1, NULL, figures…) over all records (for figures that do not add up)."""
    queries = [PartQuery(defn, part, dim, scope) for part in parts]
    # the rows of the group: the period and the report's filters, not any part's own
    q = PartQuery(defn, Part(parts[0].family, "count", None, parts[0].person_field), dim, scope)
    q.expand = queries[0].expand
    q.params = []
    # the record's id only where a figure counts records through their persons
    by_record = q.expand and any(pq.measure == "count" for pq in queries)
    cols = [f"{q.key_expr()} AS k"] + (["t.id AS rid"] if by_record else [])
    aggs = []
    for i, (part, pq) in enumerate(zip(parts, queries)):
        cols.append(f"({q.cond(part.where, 't', q.fam)}) AS f{i}" if part.where is not None else f"1 AS f{i}")
        v = pq.value_sql()
        if v:
            cols.append(f"{v} AS v{i}")
        aggs += _aggregates(pq, i)
    flag_params = list(q.params)
    q.params = []
    inner = f"SELECT {', '.join(cols)} FROM {q.fam.name} t{q._joins()} WHERE {q._where()}"
    persons, person_params = q._persons(inner)
    params = person_params + flag_params + q.params
    if not total:
        return f"{persons}SELECT 0, k, {', '.join(aggs)} FROM ({inner}) GROUP BY k", params
    persons = persons[:-1] + ", " if persons else "WITH "
    return (f"{persons}tz_rows AS MATERIALIZED ({inner})"
            f" SELECT 0, k, {', '.join(aggs)} FROM tz_rows GROUP BY k"
            f" UNION ALL SELECT 1, NULL, {', '.join(aggs)} FROM tz_rows"), params
