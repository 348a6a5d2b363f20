"""Who may send what to whom: ownership (R9) and export scopes (exchange.md §3.3-1).

Every synced row belongs to a *partition*: the code of the office that created it
(``owner_office``).  Only that office changes it; everyone else holds read-only
copies (``services.records`` refuses edits of another office's record).  The tables
that travel are the record families, ``sync_conflict`` (the losing versions of
concurrent edits, R3) and ``shared_setting`` (a pseudo table: the holiday tables
``holidays:YYYY`` an upper office publishes, see ``shared.py``).

How two offices relate is recorded by ``taizhang office trust --upper/--lower``
(column ``office.parent_code``): ours names our upper office; a lower office's row
names us.

Export scope, by the relation of the recipient to us:

======== =========================================================================
upper    our own partition: every record family and the conflict rows of our
         records (a county reports to the city)
lower    our own templates and lists (``resp_template``, ``resp_item``, ``report_def``,
         ``focus_item``, their conflict rows) and our holiday tables; plus, unless
         switched off, the recipient's own partition as we hold it — so a county
         restored from a backup gets its records back, and the city relays between
         the workstations of one county
self     another workstation of our own office: every partition we hold
other    a trusted office that is neither: our own partition, like ``upper``
======== =========================================================================

Import authorisation mirrors it: a row of partition P (table T) from sender S is
accepted when S is another workstation of our office, or P == S (the sender's own
data; holiday tables only from our upper office), or S is our upper office and P
is us (our records as the upper office holds them).  Anything else — a county
sending an edit of a city template, or another county's records — rejects the whole
package, naming the rows.  A row may also never move to another partition: an
incoming ``owner_office`` that differs from the local copy's is refused.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.domain.registry import FAMILIES

CONFLICT_TABLE = "sync_conflict"
SHARED_TABLE = "shared_setting"
TEMPLATE_TABLES = frozenset({"resp_template", "resp_item", "focus_item", "report_def"})
FAMILY_TABLES = tuple(FAMILIES)
# The order rows are exported and applied in: holiday tables first (the deadlines of
# the records applied after them use the new calendar), parents before children, then
# the conflict rows that refer to records.
SYNC_TABLES = (SHARED_TABLE,) + FAMILY_TABLES + (CONFLICT_TABLE,)


class Relation(StrEnum):
    SELF = "self"
    UPPER = "upper"    # the peer is our upper office
    LOWER = "lower"    # the peer is one of our lower offices
    OTHER = "other"


RELATION_LABELS = {Relation.SELF: "本单位其他工作站", Relation.UPPER: "上级单位",
                   Relation.LOWER: "下级单位", Relation.OTHER: "其他单位"}


def relation(conn: sqlite3.Connection, me: str, peer: str) -> Relation:
    if peer == me:
        return Relation.SELF
    own = conn.execute("SELECT parent_code FROM office WHERE code = ?", (me,)).fetchone()
    if own is not None and own[0] == peer:
        return Relation.UPPER
    other = conn.execute("SELECT parent_code FROM office WHERE code = ?", (peer,)).fetchone()
    if other is not None and other[0] == me:
        return Relation.LOWER
    return Relation.OTHER


@dataclass(frozen=True)
class Partition:
    """One partition of an export and the tables of it that travel."""
    owner: str
    tables: frozenset[str]      # family tables (+ SHARED_TABLE); conflicts follow them


def _all_partitions(conn: sqlite3.Connection) -> list[str]:
    owners: set[str] = set()
    for table in FAMILY_TABLES:
        owners.update(r[0] for r in conn.execute(f"SELECT DISTINCT owner_office FROM {table}"))
    owners.update(r[0] for r in conn.execute("SELECT DISTINCT owner_office FROM sync_conflict"))
    owners.update(r[0] for r in conn.execute("SELECT DISTINCT scope FROM knowledge"))
    return sorted(owners)


def export_partitions(conn: sqlite3.Connection, me: str, peer: str, rel: Relation, *,
                      include_peer_records: bool = True) -> list[Partition]:
    everything = frozenset(FAMILY_TABLES)
    if rel is Relation.SELF:
        return [Partition(p, everything | {SHARED_TABLE}) for p in _all_partitions(conn)]
    if rel is Relation.LOWER:
        parts = [Partition(me, TEMPLATE_TABLES | {SHARED_TABLE})]
        if include_peer_records:
            parts.append(Partition(peer, everything))
        return parts
    return [Partition(me, everything)]


def may_send(rel: Relation, sender: str, me: str, owner: str, table: str) -> bool:
    """May ``sender`` (related to us as ``rel``) give us this row? See module docstring."""
    if rel is Relation.SELF:
        return True
    if table == SHARED_TABLE:
        return rel is Relation.UPPER and owner == sender
    if owner == sender:
        return True
    return rel is Relation.UPPER and owner == me


def refusal(owner: str, sender: str, table: str) -> str:
    label = FAMILIES[table].label if table in FAMILIES else table
    if table in TEMPLATE_TABLES and owner != sender:
        return f"{sender} 无权修改 {owner} 的{label}（模板只能由制定单位修改）"
    return f"{sender} 无权提供属于 {owner} 的{label}记录"
