"""The merge of one incoming row version with the local one (exchange.md §3.5).

``decide(table, local, incoming) -> Decision``; both rows are *wire* rows
(``rows.to_wire``), ``local`` None when we have no such row.

======================== ===================================== ======================
case                     test                                   action
======================== ===================================== ======================
new                      no local row                           ``NEW``: insert
already known / replay   local vector ≥ incoming                ``SKIP``
fast-forward             incoming ≥ local                       ``FORWARD``: replace
same version or content  same (origin, counter), or equal data  ``MERGE``: winner's
                         with different histories                row, vv = max
concurrent               neither dominates, data differs        ``CONFLICT``: winner's
                                                                row, vv = max; the
                                                                loser → sync_conflict
======================== ===================================== ======================

The winner is deterministic — (1) ownership is settled before the merge (a row never
changes partition and only its owner's versions are accepted, ``scope.py``), (2) a
version the other side has already seen (its stamp lies in the other vector) loses,
(3) the higher HLC, (4) the higher instance id — so both offices pick the same row,
keep it *without re-stamping* it, and crossing packages converge in one round.  The
merge is a join: the kept content is the maximum version under an order that agrees
with causality (a later edit always has a higher HLC: local stamps pass every HLC
observed on import), and the vector is the union, so the order packages arrive in
does not matter.

Why not "an edit beats a void" (exchange.md §3.5, rule 2): as a rank it disagrees with
causality — a void *after* an edit would rank below that edit — and a pairwise merge
with such a rank is no longer a join.  The randomized test found the case: one office
holds edit *a* (winning over a concurrent void *c*), then receives void *b* made after
*a*; another office compares *b* with *c*; both end with the same vector but different
content, for ever.  So an edit against a void is decided like any conflict, by HLC,
and is kept as an ``edit_void`` conflict: the edit's data stays in the conflict row,
the conflicts page marks it, and one click restores it.

A conflict row's id is SHA-256 of table, record id and both versions' (origin,
counter); its content is built only from those two versions (never from the local
vectors, which differ between offices), so every office that compares the same pair
writes the same row.  It carries no stamp (an empty vector) until a person resolves
it: which pairs an office compares depends on the order packages arrive in, so every
export carries *all* the conflict rows of its scope (``outgoing.conflict_rows``; they
are few), and every office ends up with the same set.  Conflict rows and shared
settings merge like records, but their concurrent versions (two resolutions) just
keep the winner — a resolved conflict beats an open one — without a conflict of
their own.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping

from . import vectors
from .jsonsafe import canonical_json
from .rows import data_part
from .scope import CONFLICT_TABLE, SHARED_TABLE

NEW, SKIP, FORWARD, MERGE, CONFLICT = "new", "skip", "forward", "merge", "conflict"
Row = Mapping[str, Any]


@dataclass(frozen=True)
class Decision:
    action: str
    row: dict[str, Any] | None = None          # wire row to store (None for SKIP)
    conflict: dict[str, Any] | None = None     # wire sync_conflict row to add


def version(row: Row) -> str:
    return f"{row['_origin']}:{row['_counter']}"


def _hlc_rank(row: Row, hlc_cap: str | None) -> str:
    """An HLC beyond the accepted clock skew (``hlc_cap``) never decides: it ranks
    below every sane one (a PC clock set to the year 9999 wins nothing)."""
    hlc = row["_hlc"] or ""
    return "" if hlc_cap is not None and hlc > hlc_cap else hlc


def _record_rank(row: Row, hlc_cap: str | None) -> tuple:
    return (_hlc_rank(row, hlc_cap), row["_origin"])


def _seen(vector: Mapping[str, int], row: Row) -> bool:
    """Has the side holding ``vector`` seen the version ``row`` holds?"""
    return vector.get(row["_origin"], 0) >= row["_counter"]


def _other_rank(table: str, row: Row, hlc_cap: str | None) -> tuple:
    resolved = 1 if table == CONFLICT_TABLE and row["status"] == "resolved" else 0
    return (resolved, _hlc_rank(row, hlc_cap), row["_origin"] or "")


def decide(table: str, local: Row | None, incoming: Row, hlc_cap: str | None = None) -> Decision:
    """``hlc_cap``: the highest HLC within the accepted clock skew of now."""
    if local is None:
        return Decision(NEW, dict(incoming))
    vl, vi = local["_vv"], incoming["_vv"]
    if vectors.dominates(vl, vi):
        return Decision(SKIP)
    if vectors.dominates(vi, vl):
        return Decision(FORWARD, dict(incoming))
    merged = vectors.merge(vl, vi)
    if table in (CONFLICT_TABLE, SHARED_TABLE):
        winner = max(local, incoming, key=lambda r: _other_rank(table, r, hlc_cap))
        return Decision(MERGE, dict(winner, _vv=merged))
    # A version the other side has seen is superseded there; with a sane clock the HLC
    # says the same, but a clock set far ahead (whose HLC we refuse to adopt) may not.
    local_old, incoming_old = _seen(vi, local), _seen(vl, incoming)
    if local_old != incoming_old:
        take_incoming = local_old
    else:
        take_incoming = _record_rank(incoming, hlc_cap) > _record_rank(local, hlc_cap)
    winner, loser = (incoming, local) if take_incoming else (local, incoming)
    row = dict(winner, _vv=merged)
    if version(local) == version(incoming) or data_part(local) == data_part(incoming):
        return Decision(MERGE, row)
    return Decision(CONFLICT, row, conflict_row(table, winner, loser))


def hlc_utc(hlc: str) -> str:
    wall_ms = int(hlc.partition(".")[0])
    try:
        moment = datetime.fromtimestamp(wall_ms / 1000, timezone.utc)
    except (OverflowError, OSError, ValueError):
        moment = datetime(9999, 12, 31, tzinfo=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _snapshot(row: Row) -> str:
    return canonical_json({k: v for k, v in row.items() if k != "_vv"}).decode("utf-8")


def conflict_row(table: str, winner: Row, loser: Row) -> dict[str, Any]:
    """The deterministic sync_conflict wire row for two concurrent versions."""
    kind = "edit_void" if bool(winner["voided"]) != bool(loser["voided"]) else "concurrent"
    key = f"{table}|{winner['id']}|{version(winner)}|{version(loser)}"
    hlc = max(winner["_hlc"], loser["_hlc"])
    return {"id": hashlib.sha256(key.encode("utf-8")).hexdigest(), "tbl": table,
            "record_id": winner["id"], "winner_json": _snapshot(winner),
            "loser_json": _snapshot(loser), "kind": kind, "status": "open",
            "detected_utc": hlc_utc(hlc), "resolved_by": None, "resolved_utc": None,
            "owner_office": winner["owner_office"], "_origin": None, "_counter": None,
            "_hlc": None, "_vv": {}}


KEY_COLUMNS = ("id", "ledger_no", "owner_office", "created_at", "created_by")


def duplicate_key_row(table: str, a: Row, b: Row) -> dict[str, Any]:
    """Two records that carry the same 台账编号: both are kept; this row asks a person
    to look.  Built from columns that never change, so every office writes the same
    content."""
    first, second = sorted((a, b), key=lambda r: (r["created_at"], r["id"]))
    key = f"duplicate_key|{table}|{first['ledger_no']}|{first['id']}|{second['id']}"
    snap = lambda r: canonical_json({c: r[c] for c in KEY_COLUMNS}).decode("utf-8")
    return {"id": hashlib.sha256(key.encode("utf-8")).hexdigest(), "tbl": table,
            "record_id": second["id"], "winner_json": snap(first), "loser_json": snap(second),
            "kind": "duplicate_key", "status": "open", "detected_utc": second["created_at"],
            "resolved_by": None, "resolved_utc": None, "owner_office": second["owner_office"],
            "_origin": None, "_counter": None, "_hlc": None, "_vv": {}}
