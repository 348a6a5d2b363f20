"""The randomized convergence test of exchange.md §4.B: two workstations of a county
and the city, random edits, creations, voids and conflict resolutions, random
exports whose packages and receipts are lost, duplicated and delivered out of order,
then a final flush done the way a clerk would (deltas with receipts; a full export
when the recipient reports a gap).

Invariant 1: all three databases hold identical synced rows.
Invariant 2: every version ever written is current, or was the starting point of a
later edit, or is kept in ``sync_conflict`` — no edit is silently lost.

Seeded ``random`` rather than Hypothesis: each run builds real databases and packages,
so shrinking would cost minutes; a failing seed reproduces exactly.
"""
import json
import random
import uuid

import pytest

from desktop_app.errors import UserFacingError
from desktop_app.exchange.conflicts import resolve_conflict
from desktop_app.exchange.ledger import AlreadyImported
from desktop_app.exchange.rows import data_part, to_wire
from sync_kit import make_node, trust

SEEDS = range(10)
STEPS = 80
PAIRS = (("ws1", "ws2"), ("ws2", "ws1"), ("ws1", "city"), ("ws2", "city"),
         ("city", "ws1"), ("city", "ws2"))


class World:
    def __init__(self, tmp, rng: random.Random):
        self.tmp, self.rng = tmp, rng
        ws1 = make_node(tmp, "ws1", "CNTY-A", "甲县纪委监委")
        ws2 = make_node(tmp, "ws2", "CNTY-A", "甲县纪委监委", key_from=ws1)
        city = make_node(tmp, "city", "CITY", "乙市纪委监委")
        trust(ws1, city)
        trust(ws2, city)
        self.nodes = {"ws1": ws1, "ws2": ws2, "city": city}
        self.mail: list[tuple[str, object, str]] = []   # (recipient, package path, sender)
        self.versions: dict[str, str | None] = {}     # version -> parent version
        self.contents: dict[str, tuple[str, str]] = {}  # version -> (record, its data)
        self.serial = 0
        self.drives = 0

    def close(self):
        for node in self.nodes.values():
            node.close()

    # -- local work, with the version history it makes
    def _version(self, node, table, rid):
        row = node.row(table, rid)
        return f"{row['_origin']}:{row['_counter']}" if row else None

    def _track(self, node, table, rid, parent):
        version = self._version(node, table, rid)
        assert version != parent, "every tracked action writes a new version"
        self.versions[version] = parent
        self.contents[version] = (rid, _content(node, table, rid))

    def _text(self) -> str:
        self.serial += 1
        return f"第{self.serial}次"

    def _pick(self, node, table):
        ids = [r[0] for r in node.s.conn.execute(
            f"SELECT id FROM {table} WHERE voided = 0 ORDER BY id")]
        return self.rng.choice(ids) if ids else None

    def create(self, node):
        if self.rng.random() < 0.5 or self._pick(node, "unit") is None:
            rec = node.create("unit", {"name": self._text(), "category": "其他"})
            self._track(node, "unit", rec.id, None)
            return
        rec = node.create("person", {"name": self._text(), "unit_id": self._pick(node, "unit")})
        self._track(node, "person", rec.id, None)

    def edit(self, node):
        table = self.rng.choice(("unit", "person"))
        rid = self._pick(node, table)
        if rid is None:
            return
        parent = self._version(node, table, rid)
        field = "note" if table == "unit" else "position"
        node.update(table, rid, {field: self._text()})
        self._track(node, table, rid, parent)

    def void(self, node):
        table = self.rng.choice(("unit", "person"))
        rid = self._pick(node, table)
        if rid is not None and not node.s.conn.execute(
                "SELECT 1 FROM person WHERE unit_id = ? AND voided = 0", (rid,)).fetchone():
            parent = self._version(node, table, rid)
            node.void(table, rid, self._text())
            self._track(node, table, rid, parent)

    def template(self, city):
        rid = self._pick(city, "resp_template")
        if rid is None or self.rng.random() < 0.3:
            rec = city.create("resp_template", {"name": self._text(), "year": 2026,
                                                "version": "v1", "subject": "党委"})
            self._track(city, "resp_template", rec.id, None)
        else:
            parent = self._version(city, "resp_template", rid)
            city.update("resp_template", rid, {"version": self._text()})
            self._track(city, "resp_template", rid, parent)

    def resolve(self, node):
        open_ = [r[0] for r in node.s.conn.execute(
            "SELECT id FROM sync_conflict WHERE status = 'open' AND kind != 'duplicate_key'"
            " ORDER BY id")]
        if not open_:
            return
        cid = self.rng.choice(open_)
        table, rid = node.s.conn.execute("SELECT tbl, record_id FROM sync_conflict WHERE id = ?",
                                         (cid,)).fetchone()
        parent = self._version(node, table, rid)
        resolve_conflict(node.s, cid, choice=self.rng.choice(("winner", "loser")))
        self._track(node, table, rid, parent)

    # -- the post
    def export(self, a, b):
        self.drives += 1
        drive = self.tmp / f"drive{self.drives}"
        result = self.nodes[a].export(self.nodes[b].code, drive)
        self.mail.append((b, result.packages[-1], a))

    def deliver(self):
        if not self.mail:
            return
        index = self.rng.randrange(len(self.mail))
        to, path, sender = self.mail[index]
        if to != "city" and sender == "city" and self.rng.random() < 0.3:
            to = "ws1" if to == "ws2" else "ws2"     # the county's other workstation
        roll = self.rng.random()
        if roll < 0.2:                         # lost
            self.mail.pop(index)
            return
        if roll > 0.35:                        # delivered once; else it stays: a duplicate
            self.mail.pop(index)
        try:
            summary = self.nodes[to].import_(path)
        except AlreadyImported:
            return
        if summary.get("receipt"):
            self.mail.append((sender, summary["receipt"], to))

    def step(self):
        roll = self.rng.random()
        ws = self.nodes[self.rng.choice(("ws1", "ws2"))]
        try:
            if roll < 0.22:
                self.edit(ws)
            elif roll < 0.32:
                self.create(ws)
            elif roll < 0.36:
                self.void(ws)
            elif roll < 0.42:
                self.template(self.nodes["city"])
            elif roll < 0.46:
                self.resolve(ws)
            elif roll < 0.72:
                self.export(*self.rng.choice(PAIRS))
            else:
                self.deliver()
        except UserFacingError as exc:
            if "已作废" not in str(exc):
                raise

    def flush(self):
        for _ in range(4):
            for a, b in PAIRS:
                self.drives += 1
                drive = self.tmp / f"flush{self.drives}"
                sender, recipient = self.nodes[a], self.nodes[b]
                summary = recipient.import_(sender.export(recipient.code, drive).packages[-1])
                if summary["gap"]:
                    summary = recipient.import_(
                        sender.export(recipient.code, drive, full=True).packages[-1])
                sender.import_(summary["receipt"])
            contents = {n.synced() for n in self.nodes.values()}
            if len(contents) == 1:
                return

    def lost_versions(self) -> list[str]:
        """Versions neither current, nor the start of a later edit, nor kept in a conflict
        row — nor equal in content to one that is (two offices resolving a conflict the
        same way merge without a conflict: "equal content", exchange.md §3.5)."""
        node = self.nodes["city"]
        safe = set()
        for table in ("unit", "person", "resp_template"):
            safe |= {f"{o}:{c}" for o, c in node.s.conn.execute(
                f"SELECT _origin, _counter FROM {table}")}
        for w, l in node.s.conn.execute("SELECT winner_json, loser_json FROM sync_conflict"):
            for snap in (json.loads(w), json.loads(l)):
                if "_origin" in snap:
                    safe.add(f"{snap['_origin']}:{snap['_counter']}")
        safe |= {p for p in self.versions.values() if p}
        kept = {self.contents[v] for v in safe if v in self.contents}
        return [v for v in self.versions if v not in safe and self.contents[v] not in kept]


def _content(node, table, rid) -> str:
    return json.dumps(data_part(to_wire(table, node.s.conn.execute(
        f"SELECT * FROM {table} WHERE id = ?", (rid,)).fetchone())), sort_keys=True)


def seeded_uuids(seed: int):
    """uuid4 from a seeded generator: record, instance and package ids decide ties,
    so a failing seed must reproduce them too."""
    ids = random.Random(seed * 7919 + 1)
    return lambda: uuid.UUID(int=ids.getrandbits(128), version=4)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_exchanges_converge_and_lose_nothing(tmp_path, seed, monkeypatch):
    monkeypatch.setattr(uuid, "uuid4", seeded_uuids(seed))
    rng = random.Random(seed)
    world = World(tmp_path, rng)
    try:
        for node in ("ws1", "ws2"):
            for _ in range(2):
                world.create(world.nodes[node])
        for _ in range(STEPS):
            world.step()
        world.flush()
        contents = [n.synced() for n in world.nodes.values()]
        assert contents[0] == contents[1] == contents[2], f"seed {seed} diverged"
        assert world.lost_versions() == [], f"seed {seed} lost versions"
    finally:
        world.close()
