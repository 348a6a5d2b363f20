"""Version vectors, what this database holds and what each peer told us it holds
(exchange.md §3.1, R2, R4, R5).

A *vector* maps an instance id to a counter.  A *scope* is a partition: the code of
the office that owns the rows (see ``scope.py``).

``knowledge(conn)`` — per scope, the versions this database holds *completely*.  Our
own partition is covered by the counters of our own instances (table ``node``: every
local write takes the next counter of the current instance, so we hold every version
of ours up to it; only the owner writes a partition, R9); everything else comes from
the ``knowledge`` table, which only a complete, gap-free import raises, to the
sender's own knowledge (never from single record vectors: that would over-claim and
make peers skip data).

Peer knowledge is kept per peer *node* (one workstation's database), in
``peer_knowledge`` with ``peer_office = "CODE@instance"``: an office may run several
workstations that each exchange with us, and the acks of one say nothing about what
another holds.  An export to office CODE assumes the component-wise *minimum* over
that office's nodes heard from in the last ``STALE_DAYS`` (relative to the freshest
one), so whichever workstation imports the package lacks nothing the package skips.
The time a node was last heard from is kept in the same table under the scope
``~heard`` (counter = Unix seconds), which no office code can collide with.
"""
from __future__ import annotations

import json
import re
import sqlite3
from typing import Any, Iterable, Mapping

Vector = dict[str, int]
Knowledge = dict[str, Vector]

HEARD_SCOPE = "~heard"
STALE_DAYS = 180
MAX_VECTOR_LEN = 4096
MAX_COUNTER = 2 ** 53     # as values.MAX_COUNTER: far below 2^63, where counter + 1 overflows
INSTANCE_RE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.-]{0,63}", re.ASCII)


def parse(value: str | Mapping[str, int] | None) -> Vector:
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        return dict(json.loads(value))
    return dict(value)


def dumps(vector: Mapping[str, int]) -> str:
    """The one text form of a vector in the database (as ``revision.merge_vv`` writes)."""
    return json.dumps(dict(vector), sort_keys=True, separators=(",", ":"))


def dominates(a: Mapping[str, int], b: Mapping[str, int]) -> bool:
    """True when ``a`` has seen everything ``b`` has (a ≥ b component-wise)."""
    return all(a.get(k, 0) >= c for k, c in b.items())


def merge(a: Mapping[str, int], b: Mapping[str, int]) -> Vector:
    out = dict(a)
    for k, c in b.items():
        if c > out.get(k, 0):
            out[k] = c
    return out


def minimum(vectors: list[Mapping[str, int]]) -> Vector:
    """Component-wise minimum; an instance missing from one vector counts as 0."""
    if not vectors:
        return {}
    keys = set(vectors[0]).intersection(*vectors[1:])
    out = {k: min(v[k] for v in vectors) for k in keys}
    return {k: c for k, c in out.items() if c > 0}


def is_vector(value: Any) -> bool:
    # Instance ids are UUIDs; the pattern also keeps them safe inside a JSON path.
    return (isinstance(value, dict) and len(value) <= MAX_VECTOR_LEN and all(
        isinstance(k, str) and INSTANCE_RE.fullmatch(k) and type(c) is int and 0 <= c <= MAX_COUNTER
        for k, c in value.items()))


def node_counters(conn: sqlite3.Connection) -> Vector:
    return {r[0]: r[1] for r in conn.execute("SELECT instance_id, counter FROM node")
            if r[1] > 0}


def knowledge(conn: sqlite3.Connection, own_office: str) -> Knowledge:
    out: Knowledge = {}
    for scope, instance, counter in conn.execute(
            "SELECT scope, instance, counter FROM knowledge"):
        out.setdefault(scope, {})[instance] = counter
    out[own_office] = merge(out.get(own_office, {}), node_counters(conn))
    return {s: v for s, v in out.items() if v}


def raise_knowledge(conn: sqlite3.Connection, scope: str, vector: Mapping[str, int]) -> None:
    conn.executemany(
        "INSERT INTO knowledge (scope, instance, counter) VALUES (?, ?, ?)"
        " ON CONFLICT (scope, instance) DO UPDATE SET counter = max(counter, excluded.counter)",
        [(scope, i, c) for i, c in vector.items() if c > 0])


def node_key(office: str, node: str) -> str:
    return f"{office}@{node}"


def peer_nodes(conn: sqlite3.Connection, office: str) -> dict[str, Knowledge]:
    """node -> scope -> vector, including the ``~heard`` pseudo scope."""
    out: dict[str, Knowledge] = {}
    for peer, scope, instance, counter in conn.execute(
            "SELECT peer_office, scope, instance, counter FROM peer_knowledge"
            " WHERE peer_office LIKE ? ESCAPE '\\'", (_like_prefix(office),)):
        node = peer[len(office) + 1:]
        out.setdefault(node, {}).setdefault(scope, {})[instance] = counter
    return out


def _like_prefix(office: str) -> str:
    return office.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "@%"


def set_peer_knowledge(conn: sqlite3.Connection, office: str, node: str, acks: Knowledge,
                       heard_s: int) -> None:
    """Replace what ``office``'s node told us it holds, scope by scope."""
    key = node_key(office, node)
    for scope, vector in acks.items():
        conn.execute("DELETE FROM peer_knowledge WHERE peer_office = ? AND scope = ?",
                     (key, scope))
        conn.executemany(
            "INSERT INTO peer_knowledge (peer_office, scope, instance, counter)"
            " VALUES (?, ?, ?, ?)", [(key, scope, i, c) for i, c in vector.items() if c > 0])
    conn.execute("INSERT OR REPLACE INTO peer_knowledge (peer_office, scope, instance, counter)"
                 " VALUES (?, ?, '', ?)", (key, HEARD_SCOPE, heard_s))


def base_for(conn: sqlite3.Connection, office: str, scopes: Iterable[str]) -> Knowledge:
    """What an export to ``office`` may assume it holds: the minimum over its live nodes."""
    nodes = peer_nodes(conn, office)
    heard = {n: k.get(HEARD_SCOPE, {}).get("", 0) for n, k in nodes.items()}
    if heard:
        fresh = max(heard.values()) - STALE_DAYS * 86400
        nodes = {n: k for n, k in nodes.items() if heard[n] >= fresh}
    out: Knowledge = {}
    for scope in scopes:
        vector = minimum([k.get(scope, {}) for k in nodes.values()])
        if vector:
            out[scope] = vector
    return out
