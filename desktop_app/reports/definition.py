"""Report definitions as data.

A report is a declaration: the family it counts, the rows (one dimension),
the columns (each a measure over records matching a condition, possibly
summed over several families), and a base filter. The engine compiles it to
SQL (``compile.py``); an office's own variant of a table is the same JSON with
rows or columns changed, kept as a ``report_def`` record and exchanged like a
letter template. Because a definition may arrive from another office, parsing
checks every name against the family declarations and every value's type:
nothing in a definition ever becomes SQL text by itself.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from desktop_app.domain.registry import FAMILIES
from desktop_app.domain.schema import Family, Kind
from desktop_app.errors import ValidationError

DIMENSIONS = {"type": "类型", "unit": "单位", "office": "报送机关", "level": "对象层级",
              "person": "人员", "month": "月份"}
MEASURES = {"count": "记录数", "persons": "人次", "sum": "合计值", "distinct": "去重计数",
            "avg_workdays": "平均工作日"}
COMMON_FIELDS = ("status", "owner_office", "ledger_no", "sensitivity")
MAX_COLUMNS = 40
MAX_JSON = 64_000
_OPS1 = ("null", "notnull", "true")
_OPS2 = ("eq", "ne", "lt", "le", "gt", "ge", "in", "le_field", "lt_field")
DEADLINE_STATES = ("on_time", "late", "overdue", "open", "done")
DETAILS = ("overdue_rect_items",)     # 整改表所附逾期明细清单


def _bad(message: str) -> ValidationError:
    return ValidationError("report", f"报表定义有误：{message}")


@dataclass(frozen=True)
class Part:
    """What one column counts in one family."""
    family: str
    measure: str = "count"           # count | persons | sum:FIELD | distinct:EXPR | avg_workdays:A,B
    where: Any = None                # condition (see check_condition)
    person_field: str | None = None  # the person reference people are counted through

    def to_json(self) -> dict:
        out = {"family": self.family, "measure": self.measure}
        if self.where is not None:
            out["where"] = self.where
        if self.person_field:
            out["person_field"] = self.person_field
        return out


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    parts: tuple[Part, ...] = ()
    ratio: tuple[str, str] | None = None     # numerator key, denominator key: a percentage
    group: str = ""                          # the header cell above (merged across its columns)

    def to_json(self) -> dict:
        out: dict[str, Any] = {"key": self.key, "label": self.label}
        if self.group:
            out["group"] = self.group
        if self.ratio:
            out["ratio"] = list(self.ratio)
        else:
            out["parts"] = [p.to_json() for p in self.parts]
        return out


@dataclass(frozen=True)
class ReportDef:
    name: str
    title: str
    family: str                  # the report's main family (rows are taken from it)
    rows: str                    # dimension: type | field:NAME | field:A+B | unit | office | level | person | month
    columns: tuple[Column, ...]
    date: tuple[str, ...] = ()   # date fields (COALESCE) the period applies to; default the family's
    where: Any = None
    row_filter: Any = None       # for person rows: which persons are listed (e.g. the 常委)
    note: str = ""
    kind: str = "table"          # table | deadlines (the 预警清单)
    by: tuple[str, ...] = ("type", "unit", "office", "level")
    detail: str = ""             # an appended list: "" or one of DETAILS
    extra: dict = field(default_factory=dict)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def to_json(self) -> dict:
        out = {"name": self.name, "title": self.title, "family": self.family, "rows": self.rows,
               "columns": [c.to_json() for c in self.columns], "kind": self.kind, "by": list(self.by)}
        if self.detail:
            out["detail"] = self.detail
        for key in ("date", "where", "row_filter", "note"):
            value = getattr(self, key)
            if value:
                out[key] = list(value) if isinstance(value, tuple) else value
        return out

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=1)


# ---------------------------------------------------------------- parsing (untrusted)

def _fam(name: Any) -> Family:
    if not isinstance(name, str) or name not in FAMILIES:
        raise _bad(f"没有“{name}”这类记录。")
    return FAMILIES[name]


def _text(obj: dict, key: str, limit: int, required: bool = True) -> str:
    value = obj.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise _bad(f"“{key}”应为不超过 {limit} 字的文字。")
    return value.strip()


def field_of(fam: Family, name: Any, *, allow_common: bool = True) -> str:
    if isinstance(name, str) and (name in fam.field_names or allow_common and name in COMMON_FIELDS):
        return name
    raise _bad(f"{fam.label}没有“{name}”这一项。")


def _scalar(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if value is None or isinstance(value, (int, float)) or isinstance(value, str) and len(value) <= 200:
        return value
    raise _bad(f"条件中的值“{str(value)[:20]}”不合适。")


def check_condition(fam: Family, cond: Any, depth: int = 0) -> None:
    """Raise unless ``cond`` is a condition the compiler understands, over ``fam``'s fields."""
    if depth > 8:
        raise _bad("条件嵌套过深。")
    if not isinstance(cond, dict) or len(cond) != 1:
        raise _bad("每个条件应为只有一项的对象，如 {\"notnull\": \"reply_date\"}。")
    (op, arg), = cond.items()
    if op in ("and", "or"):
        if not isinstance(arg, list) or not arg or len(arg) > 20:
            raise _bad(f"“{op}”后应为条件列表。")
        for c in arg:
            check_condition(fam, c, depth + 1)
    elif op == "not":
        check_condition(fam, arg, depth + 1)
    elif op == "person":
        check_condition(FAMILIES["person"], arg, depth + 1)
    elif op in _OPS1:
        field_of(fam, arg)
    elif op in _OPS2:
        if not isinstance(arg, list) or len(arg) != 2:
            raise _bad(f"“{op}”后应为 [字段, 值]。")
        field_of(fam, arg[0])
        if op.endswith("_field"):
            field_of(fam, arg[1])
        elif op == "in":
            if not isinstance(arg[1], list) or len(arg[1]) > 50:
                raise _bad("“in”后应为值的列表。")
            for v in arg[1]:
                _scalar(v)
        else:
            _scalar(arg[1])
    elif op == "deadline":
        if not isinstance(arg, dict) or arg.get("state") not in DEADLINE_STATES:
            raise _bad("期限条件应写明 state（on_time、late、overdue、open 或 done）。")
        kinds = arg.get("kinds", [])
        known = {d.kind for d in fam.deadlines}
        if not isinstance(kinds, list) or any(k not in known for k in kinds):
            raise _bad(f"{fam.label}没有这样的期限：{kinds}。")
    else:
        raise _bad(f"不认识的条件“{op}”。")


def _measure(fam: Family, text: Any) -> str:
    if not isinstance(text, str):
        raise _bad("统计方式应为文字。")
    kind, _, arg = text.partition(":")
    if kind not in MEASURES:
        raise _bad(f"不认识的统计方式“{text}”。")
    if kind == "sum":
        if fam.field(field_of(fam, arg, allow_common=False)).kind not in (Kind.INT, Kind.FLOAT):
            raise _bad(f"“{arg}”不是数值，不能求和。")
    elif kind == "avg_workdays":
        a, _, b = arg.partition(",")
        for name in (a, b):
            if fam.field(field_of(fam, name, allow_common=False)).kind is not Kind.DATE:
                raise _bad(f"“{name}”不是日期。")
    elif kind == "distinct" and arg not in ("person", "person.unit_id", "unit"):
        field_of(fam, arg)
    return text


def _part(obj: Any) -> Part:
    if not isinstance(obj, dict):
        raise _bad("列的统计部分应为对象。")
    fam = _fam(obj.get("family"))
    pf = obj.get("person_field")
    if pf is not None and (field_of(fam, pf, allow_common=False) and fam.field(pf).ref != "person"):
        raise _bad(f"“{pf}”不是人员。")
    where = obj.get("where")
    if where is not None:
        check_condition(fam, where)
    return Part(fam.name, _measure(fam, obj.get("measure", "count")), where, pf)


def _column(obj: Any) -> Column:
    if not isinstance(obj, dict):
        raise _bad("每一列应为对象。")
    key, label = _text(obj, "key", 40), _text(obj, "label", 60)
    group = _text(obj, "group", 60, required=False)
    if "ratio" in obj:
        r = obj["ratio"]
        if not (isinstance(r, list) and len(r) == 2 and all(isinstance(x, str) for x in r)):
            raise _bad(f"列“{label}”的比率应为 [分子列, 分母列]。")
        return Column(key, label, ratio=(r[0], r[1]), group=group)
    parts = obj.get("parts")
    if not isinstance(parts, list) or not 1 <= len(parts) <= 8:
        raise _bad(f"列“{label}”应有 1 到 8 个统计部分。")
    return Column(key, label, tuple(_part(p) for p in parts), group=group)


def _rows(fam: Family, rows: Any) -> str:
    if not isinstance(rows, str):
        raise _bad("行应为文字。")
    if rows.startswith("field:"):
        for name in rows[6:].split("+", 1):
            field_of(fam, name, allow_common=name == "status")
        return rows
    if rows not in DIMENSIONS:
        raise _bad(f"不认识的行“{rows}”。")
    return rows


def parse_definition(data: Any) -> ReportDef:
    """A checked ``ReportDef`` from JSON text or a decoded object."""
    if isinstance(data, (str, bytes)):
        if len(data) > MAX_JSON:
            raise _bad("内容过长。")
        try:
            data = json.loads(data)
        except ValueError:
            raise _bad("不是有效的 JSON。") from None
    if not isinstance(data, dict):
        raise _bad("应为一个对象。")
    fam = _fam(data.get("family"))
    kind = data.get("kind", "table")
    if kind not in ("table", "deadlines"):
        raise _bad(f"不认识的报表种类“{kind}”。")
    cols = data.get("columns", [])
    if not isinstance(cols, list) or len(cols) > MAX_COLUMNS or kind == "table" and not cols:
        raise _bad(f"列应为 1 到 {MAX_COLUMNS} 项的列表。")
    columns = tuple(_column(c) for c in cols)
    keys = [c.key for c in columns]
    if len(set(keys)) != len(keys):
        raise _bad("列的 key 有重复。")
    for c in columns:
        if c.ratio and any(k not in keys or columns[keys.index(k)].ratio for k in c.ratio):
            raise _bad(f"列“{c.label}”的比率须引用本表的计数列。")
    dates = data.get("date", [])
    if not isinstance(dates, list) or len(dates) > 3:
        raise _bad("date 应为日期字段列表。")
    for d in dates:
        if fam.field(field_of(fam, d, allow_common=False)).kind is not Kind.DATE:
            raise _bad(f"“{d}”不是日期。")
    for key in ("where", "row_filter"):
        if data.get(key) is not None:
            check_condition(fam if key == "where" else FAMILIES["person"], data[key])
    by = data.get("by", ["type", "unit", "office", "level"])
    if not isinstance(by, list) or any(b not in DIMENSIONS for b in by):
        raise _bad("by 应为维度列表。")
    return ReportDef(
        name=_text(data, "name", 40), title=_text(data, "title", 60), family=fam.name,
        rows=_rows(fam, data.get("rows", "type")), columns=columns, date=tuple(dates),
        where=data.get("where"), row_filter=data.get("row_filter"),
        note=_text(data, "note", 500, required=False), kind=kind, by=tuple(by),
        detail=_detail(data.get("detail", "")))


def _detail(value: Any) -> str:
    if value not in ("", *DETAILS):
        raise _bad(f"不认识的附表“{value}”。")
    return value
