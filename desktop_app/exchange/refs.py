"""Reference checking of an import in bounded memory (issue 9, item 5).

A reference from a package row must point at a row of the package or of the
database.  The package's own ids are held anyway (``seen``, a ``spill.PackageIds``: no id twice,
in bounded memory too); what is
*not* held is the set of referenced ids that are missing: a reference whose target
table the walk has already passed is looked up in the database in chunks of
``CHUNK`` as soon as ``CHUNK`` of them are waiting, and a missing one is rejected at
once.  Only references to a table the walk has not reached yet (``unit.secretary_id``
→ ``person``; at most one per field of a row) wait until that table is done.  So
memory is the package's ids plus ``CHUNK`` pending references, whatever the number of
distinct missing ids (a million references to missing ids used to take 300 MB).
"""
from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Callable

from desktop_app.domain.registry import FAMILIES

from .spill import PackageIds

CHUNK = 500
Origin = tuple[str, str, str]           # (table, record id, field label) of the reference


class RefCheck:
    def __init__(self, conn: sqlite3.Connection, seen: PackageIds,
                 reject: Callable[[str, str, str], None]):
        self.conn, self.seen, self.reject = conn, seen, reject
        self.done: set[str] = set()
        self.pending: dict[str, dict[str, Origin]] = defaultdict(dict)
        self.waiting = 0
        self.forward: dict[str, list[tuple[str, Origin]]] = defaultdict(list)

    def add(self, target: str, target_id: str, origin: Origin) -> None:
        if self.seen.has(target, target_id):
            return
        if target not in self.done:
            self.forward[target].append((target_id, origin))
            return
        self._queue(target, target_id, origin)

    def _queue(self, target: str, target_id: str, origin: Origin) -> None:
        ids = self.pending[target]
        if target_id not in ids:
            ids[target_id] = origin
            self.waiting += 1
            if self.waiting >= CHUNK:
                self.flush()

    def flush(self) -> None:
        for target, ids in self.pending.items():
            wanted = list(ids)
            found = {r[0] for r in self.conn.execute(
                f"SELECT id FROM {target} WHERE id IN ({','.join('?' * len(wanted))})", wanted)}
            for target_id in wanted:
                if target_id not in found:
                    table, rid, label = ids[target_id]
                    self.reject(table, rid, f"“{label}”引用的{FAMILIES[target].label}"
                                            f"（{target_id}）在数据包和本库中都不存在")
        self.pending.clear()
        self.waiting = 0

    def table_done(self, table: str) -> None:
        """The walk has read every row of ``table`` the package holds."""
        self.done.add(table)
        for target_id, origin in self.forward.pop(table, ()):
            if not self.seen.has(table, target_id):
                self._queue(table, target_id, origin)

    def finish(self) -> None:
        for table in list(self.forward):
            self.table_done(table)
        self.flush()
