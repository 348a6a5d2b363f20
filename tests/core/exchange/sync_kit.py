"""Helpers for the sync tests: workstations (nodes) of offices with keys and trust,
exports and imports with a tiny KDF, records to edit, and the synced content of a
database to compare."""
from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from desktop_app.domain.registry import FAMILIES
from desktop_app.exchange import offices
from desktop_app.exchange.export import export_for
from desktop_app.exchange.importer import import_package
from desktop_app.exchange.kdf import Argon2Cost
from desktop_app.exchange.scope import SYNC_TABLES
from desktop_app.services import records as R
from desktop_app.services.office import init_office
from desktop_app.services.session import open_session
from desktop_app.store.dump import dump_digest

FAST = Argon2Cost(iterations=1, memory_kib=64, lanes=1)
ADMIN = "管理员口令-甲"
PASS = "交换口令-2026"
START = datetime(2026, 11, 27, 9, 0, 0)


class Clock:
    """A settable clock that moves one second per reading (distinct stamps)."""

    def __init__(self, start: datetime = START):
        self.t = start

    def __call__(self) -> datetime:
        self.t += timedelta(seconds=1)
        return self.t

    def shift(self, **delta) -> None:
        self.t += timedelta(**delta)


@dataclass
class Node:
    name: str
    code: str
    data_dir: Path
    clock: Clock
    s: Any = None
    key: Any = None
    history: list = field(default_factory=list)

    def open(self) -> "Node":
        self.s = open_session(self.data_dir, user=f"{self.name}录入员", clock=self.clock)
        return self

    def close(self) -> None:
        if self.s is not None:
            self.s.close()
            self.s = None

    def reopen(self) -> None:
        self.close()
        self.open()

    # -- exchange
    def export(self, peer: str | "Node", drive: Path, **kw):
        code = peer.code if isinstance(peer, Node) else peer
        drive.mkdir(parents=True, exist_ok=True)
        return export_for(self.s, code, drive, PASS, self.key, kdf_cost=FAST, **kw)

    def import_(self, path: Path, **kw) -> dict:
        kw.setdefault("signing_key", self.key)
        return import_package(self.s, path, PASS, kdf_cost=FAST, **kw)

    # -- records
    def create(self, family: str, values: dict, **kw):
        return R.create(self.s, family, values, **kw).record

    def update(self, family: str, rid: str, changes: dict):
        return R.update(self.s, family, rid, changes).record

    def void(self, family: str, rid: str, reason: str = "录入错误"):
        return R.void(self.s, family, rid, reason).record

    def row(self, family: str, rid: str) -> dict | None:
        row = self.s.conn.execute(f"SELECT * FROM {family} WHERE id = ?", (rid,)).fetchone()
        return dict(row) if row else None

    def digest(self) -> str:
        """The whole database except what a refused package leaves: its audit entry
        (the log and its head in ``meta``); see ``refusals``."""
        return data_digest(self.s.conn)

    def refusals(self) -> list[dict]:
        return [json.loads(r[0]) for r in self.s.conn.execute(
            "SELECT detail FROM audit_log WHERE action = '拒绝数据包' ORDER BY seq")]

    def synced(self) -> str:
        return synced_content(self.s.conn)


def data_digest(conn, exclude: tuple[str, ...] = ()) -> str:
    meta = [list(r) for r in conn.execute(
        "SELECT key, value FROM meta WHERE key != 'audit_head' ORDER BY key")]
    text = dump_digest(conn, exclude=("audit_log", "meta") + exclude) + json.dumps(
        meta, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_node(root: Path, name: str, code: str, office_name: str, *,
              key_from: Node | None = None, clock: Clock | None = None) -> Node:
    node = Node(name, code, root / name, clock or Clock())
    s = init_office(node.data_dir, office_name, code, user=f"{name}录入员")
    s.close()
    node.open()
    if key_from is not None:
        offices.setup_office_key(node.s, ADMIN, key_file=offices.key_path(key_from.data_dir))
    else:
        offices.setup_office_key(node.s, ADMIN)
    node.key = offices.load_signing_key(node.s, ADMIN)
    return node


def trust(lower: Node, upper: Node) -> None:
    """``upper`` is the upper office of ``lower``; each trusts the other's card."""
    card_l, card_u = lower.data_dir / "card.json", upper.data_dir / "card.json"
    offices.write_card(lower.s, card_l)
    offices.write_card(upper.s, card_u)
    offices.trust_office(lower.s, card_u, "upper")
    offices.trust_office(upper.s, card_l, "lower")


def trust_plain(a: Node, b: Node) -> None:
    for x, y in ((a, b), (b, a)):
        card = y.data_dir / "card.json"
        offices.write_card(y.s, card)
        offices.trust_office(x.s, card)


def synced_content(conn) -> str:
    """Every synced row (records, conflicts, shared settings), ordered: two databases
    that hold the same data give the same text."""
    lines = []
    for table in SYNC_TABLES:
        if table == "shared_setting":
            rows = conn.execute("SELECT key, value FROM setting WHERE key LIKE 'exchange.shared:%'"
                                " OR key LIKE 'holidays:%' ORDER BY key").fetchall()
        else:
            rows = conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
        lines.append(f"## {table}")
        lines += [json.dumps(list(r), ensure_ascii=False, default=str) for r in rows]
    return "\n".join(lines)


def synced_digest(conn) -> str:
    return hashlib.sha256(synced_content(conn).encode("utf-8")).hexdigest()


def county_records(node: Node) -> dict[str, str]:
    """A unit, a person and a talk: the small ledger most tests edit."""
    unit = node.create("unit", {"name": "城关镇", "category": "乡镇"})
    person = node.create("person", {"name": "王建国", "unit_id": unit.id, "position": "党委书记"})
    talk = node.create("talk", {"talk_type": "提醒谈话", "reason": "工作作风", "person_ids": [person.id],
                                "talkers": "张三", "talk_date": "2026-11-20"})
    return {"unit": unit.id, "person": person.id, "talk": talk.id}


def package_count(drive: Path) -> int:
    return len(list(drive.glob("*.tzx")))


def copy_node(node: Node, root: Path, name: str) -> Node:
    """A byte copy of ``node``'s data folder at another path (what a restore or a
    clone onto another PC produces); opened with its own clock."""
    node.s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = root / name
    shutil.copytree(node.data_dir, target)
    other = Node(name, node.code, target, Clock(node.clock.t))
    other.open()
    other.key = offices.load_signing_key(other.s, ADMIN)
    return other


def family_count(node: Node) -> int:
    return sum(node.s.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in FAMILIES)
