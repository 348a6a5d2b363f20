"""Every built-in report as JSON, to prove a change to the report SQL changes no figure.

    python benchmarks/report_golden.py dump FOLDER OUT.json [--drill]
    python benchmarks/report_golden.py compare BEFORE.json AFTER.json

``dump`` runs each of the eight tables over 2026Q3 and 2026, by every grouping it
offers (the clock set to the benchmarks' day); ``--drill`` adds, for the quarter,
how many records each column's 合计 drills down to. ``compare`` prints every
difference and exits 1 if there is any. Used for issue 14 (the 1M rewrite): the
100k and 1M reference folders gave identical dumps before and after.
"""
from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def dump(folder: Path, out: Path, drill: bool) -> int:
    from desktop_app.reports import service
    from desktop_app.reports.builtin import builtin_reports
    from desktop_app.reports.engine import TOTAL
    from desktop_app.services.session import open_session
    s = open_session(folder, user="bench", clock=lambda: datetime(2026, 11, 27))
    res: dict = {}
    try:
        for name, defn in builtin_reports().items():
            first = defn.rows if not defn.rows.startswith("field:") else "type"
            for period in ("2026Q3", "2026"):
                for by in dict.fromkeys([first, *defn.by]):
                    key = f"{name} {period} {by}"
                    try:
                        result = service.run(s, name, period, by=by)
                    except Exception as e:      # a grouping a table refuses is part of the record
                        res[key] = {"error": str(e)}
                        continue
                    res[key] = result.to_json()
                    if drill and period == "2026Q3" and defn.kind != "deadlines":
                        res[key]["drill_total"] = {
                            c.key: sum(s.conn.execute(f"SELECT count(*) FROM {d.family} t WHERE {d.where}",
                                                      d.params).fetchone()[0] for d in result.drills(TOTAL, c.key))
                            for c in defn.columns if not c.ratio}
    finally:
        s.close()
    out.write_text(json.dumps(res, ensure_ascii=False, indent=0, sort_keys=True), encoding="utf-8")
    sys.stdout.write(f"{len(res)} report runs written to {out}\n")
    return 0


def compare(before: Path, after: Path) -> int:
    a = json.loads(before.read_text(encoding="utf-8"))
    b = json.loads(after.read_text(encoding="utf-8"))
    differ = 0
    for key in sorted(set(a) | set(b)):
        x, y = a.get(key) or {}, b.get(key) or {}
        if x != y:
            differ += 1
            for f in sorted(set(x) | set(y)):
                if x.get(f) != y.get(f):
                    sys.stdout.write(f"{key} {f}: {str(x.get(f))[:200]} != {str(y.get(f))[:200]}\n")
    sys.stdout.write(f"{len(a)} report runs, {differ} differ\n")
    return 1 if differ else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) >= 3 and args[0] == "dump":
        sys.exit(dump(Path(args[1]), Path(args[2]), "--drill" in args))
    if len(args) == 3 and args[0] == "compare":
        sys.exit(compare(Path(args[1]), Path(args[2])))
    sys.exit(__doc__)
