"""Where the database's bytes go: pages of every table with its indexes (dbstat).

Run: python benchmarks/bench_size.py [--records 1000000]
Prints MB and bytes per record for each table (its own pages, then its indexes) and
writes benchmarks/results/size.json (one entry per folder size). Issue 14's target
at 1M records: the database file ≤ 1.5 GB.
"""
from __future__ import annotations

import sqlite3
import sys

from common import RECORDS, bench_folder, save


def breakdown(db) -> tuple[int, dict[str, tuple[int, int]]]:
    """Records, and for each table: (bytes of its own pages, bytes of its indexes)."""
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    owner = {name: (tbl, kind) for name, tbl, kind in
             c.execute("SELECT name, tbl_name, type FROM sqlite_master")}
    records = c.execute("SELECT count(*) FROM record_index").fetchone()[0]
    out: dict[str, list[int]] = {}
    for name, size in c.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
        table, kind = owner.get(name, (name, "table"))
        if name.startswith("record_grams"):             # the FTS5 table's shadow tables
            table, kind = "record_grams", "table"
        sizes = out.setdefault(table, [0, 0])
        sizes[kind == "index"] += size
    c.close()
    return records, {k: (v[0], v[1]) for k, v in out.items()}


def main() -> int:
    db = bench_folder() / "taizhang.db"
    records, tables = breakdown(db)
    total = sum(a + b for a, b in tables.values())
    print(f"{db}：{records} 条记录，{db.stat().st_size / 1e6:.0f} MB，每条 {total / records:.0f} 字节")
    print(f"{'表':<22}{'表 MB':>9}{'索引 MB':>9}{'字节/条':>9}")
    rows = sorted(tables.items(), key=lambda kv: -sum(kv[1]))
    for name, (own, idx) in rows:
        if own + idx >= total / 500:
            print(f"{name:<22}{own / 1e6:>9.1f}{idx / 1e6:>9.1f}{(own + idx) / records:>9.0f}")
    save("size", {"records": records, "file_bytes": db.stat().st_size,
                  "bytes_per_record": total / records,
                  "tables": {n: {"table": a, "indexes": b} for n, (a, b) in rows}})
    return 0


if __name__ == "__main__":
    sys.exit(main())
