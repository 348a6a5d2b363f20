"""Checking a ``sync_conflict`` row from a package like a record (issue 9, item 4).

A conflict row is built deterministically from two versions of one record
(``merge.conflict_row``, ``merge.duplicate_key_row``), so a received one can be
checked completely, not just by type:

* both versions (``winner_json``, ``loser_json``) are strict JSON objects with exactly
  the columns of the record's table (``_vv`` left out; for a ``duplicate_key`` the key
  columns), and each passes the same check as a record row;
* both are versions of the record the row names, in the partition the row names
  (``owner_office``), and the id is the hash those versions give — so an office cannot
  attach a conflict to a record under another office's name;
* the kind matches the versions (``edit_void`` exactly when one is voided);
* an open row carries no stamp and no resolution; a resolved one carries both.

Whether the *record* belongs to that partition, in the database or earlier in the
package, is checked by the import walk (``plan.py``): a conflict can only be opened on
a record of an office that may send it — its owner, or (relaying) our upper office for
our own records.
"""
from __future__ import annotations

import hashlib
from typing import Any, Mapping

from desktop_app.domain.registry import FAMILIES

from .jsonsafe import loads_strict
from .keys import is_office_code
from .rows import (CONFLICT_KINDS, CONFLICT_STATUSES, ID_RE, JSON_TEXT_MAX, SHA_RE,
                   _stamp_problem, _text, check_wire, columns)
from .values import is_scalar_text, is_timestamp

KEY_COLUMNS = ("id", "ledger_no", "owner_office", "created_at", "created_by")
SNAPSHOT_DEPTH = 2


def _snapshot(text: Any) -> dict | None:
    if not _text(text, JSON_TEXT_MAX, null=False):
        return None
    try:
        value = loads_strict(text.encode("utf-8"), max_depth=SNAPSHOT_DEPTH)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _version_problem(table: str, snap: dict, owner: str, record_id: str) -> str | None:
    expected = set(columns(table)) - {"_vv"}
    if set(snap) != expected:
        return "冲突中的版本字段与数据表不符"
    origin, counter = snap.get("_origin"), snap.get("_counter")
    vector = {origin: counter} if isinstance(origin, str) else {}
    problem = check_wire(table, dict(snap, _vv=vector))
    if problem:
        return f"冲突中的版本不合格：{problem}"
    if snap["id"] != record_id or snap["owner_office"] != owner:
        return "冲突中的版本不属于该冲突所指的记录或单位"
    return None


def _key_problem(snap: dict) -> str | None:
    if set(snap) != set(KEY_COLUMNS) or not (isinstance(snap["id"], str)
                                             and ID_RE.fullmatch(snap["id"])):
        return "台账编号冲突的内容格式不正确"
    if not (_text(snap["ledger_no"], 64, null=False) and is_office_code(snap["owner_office"])
            and is_timestamp(snap["created_at"]) and _text(snap["created_by"], 100, null=False)
            and is_scalar_text(snap["ledger_no"]) and is_scalar_text(snap["created_by"])):
        return "台账编号冲突的内容格式不正确"
    return None


def _id_of(row: Mapping[str, Any], winner: dict, loser: dict) -> str:
    if row["kind"] == "duplicate_key":
        key = (f"duplicate_key|{row['tbl']}|{winner['ledger_no']}|{winner['id']}"
               f"|{loser['id']}")
    else:
        key = (f"{row['tbl']}|{row['record_id']}|{winner['_origin']}:{winner['_counter']}"
               f"|{loser['_origin']}:{loser['_counter']}")
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _versions_problem(row: Mapping[str, Any], winner: dict, loser: dict) -> str | None:
    table, owner, record_id = row["tbl"], row["owner_office"], row["record_id"]
    if row["kind"] == "duplicate_key":
        problem = _key_problem(winner) or _key_problem(loser)
        if problem:
            return problem
        if loser["id"] != record_id or loser["owner_office"] != owner \
                or winner["ledger_no"] != loser["ledger_no"] or winner["id"] == loser["id"]:
            return "台账编号冲突与所指记录不符"
        return None
    problem = (_version_problem(table, winner, owner, record_id)
               or _version_problem(table, loser, owner, record_id))
    if problem:
        return problem
    if (winner["_origin"], winner["_counter"]) == (loser["_origin"], loser["_counter"]):
        return "冲突的两个版本相同"
    if (row["kind"] == "edit_void") != (bool(winner["voided"]) != bool(loser["voided"])):
        return "冲突类型与两个版本不符"
    return None


def _state_problem(row: Mapping[str, Any]) -> str | None:
    if not is_timestamp(row["detected_utc"]):
        return "冲突发现时间格式不正确"
    if row["status"] == "open":
        if any(row[c] is not None for c in ("resolved_by", "resolved_utc", "_origin",
                                            "_counter", "_hlc")) or row["_vv"] != {}:
            return "未处理的冲突不应带有处理人或修订戳"
        return None
    if not (_text(row["resolved_by"], 100, null=False) and row["resolved_by"]
            and is_timestamp(row["resolved_utc"])):
        return "已处理的冲突缺少处理人或处理时间"
    return _stamp_problem(row)


def conflict_problem(row: Mapping[str, Any]) -> str | None:
    """Why this ``sync_conflict`` wire row is refused, or None; see module docstring."""
    if not (isinstance(row["id"], str) and SHA_RE.fullmatch(row["id"])):
        return "冲突编号格式不正确"
    if row["tbl"] not in FAMILIES or not is_office_code(row["owner_office"]):
        return "冲突所属表或单位不正确"
    if not (isinstance(row["record_id"], str) and ID_RE.fullmatch(row["record_id"])):
        return "冲突所指的记录编号格式不正确"
    if row["kind"] not in CONFLICT_KINDS or row["status"] not in CONFLICT_STATUSES:
        return "冲突类型或状态不正确"
    winner, loser = _snapshot(row["winner_json"]), _snapshot(row["loser_json"])
    if winner is None or loser is None:
        return "冲突版本内容不是有效的 JSON 对象"
    problem = _versions_problem(row, winner, loser) or _state_problem(row)
    if problem:
        return problem
    if _id_of(row, winner, loser) != row["id"]:
        return "冲突编号与冲突内容不符"
    return None
