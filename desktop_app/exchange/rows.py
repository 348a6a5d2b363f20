"""Rows on the wire: one canonical JSON object per row version in ``records/<table>.jsonl``.

A wire row holds every column of the table, exactly (no more, no fewer), as stored,
with two changes the strict JSON reader needs: ``_vv`` is a JSON object rather than
text, and FLOAT values travel as the text ``repr(float)`` (the reader refuses JSON
floats).  ``to_wire(to_db(w)) == w`` for every valid ``w``; conflict rows are built
from wire rows so that both offices write byte-identical conflicts.

``check_wire(table, row)`` is the content check of exchange.md §3.4-7 for one row:
column set, types, lengths, required fields, dates, vocabularies of the common
columns, revision stamps.  It returns a Chinese reason or None.  References,
ownership and attachments need the whole package and the database: see ``plan.py``.
"""
from __future__ import annotations

import math
import re
from typing import Any, Mapping

from desktop_app.domain.registry import FAMILIES
from desktop_app.domain.schema import COMMON_NAMES, SENSITIVITIES, Family, Kind
from desktop_app.domain.vocab import choices, workflows
from desktop_app.filenames import is_clean
from desktop_app.store.records import ledger_counter_parts

from . import vectors
from .jsonsafe import loads_strict
from .keys import is_office_code
from .scope import CONFLICT_TABLE, SHARED_TABLE
from .values import (is_counter, is_date, is_int64, is_scalar_text, is_timestamp,
                     scalar_problem, shown)

CONFLICT_COLUMNS = ("id", "tbl", "record_id", "winner_json", "loser_json", "kind", "status",
                    "detected_utc", "resolved_by", "resolved_utc", "owner_office",
                    "_origin", "_counter", "_hlc", "_vv")
SHARED_COLUMNS = ("id", "key", "value", "owner_office", "updated_at",
                  "_origin", "_counter", "_hlc", "_vv")
CONFLICT_KINDS = ("concurrent", "edit_void", "duplicate_key")
CONFLICT_STATUSES = ("open", "resolved")
STAMP_COLUMNS = ("_origin", "_counter", "_hlc", "_vv")
# Columns that are bookkeeping rather than what a person entered: two versions that
# differ only in these hold the same data (exchange.md §3.5 "equal content").
NON_DATA = frozenset({"created_at", "created_by", "updated_at", "updated_by"} |
                     set(STAMP_COLUMNS))

ID_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.:-]{0,63}", re.ASCII)
HLC_RE = re.compile(r"\d{15}\.\d{5}", re.ASCII)
SHA_RE = re.compile(r"[0-9a-f]{64}", re.ASCII)
SHARED_KEY_RE = re.compile(r"holidays:\d{4}", re.ASCII)
STAMP_TEXT_MAX = 64
JSON_TEXT_MAX = 400_000
LIST_ITEM_MAX = 200
# Columns whose value names a file in the content store: a hash, never a path.
HASH_COLUMNS = {("attachment", "sha256"): False, ("document", "pdf_sha256"): True}


def columns(table: str) -> tuple[str, ...]:
    if table == CONFLICT_TABLE:
        return CONFLICT_COLUMNS
    if table == SHARED_TABLE:
        return SHARED_COLUMNS
    fam = FAMILIES[table]
    return COMMON_NAMES + fam.field_names


def _float_fields(table: str) -> tuple[str, ...]:
    fam = FAMILIES.get(table)
    return tuple(f.name for f in fam.fields if f.kind is Kind.FLOAT) if fam else ()


def to_wire(table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row (``sqlite3.Row`` or dict, ``_vv`` text or dict) as it travels."""
    out = {c: row[c] for c in columns(table)}
    out["_vv"] = vectors.parse(out["_vv"])
    for name in _float_fields(table):
        if out[name] is not None:
            out[name] = repr(float(out[name]))
    return out


def to_db(table: str, wire: Mapping[str, Any]) -> dict[str, Any]:
    """A checked wire row as stored (``_vv`` canonical text, floats as floats)."""
    out = dict(wire)
    out["_vv"] = vectors.dumps(wire["_vv"])
    for name in _float_fields(table):
        if out[name] is not None:
            out[name] = float(out[name])
    return out


def data_part(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in NON_DATA}


# ------------------------------------------------------------------ checks

def _text(value: Any, limit: int, *, null: bool = True) -> bool:
    if value is None:
        return null
    # Unicode scalar values and no NUL: checked for a whole row by ``_values_problem``.
    return isinstance(value, str) and len(value) <= limit


def _int(value: Any) -> bool:
    return is_int64(value)


def _stamp_problem(row: Mapping[str, Any], *, allow_empty: bool = False) -> str | None:
    vv = row.get("_vv")
    if not vectors.is_vector(vv) or any(c < 1 for c in vv.values()):
        return "版本向量格式不正确"
    if allow_empty and not vv and row.get("_origin") is None:
        return None
    origin, counter, hlc = row.get("_origin"), row.get("_counter"), row.get("_hlc")
    if not (isinstance(origin, str) and vectors.INSTANCE_RE.fullmatch(origin)
            and is_counter(counter) and isinstance(hlc, str) and HLC_RE.fullmatch(hlc)):
        return "修订戳格式不正确"
    # ≥, not ==: a merge may keep an older version of an instance (an edit beats a
    # later void of that instance), while the vector records that both were seen.
    if vv.get(origin, 0) < counter:
        return "修订戳与版本向量不符"
    return None


_LIMITS: dict[int, tuple[int, frozenset[str] | None]] = {}


def _limits(f) -> tuple[int, frozenset[str] | None]:
    """(length limit, vocabulary) of a field, worked out once: this runs per value."""
    found = _LIMITS.get(id(f))
    if found is None:
        vocab = frozenset(choices(f.vocab)) if f.vocab else None
        found = _LIMITS[id(f)] = (f.limit or 20000, vocab)
    return found


def _field_problem(f, value: Any) -> str | None:
    kind = f.kind
    if value is None:
        return f"缺少必填字段“{f.label}”" if f.required else None
    limit, vocab = _limits(f)
    if kind is Kind.TEXT and type(value) is str and len(value) <= limit:
        return f"字段“{f.label}”只能是一行文字" if "\n" in value or "\r" in value else None
    if kind is Kind.INT or kind is Kind.BOOL:
        if not _int(value) or (kind is Kind.BOOL and value not in (0, 1)):
            return f"字段“{f.label}”应为整数"
        return _range_problem(f, value)
    if kind is Kind.FLOAT:
        try:
            number = float(value) if isinstance(value, str) else math.nan
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or repr(number) != value:
            return f"字段“{f.label}”应为数字"
        return _range_problem(f, number)
    if not _text(value, limit, null=False):
        return f"字段“{f.label}”类型不对或过长"
    if kind is Kind.DATE and not is_date(value):
        return f"字段“{f.label}”不是有效日期"
    if kind is Kind.CHOICE and value not in vocab:
        return f"字段“{f.label}”的值“{shown(value, 20)}”不是可选项"
    if kind in (Kind.REFS, Kind.LIST):
        return _list_problem(f, value)
    if kind is Kind.REF and not ID_RE.fullmatch(value):
        return f"字段“{f.label}”引用编号格式不正确"
    return None


def _range_problem(f, number: float) -> str | None:
    if f.min_value is not None and number < f.min_value:
        return f"字段“{f.label}”小于下限"
    if f.max_value is not None and number > f.max_value:
        return f"字段“{f.label}”大于上限"
    return None


def list_items(text: str) -> list[str] | None:
    """The items of a list field's JSON text (one level deep, strings only), or None."""
    try:
        items = loads_strict(text.encode("utf-8"), max_depth=1)
    except (ValueError, UnicodeEncodeError):
        return None
    if not isinstance(items, list) or not all(isinstance(i, str) and is_scalar_text(i)
                                              for i in items):
        return None
    return items


def _list_problem(f, text: str) -> str | None:
    items = list_items(text)
    if items is None:
        return f"字段“{f.label}”应为文字列表"
    if f.kind is Kind.REFS and not all(ID_RE.fullmatch(i) for i in items):
        return f"字段“{f.label}”引用编号格式不正确"
    if any(len(i) > LIST_ITEM_MAX or not i for i in items) or len(set(items)) != len(items):
        return f"字段“{f.label}”列表项为空、过长或重复"
    if f.kind is Kind.LIST and f.vocab and any(i not in choices(f.vocab) for i in items):
        return f"字段“{f.label}”列表中有不可选的值"
    return None


def _common_problem(fam: Family, row: Mapping[str, Any]) -> str | None:
    if not is_office_code(row["owner_office"]):
        return "所属单位代码不正确"
    if row["status"] not in workflows()[fam.workflow].transitions:
        return f"状态“{shown(row['status'], 20)}”不是{fam.label}的有效状态"
    if row["sensitivity"] not in SENSITIVITIES:
        return "敏感度不正确（本系统只允许“一般”“内部”）"
    if row["voided"] not in (0, 1) or not _int(row["voided"]):
        return "作废标志不正确"
    if not _text(row["void_reason"], 500) or not _text(row["ledger_no"], 64):
        return "作废理由或台账编号格式不正确"
    if row["ledger_no"] and not _ledger_no_ok(row["ledger_no"]):
        return f"台账编号“{shown(row['ledger_no'], 30)}”格式不正确"
    for name in ("created_at", "updated_at"):
        if not is_timestamp(row[name]):
            return f"时间“{name}”格式不正确"
    for name in ("created_by", "updated_by"):
        if not _text(row[name], 100, null=False):
            return "录入人格式不正确"
    return _stamp_problem(row)


def _ledger_no_ok(text: str) -> bool:
    """One line; where it ends like a counted number (…-年份-序号), the digits are ASCII
    and bounded, as ``store.records.observe_ledger_no`` needs them."""
    if "\n" in text or "\r" in text:
        return False
    head, _, seq = text.rpartition("-")
    _, _, year = head.rpartition("-")
    if seq.isdigit() and year.isdigit():
        return ledger_counter_parts(seq, year)
    return True


def _shared_problem(row: Mapping[str, Any]) -> str | None:
    key, owner = row["key"], row["owner_office"]
    if not (isinstance(key, str) and SHARED_KEY_RE.fullmatch(key) and is_office_code(owner)):
        return "共享设置的键或单位不正确"
    if row["id"] != f"{owner}:{key}":
        return "共享设置编号不正确"
    if not _text(row["value"], JSON_TEXT_MAX, null=False) or not is_timestamp(
            row["updated_at"]):
        return "共享设置内容格式不正确"
    return _stamp_problem(row)


def check_wire(table: str, row: Any) -> str | None:
    """Why this wire row is refused, or None when it is well-formed."""
    if not isinstance(row, dict):
        return "不是 JSON 对象"
    expected = columns(table)
    if set(row) != set(expected):
        extra = [shown(k, 20) for k in sorted(set(row) ^ set(expected))[:3]]
        return f"字段与本程序的数据结构不符：{'、'.join(extra)}"
    if not (isinstance(row["id"], str) and ID_RE.fullmatch(row["id"])):
        return "记录编号格式不正确"
    problem = _values_problem(table, row)
    if problem:
        return problem
    if not vectors.is_vector(row["_vv"]):
        return "版本向量格式不正确"
    if table == CONFLICT_TABLE:
        from .conflict_rows import conflict_problem    # it checks snapshots with check_wire
        return conflict_problem(row)
    if table == SHARED_TABLE:
        return _shared_problem(row)
    fam = FAMILIES[table]
    problem = _common_problem(fam, row)
    if problem:
        return problem
    for f in fam.fields:
        problem = _field_problem(f, row[f.name])
        if problem:
            return problem
    return _hash_problem(table, row)


def _values_problem(table: str, row: Mapping[str, Any]) -> str | None:
    """Every value storable as it is: text of Unicode scalar values without NUL,
    integers within 64 bits, a dict only for ``_vv``.  The texts are checked in one
    encode (this runs on every row of a package); only a failure looks closer."""
    texts = []
    for name, value in row.items():
        kind = type(value)
        if kind is str:
            texts.append(value)
        elif value is None or (kind is dict and name == "_vv"):
            continue
        elif kind is not int or not is_int64(value):
            return f"字段“{_label(table, name)}”{scalar_problem(value) or '类型不对'}"
    joined = "".join(texts)
    try:
        joined.encode("utf-8")
        clean = "\x00" not in joined
    except UnicodeEncodeError:
        clean = False
    if clean:
        return None
    for name, value in row.items():
        if isinstance(value, str) and not is_scalar_text(value):
            return f"字段“{_label(table, name)}”含有无效的 Unicode 字符"
    return None


def _label(table: str, name: str) -> str:
    fam = FAMILIES.get(table)
    return fam.field(name).label if fam and name in fam.field_names else name


def _hash_problem(table: str, row: Mapping[str, Any]) -> str | None:
    """A stored value that names a file is a well-formed hash; a file name is clean."""
    for (hash_table, name), nullable in HASH_COLUMNS.items():
        if table == hash_table and not (nullable and row[name] is None) \
                and not (isinstance(row[name], str) and SHA_RE.fullmatch(row[name])):
            return f"字段“{_label(table, name)}”不是有效的 SHA-256 校验值"
    if table == "attachment" and not is_clean(row["filename"]):
        return "字段“文件名”含有路径、控制字符或 Windows 保留名，不是安全的文件名"
    return None


def row_id(row: Any) -> str:
    """The id of a wire row for a report, even of a malformed one."""
    value = row.get("id") if isinstance(row, dict) else None
    return shown(value, 64) if isinstance(value, str) else "?"
