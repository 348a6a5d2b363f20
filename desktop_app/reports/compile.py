"""Report declarations compiled to SQL.

Every column part becomes one query of the shape

    SELECT <agg> FROM (SELECT DISTINCT <row key> AS k, t.id AS rid [, p.id AS pid] [, <v> AS v]
                       FROM <family> t [JOIN <the record's persons> p] WHERE <period, filters>)
    GROUP BY k

The inner SELECT is also what a figure drills down to: the records behind the
figure in row ``k`` are ``t.id IN (SELECT rid FROM (<inner>) WHERE k IS ?)``,
which the list page runs as its filter, so the list and the figure cannot
disagree. Identifiers come only from the family declarations (checked in
``definition.py``); every value is a parameter.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from desktop_app.domain.registry import FAMILIES
from desktop_app.domain.schema import Family, Kind
from desktop_app.errors import UserFacingError
from desktop_app.reports.definition import DIMENSIONS, Part, ReportDef

_CMP = {"eq": "=", "lt": "<", "le": "<=", "gt": ">", "ge": ">="}


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
            return f" CROSS JOIN json_each(t.{self.pf}) pj CROSS JOIN person p ON p.id = pj.value"
        return f" CROSS JOIN person p ON p.id = t.{self.pf}"

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

    def _where(self) -> str:
        s = self.scope
        w = ["t.voided = 0", f"{self._date_expr()} >= ?", f"{self._date_expr()} < ?"]
        self.params += [s.start.isoformat(), (s.end + timedelta(days=1)).isoformat()]
        if s.office:
            w.append("t.owner_office = ?")
            self.params.append(s.office)
        if self.expand:
            w.append("p.voided = 0")
        if self.part.family == self.defn.family and self.defn.where is not None:
            w.append(self.cond(self.defn.where, "t", self.fam))
        if self.part.where is not None:
            w.append(self.cond(self.part.where, "t", self.fam))
        if self.expand and self.defn.row_filter is not None and self.dim in ("person", "level"):
            w.append(self.cond(self.defn.row_filter, "p", FAMILIES["person"]))
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
        if kinds:
            sql += f" AND d.kind IN ({','.join('?' * len(kinds))})"
            self.params += kinds
        if arg["state"] == "overdue":
            self.params.append(self.scope.as_of.isoformat())
        return f"{sql} AND {state})"

    @property
    def additive(self) -> bool:
        """Whether the total is the sum of the rows: each record (or person of a record)
        falls in exactly one row, and the measure adds up."""
        keyed_by_person = self.dim in ("level", "person") or self.dim == "unit" and self._direct_unit() is None
        return self.measure in ("count", "persons", "sum") and not keyed_by_person

    # -- the queries ---------------------------------------------------------
    def inner(self) -> tuple[str, list[Any]]:
        self.params = []
        cols = [f"{self.key_expr()} AS k", "t.id AS rid"]
        if self.expand:
            cols.append("p.id AS pid")
        v = self._value_expr()
        if v:
            cols.append(f"{v} AS v")
        sql = f"SELECT DISTINCT {', '.join(cols)} FROM {self.fam.name} t{self._joins()} WHERE {self._where()}"
        # key_expr may hold no parameter; _where collected them in order
        return sql, list(self.params)

    def aggregate(self) -> tuple[str, list[Any]]:
        inner, params = self.inner()
        agg = {"count": "count(DISTINCT rid)", "persons": "count(*)", "sum": "total(v)",
               "distinct": "count(DISTINCT v)", "avg_workdays": "avg(v)"}[self.measure]
        return f"SELECT k, {agg} FROM ({inner}) GROUP BY k", params

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


def group_key(defn: ReportDef, part: Part, dim: str, scope: Scope) -> tuple | None:
    """Parts that one scan can count together: counts and 人次 of one family with the
    same person expansion (a join on persons drops records without one, so parts
    that do not expand are never mixed with parts that do)."""
    q = PartQuery(defn, part, dim, scope)
    if q.measure not in ("count", "persons"):
        return None
    return (part.family, q.expand, q.pf)


def grouped_query(defn: ReportDef, parts: list[Part], dim: str, scope: Scope, *,
                  total: bool = False) -> tuple[str, list[Any]]:
    """One pass for several parts (see group_key): the period's records are read once,
    each part's condition becomes a 0/1 flag, and each part's figure is counted over
    its flag. Returns SQL giving (k, figure of part 1, figure of part 2, …)."""
    base = Part(parts[0].family, "persons" if any(p.measure == "persons" for p in parts) else "count",
                None, parts[0].person_field)
    q = PartQuery(defn, base, dim, scope, total=total)
    expand = PartQuery(defn, parts[0], dim, scope).expand
    q.expand = expand
    q.params = []
    flags = []
    for i, part in enumerate(parts):
        flags.append(f"({q.cond(part.where, 't', q.fam)}) AS f{i}" if part.where is not None else f"1 AS f{i}")
    flag_params = list(q.params)
    q.params = []
    cols = [f"{q.key_expr()} AS k", "t.id AS rid"] + (["p.id AS pid"] if expand else []) + flags
    inner = f"SELECT DISTINCT {', '.join(cols)} FROM {q.fam.name} t{q._joins()} WHERE {q._where()}"
    aggs = []
    for i, part in enumerate(parts):
        if part.measure == "persons":
            aggs.append(f"total(f{i})")
        else:
            aggs.append(f"count(DISTINCT CASE WHEN f{i} THEN rid END)")
    return f"SELECT k, {', '.join(aggs)} FROM ({inner}) GROUP BY k", flag_params + q.params
