"""The bulk loader (demo and benchmark generator) writes what the one-record
services write: same records, index rows, links, deadlines, stamps and audit entries."""
from __future__ import annotations

from datetime import date

import pytest

from desktop_app.demo import fill_demo
from desktop_app.domain.registry import FAMILIES
from desktop_app.services.check import full_check
from desktop_app.services.session import open_session
from desktop_app.store.search import search

TODAY = date(2026, 11, 27)
# When the action happened and which database instance stamped it differ between two
# builds (the generator's clock ticks per call); everything else must be equal.
VARYING = {"created_at", "updated_at", "_origin", "_hlc", "_vv"}


def _content(folder):
    s = open_session(folder, user="t")
    c = s.conn
    out = {}
    for name in FAMILIES:
        cols = [r[1] for r in c.execute(f"PRAGMA table_info({name})") if r[1] not in VARYING]
        out[name] = c.execute(f"SELECT {','.join(cols)} FROM {name} ORDER BY id").fetchall()
    out["index"] = c.execute("SELECT family, id, title, body, main_date, status, voided"
                             " FROM record_index ORDER BY family, id").fetchall()
    out["day"] = c.execute("SELECT family, id, rowid >> 18 FROM record_index ORDER BY 1, 2").fetchall()
    out["link"] = c.execute("SELECT * FROM record_link ORDER BY 1, 2, 3, 4, 5, 6").fetchall()
    out["deadline"] = c.execute("SELECT * FROM deadline ORDER BY 1, 2, 3").fetchall()
    out["audit"] = c.execute("SELECT seq, actor, action, family, record_id, detail FROM audit_log"
                             " ORDER BY seq").fetchall()
    out["ledger"] = c.execute("SELECT * FROM ledger_counter ORDER BY 1, 2").fetchall()
    out["counter"] = c.execute("SELECT counter FROM node WHERE instance_id = ?",
                               (s.instance,)).fetchall()
    out["fts"] = sorted((h.family, h.id) for q in ("谈话室", "约谈", "镇", "整改 问题")
                        for h in search(c, q, limit=10**6))
    problems = full_check(c, s.attachments_dir)
    s.close()
    return {k: [tuple(r) for r in v] for k, v in out.items()}, problems


def test_bulk_demo_equals_one_service_call_at_a_time(tmp_path):
    fill_demo(tmp_path / "slow", records=400, seed=5, today=TODAY, bulk=False)
    fill_demo(tmp_path / "bulk", records=400, seed=5, today=TODAY, bulk=True)
    slow, slow_problems = _content(tmp_path / "slow")
    fast, fast_problems = _content(tmp_path / "bulk")
    assert slow_problems == [] and fast_problems == []
    assert sum(len(slow[n]) for n in FAMILIES) > 400
    assert slow["fts"], "the gram index answers on the bulk-loaded rows too"
    for key in slow:
        assert fast[key] == slow[key], key


def test_bulk_refuses_bad_values_and_writes_nothing(tmp_path):
    from desktop_app.errors import ValidationError
    from desktop_app.services.bulk import BulkLoader
    fill_demo(tmp_path / "d", records=100, seed=1, today=TODAY)
    s = open_session(tmp_path / "d", user="t")
    before = s.conn.execute("SELECT count(*) FROM meeting").fetchone()[0]
    loader = BulkLoader(s)
    with pytest.raises(ValidationError, match="日期"):
        loader.create("meeting", {"meeting_type": "常委会", "meeting_date": "明天"}, record_id="x1")
    loader.flush()
    assert s.conn.execute("SELECT count(*) FROM meeting").fetchone()[0] == before
    s.close()
