"""Statistics and Excel import on the reference folder (100,000 records).

Run: python benchmarks/bench_reports.py   (builds bench-data/reports-100000 once, ~2 min)
Targets (issue 13): a quarterly report of each of the eight ≤ 1 s; the annual one by
office ≤ 2 s; importing 10,000 rows with the row-by-row error report ≤ 10 s (and a
clean 10,000-row import, committed); the dashboard with its charts ready within the
start target (≤ 1 s from process start). Prints a table, writes results/reports.json.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from common import BENCH_TODAY, RECORDS, ROOT, bench_folder, demo_folder, med, report

RUNS = 5
STARTS = 5


def _session(folder: Path):
    from desktop_app.services.session import open_session
    return open_session(folder, user="bench", clock=lambda: datetime.combine(BENCH_TODAY, datetime.min.time()))


def _timed(fn, runs: int = RUNS) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def bench_reports(folder: Path) -> list[tuple]:
    from desktop_app.reports import service
    from desktop_app.reports.builtin import builtin_reports
    s = _session(folder)
    rows = []
    try:
        for name, defn in builtin_reports().items():
            q = _timed(lambda: service.run(s, name, "2026Q3"))
            rows.append((f"季度表 {defn.title[:14]}", med(q), 1000.0, f"max {max(q):.0f}"))
        for name, defn in builtin_reports().items():
            by = "office" if "office" in defn.by else None
            y = _timed(lambda: service.run(s, name, "2026", by=by), 3)
            rows.append((f"年度表（按机关）{defn.title[:10]}", med(y), 2000.0, f"by={by or defn.rows}"))
    finally:
        s.close()
    return rows


def _ledger(folder: Path, path: Path, n: int, bad_every: int | None) -> None:
    """``n`` talk rows naming the folder's units and persons; every ``bad_every``-th
    row has an impossible date (so that the report has something to say)."""
    from openpyxl import Workbook
    s = _session(folder)
    try:
        persons = s.conn.execute(
            "SELECT p.name, u.name FROM person p JOIN unit u ON u.id = p.unit_id"
            " WHERE p.name IN (SELECT name FROM person GROUP BY name HAVING count(*) = 1)").fetchall()
    finally:
        s.close()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("谈话台账")
    ws.append(["序号", "谈话对象", "单位", "谈话类型", "谈话时间", "谈话事由", "谈话人"])
    kinds = ["谈话提醒", "提醒谈话", "廉政谈话", "诫勉谈话"]
    for i in range(n):
        name, unit = persons[i % len(persons)]
        day = f"2019.{1 + i % 12}.{1 + i % 28}" if not bad_every or i % bad_every else "2019.2.30"
        ws.append([i + 1, name, unit, kinds[i % 4], day, f"导入测试事由{i}", "张三、李四"])
    wb.save(path)


def bench_import(folder: Path) -> list[tuple]:
    from desktop_app.reports import importer
    work = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        bad, good = work / "有错误.xlsx", work / "正确.xlsx"
        _ledger(folder, bad, 10_000, 97)
        _ledger(folder, good, 10_000, None)
        copy = work / "data"
        shutil.copytree(folder, copy)
        s = _session(copy)
        try:
            t0 = time.perf_counter()
            summary = importer.import_file(s, bad, "talk", error_report=work / "报告.xlsx")
            with_errors = (time.perf_counter() - t0) * 1000
            assert not summary.ok and len(summary.errors) > 100
            bad_rows = len(summary.errors)
            t0 = time.perf_counter()
            summary = importer.import_file(s, good, "talk")
            clean = (time.perf_counter() - t0) * 1000
            assert summary.ok and summary.count("已导入") == 10_000, summary.lines()
            t0 = time.perf_counter()
            summary = importer.import_file(s, good, "talk")
            again = (time.perf_counter() - t0) * 1000
            assert summary.count("已存在") == 10_000
        finally:
            s.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return [("导入 1 万行（有错误，含逐行报告，全部回滚）", with_errors, 10_000.0, f"{bad_rows} 行错误"),
            ("导入 1 万行（无错误，提交）", clean, 10_000.0, ""),
            ("再次导入同一文件（1 万行均已存在）", again, 10_000.0, "")]


# -- the dashboard with its charts, in a fresh process ---------------------------------
def child_dashboard(folder: Path, mode: str) -> None:
    t_import = time.time()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_gui import _clock, _wait
    from ui.app import Startup, make_application
    if mode == "plain":                 # the same start without the charts, for comparison
        from ui.reports.dashboard_charts import DashboardCharts
        DashboardCharts.reload = lambda self: None
    app = make_application()
    st = Startup(folder, False, clock=_clock, install_hooks=False)
    shown = {}
    st.ready.connect(lambda w: shown.setdefault("window", time.time()))
    st.begin()
    _wait(app, lambda: "window" in shown, signals=(st.ready,))
    app.processEvents()
    usable = time.time()
    dash = st.window.pages["dashboard"]
    if mode == "plain":
        _wait(app, lambda: dash.data is not None, 30, (dash.loaded,))
    else:
        _wait(app, lambda: dash.charts.data is not None, 30, (dash.charts.loaded,))
    app.processEvents()
    print(json.dumps({"import_start": t_import, "usable": usable, "charts": time.time()}))
    st.window.close()


def bench_dashboard(folder: Path) -> list[tuple]:
    env = dict(os.environ)
    prefix = []
    if shutil.which("xvfb-run") and not os.environ.get("DISPLAY"):
        prefix = ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24"]
    else:
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    usable, charts, plain = [], [], []
    for i in range(2 * STARTS):         # alternate, so that both see the same machine load
        mode = "plain" if i % 2 else "charts"
        started = time.time()
        out = subprocess.run(prefix + [sys.executable, str(Path(__file__)), "--child", str(folder), mode],
                             env=env, capture_output=True, text=True, timeout=600, cwd=ROOT)
        lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
        if out.returncode != 0 or not lines:
            raise SystemExit(f"child failed:\n{out.stdout}\n{out.stderr}")
        r = json.loads(lines[-1])
        if mode == "plain":
            plain.append((r["usable"] - started) * 1000)
            continue
        usable.append((r["usable"] - started) * 1000)
        charts.append((r["charts"] - started) * 1000)
    return [("启动到窗口可用（含图表的工作台）", med(usable), 1000.0, f"{STARTS} 次"),
            ("同上，不读图表（对照）", med(plain), 1000.0, "同一负载下交替测量"),
            ("启动到工作台图表画好", med(charts), None, "图表在窗口可用之后由后台任务读取")]


def main() -> int:
    # other sizes (--records 1000000) share bench_core's folder rather than build another
    folder = demo_folder(f"reports-{RECORDS}", RECORDS) if RECORDS == 100_000 else bench_folder()
    rows = bench_reports(folder) + bench_import(folder) + bench_dashboard(folder)
    report("reports", rows)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child_dashboard(Path(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "charts")
    else:
        sys.exit(main())
