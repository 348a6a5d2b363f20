"""Shared helpers for the benchmark scripts: the 100k data folder, timing, tables."""
from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# where the reference folders are built (git-ignored); TAIZHANG_BENCH_DATA moves them
BENCH_DIR = Path(os.environ.get("TAIZHANG_BENCH_DATA") or ROOT / "bench-data")
RESULTS = ROOT / "benchmarks" / "results"
BENCH_TODAY = date(2026, 11, 27)


def _records_flag() -> int:
    """``--records N`` on any benchmark's command line (taken out of sys.argv):
    the size of the reference folder, 100,000 unless told (1,000,000 for issue 14)."""
    args = sys.argv
    if "--records" in args:
        at = args.index("--records")
        try:
            value = int(args[at + 1].replace("_", ""))
        except (IndexError, ValueError):
            sys.exit("--records 需要一个整数，例如 --records 1000000")
        del args[at:at + 2]
        return value
    return 100_000


RECORDS = _records_flag()


def schema_stamp() -> str:
    """Changes whenever the schema does: a folder built before is rebuilt."""
    import hashlib
    sql = (ROOT / "desktop_app" / "store" / "sql" / "001_initial.sql").read_bytes()
    return hashlib.sha256(sql).hexdigest()[:16]


def demo_folder(name: str, records: int, attachments: int = 0) -> Path:
    """bench-data/<name>: the demo county with ``records`` records and ``attachments``
    scanned-PDF stand-ins, built once per schema and reused (git-ignored)."""
    from desktop_app.demo import fill_demo
    folder = BENCH_DIR / name
    marker = folder / "complete.txt"
    stamp = f"schema {schema_stamp()}"
    if marker.exists() and stamp in marker.read_text(encoding="utf-8"):
        return folder
    if folder.exists():
        import shutil
        shutil.rmtree(folder)
    t0, cpu0 = time.perf_counter(), time.process_time()
    fill_demo(folder, records=records, seed=2020, today=BENCH_TODAY,
              progress=lambda n, total: print(f"  生成 {n}/{total}", end="\r", flush=True))
    built, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    if attachments:
        _add_attachments(folder, attachments)
    # CPU seconds too: on a shared machine the wall time mostly measures the others
    marker.write_text(f"{stamp}\nbuilt in {built:.1f} s (records), cpu {cpu:.1f} s,"
                      f" {time.perf_counter() - t0:.1f} s with attachments\n", encoding="utf-8")
    return folder


def build_seconds(folder: Path) -> tuple[float | None, float | None]:
    """How long generating the folder's records took: wall and CPU seconds (its marker)."""
    try:
        text = (folder / "complete.txt").read_text(encoding="utf-8")
    except OSError:
        return None, None
    def number(after: str) -> float | None:
        try:
            return float(text.split(after)[1].split(" s")[0])
        except (IndexError, ValueError):
            return None
    return number("built in "), number("cpu ")


def _add_attachments(folder: Path, count: int) -> None:
    from desktop_app.services.attachments import add_attachment
    from desktop_app.services.session import open_session
    s = open_session(folder, user="bench")
    rng = random.Random(1)
    talks = [r[0] for r in s.conn.execute("SELECT id FROM talk LIMIT ?", (count,))]
    scratch = folder / "scratch"
    scratch.mkdir()
    for i, tid in enumerate(talks):
        f = scratch / f"扫描件{i}.pdf"
        f.write_bytes(os.urandom(rng.randint(2_000, 60_000)))
        add_attachment(s, "talk", tid, f)
        f.unlink()
    scratch.rmdir()
    s.close()


def bench_folder(records: int | None = None, attachments: int = 1000) -> Path:
    """The reference data folder of ARCHITECTURE.md §6 (size: ``--records``)."""
    records = records or RECORDS
    return demo_folder(f"core-{records}", records, attachments)


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM; getrusage where /proc is absent)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def med(values: list[float]) -> float:
    return statistics.median(values)


def report(name: str, rows: list[tuple[str, float, float | None, str]]) -> None:
    """rows: (what, measured ms, target ms or None, note)."""
    print(f"\n{'测量项':<38}{'中位数/值':>12}{'目标':>10}  结果")
    for what, value, target, note in rows:
        verdict = "" if target is None else ("达标" if value <= target else "未达标")
        tgt = "" if target is None else f"≤{target:g}"
        print(f"{what:<40}{value:>10.2f}{tgt:>10}  {verdict} {note}")
    save(name, [{"what": w, "value_ms": v, "target_ms": t, "note": n} for w, v, t, n in rows])


def save(name: str, result) -> None:
    """results/<name>.json holds one result per folder size: {"100000": …, "1000000": …}."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError):
        data = {}
    if not data:
        data = {}
    elif not isinstance(data, dict) or not all(k.isdigit() for k in data):
        data = {"100000": data}        # the former one-size format: always 100k
    data[str(RECORDS)] = result
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(dict(sorted(data.items(), key=lambda kv: int(kv[0]))), fh, ensure_ascii=False,
                  indent=2)
