"""How long the GUI thread is blocked during each thing a clerk does (issue 14).

Run: python benchmarks/bench_stalls.py [--records 1000000] [--repeat 3]
House rule: the GUI thread never blocks for more than 100 ms. A heartbeat (a
QTimer every 5 ms) records how late each tick comes; the longest gap during an
action is the longest time the GUI thread could not answer the clerk. For each
action the table gives the median (over fresh child processes) of that longest
gap and of the time until the action's result is on screen. Actions are driven
by real events (mouse clicks on the navigation and the header, key presses,
double-clicks, input-method commits); results are waited for as conditions.
``TAIZHANG_STALLS_PROFILE=<part of an action's name>,…`` writes a cProfile of the GUI
thread during each such action to <bench data folder>/stalls-<action>-<n>.prof.
Prints a table, writes benchmarks/results/stalls.json.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import BENCH_DIR, BENCH_TODAY, ROOT, bench_folder, med, save

LIMIT_MS = 100
TICK_MS = 5
REPEAT = 3
if "--repeat" in sys.argv:
    _at = sys.argv.index("--repeat")
    REPEAT = int(sys.argv[_at + 1])
    del sys.argv[_at:_at + 2]


# -- the child side -----------------------------------------------------------
class Heartbeat:
    """A 5 ms timer on the GUI thread; ``gap`` is the longest time between two
    ticks since ``reset`` (a tick that comes late means the thread was busy)."""

    def __init__(self):
        from PySide6.QtCore import Qt, QTimer
        self.timer = QTimer(interval=TICK_MS)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self._tick)
        self.last = time.perf_counter()
        self.gap = 0.0
        self.on_tick = None
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gap = max(self.gap, now - self.last)
        self.last = now
        if self.on_tick is not None:
            self.on_tick()

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.gap = 0.0

    def close_gap(self) -> float:
        """The longest gap, counting the time since the last tick too."""
        return max(self.gap, time.perf_counter() - self.last) * 1000


class GcWatch:
    """The longest garbage collection (any thread: it holds the GIL, so the GUI
    thread waits too) since ``reset``: tells a late tick caused by the collector
    from one caused by the action's own work."""

    def __init__(self):
        import gc
        self.started = 0.0
        self.longest = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        elif self.started:
            self.longest = max(self.longest, time.perf_counter() - self.started)

    def reset(self) -> None:
        self.longest = 0.0


class Runner:
    def __init__(self, app, window):
        self.app, self.w, self.ctx = app, window, window.ctx
        self.beat = Heartbeat()
        self.gc = GcWatch()
        self.results: dict[str, list[tuple[float, float, float]]] = {}
        self.profile = set(filter(None, os.environ.get("TAIZHANG_STALLS_PROFILE", "").split(",")))

    def wait(self, condition, timeout: float = 120.0) -> None:
        """Run the event loop until ``condition`` (checked at every heartbeat)."""
        from PySide6.QtCore import QEventLoop
        if condition():
            return
        loop = QEventLoop()
        t0 = time.perf_counter()

        def check():
            if condition() or time.perf_counter() - t0 > timeout:
                loop.quit()
        self.beat.on_tick = check
        loop.exec()
        self.beat.on_tick = None
        if not condition():
            raise TimeoutError("timed out")

    def idle(self) -> bool:
        from ui.exchange.worker import _ALIVE
        return not self.ctx.jobs.busy and not any(w.running for w in _ALIVE)

    def settle(self) -> None:
        """Let everything started so far finish (not measured)."""
        self.wait(self.idle)
        self.wait(lambda: True)
        self.app.processEvents()
        self.wait(self.idle)

    def measure(self, name: str, act, done) -> None:
        """Do ``act()`` and wait for ``done()``: the longest heartbeat gap and the
        time to the result, both in ms."""
        self.settle()
        prof = None
        if any(p in name for p in self.profile):
            import cProfile
            prof = cProfile.Profile()
            prof.enable()
        self.beat.reset()
        self.gc.reset()
        t0 = time.perf_counter()
        act()
        self.wait(lambda: done())
        elapsed = (time.perf_counter() - t0) * 1000
        self.wait(self.idle)          # work the action started after its result counts too
        gap = self.beat.close_gap()
        if prof is not None:
            prof.disable()
            tag = name.replace("：", "-").replace(" ", "")
            prof.dump_stats(str(BENCH_DIR / f"stalls-{tag}-{len(self.results.get(name, []))}.prof"))
        self.results.setdefault(name, []).append((gap, elapsed, self.gc.longest * 1000))

    # -- real events --------------------------------------------------------
    def click_nav(self, key: str) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        nav = self.w.nav
        item = nav.items[key]
        nav.scrollToItem(item)
        rect = nav.visualItemRect(item)
        QTest.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    def click_row(self, table, row: int) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        index = table.model().index(row, 1)
        table.scrollTo(index)
        QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                         pos=table.visualRect(index).center())

    def key(self, widget, key, modifier=None) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        widget.setFocus()
        QTest.keyClick(widget, key, modifier or Qt.KeyboardModifier.NoModifier)

    def type_text(self, box, text: str) -> None:
        """An input method commits Chinese characters one at a time."""
        from PySide6.QtGui import QInputMethodEvent
        box.setFocus()
        for ch in text:
            event = QInputMethodEvent()
            event.setCommitString(ch)
            self.app.sendEvent(box, event)


def _list_ready(page) -> bool:
    m = page.model
    return not m.loading and m.total is not None


def _busiest_person(folder: Path) -> str:
    import sqlite3
    conn = sqlite3.connect(f"file:{folder / 'taizhang.db'}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT person_id FROM record_link WHERE field != 'self'"
                            " GROUP BY person_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def _biggest_family(folder: Path) -> str:
    import sqlite3
    conn = sqlite3.connect(f"file:{folder / 'taizhang.db'}?mode=ro", uri=True)
    try:
        counts = {f: conn.execute(f"SELECT count(*) FROM {f}").fetchone()[0]
                  for f in ("talk", "letter", "rect_item", "person")}
    finally:
        conn.close()
    return max(counts, key=counts.get)


def _startup(folder: Path) -> tuple:
    from ui.app import Startup, make_application
    spawned = float(os.environ["TAIZHANG_STALLS_SPAWNED"])
    app = make_application()
    beat = Heartbeat()
    st = Startup(folder, False, clock=_clock, install_hooks=False)
    st.begin()
    w = st.window
    app.processEvents()                       # first paint: usable
    usable = (time.time() - spawned) * 1000
    beat.reset()
    runner = Runner(app, w)
    runner.beat.timer.stop()
    runner.beat = beat
    dash = w.pages["dashboard"]
    runner.wait(lambda: dash.data is not None)
    runner.wait(runner.idle)
    runner.results["启动：到可用窗口（之后到工作台数据）"] = [(beat.close_gap(), usable, 0.0)]
    return app, w, runner


def _clock():
    from datetime import datetime
    return datetime.combine(BENCH_TODAY, datetime.min.time().replace(hour=10))


def _visit_pages(r: Runner) -> None:
    from ui.pages.navigation import REPORTS
    order = list(r.w.nav.items)
    r.click_nav("dashboard")
    for key in order:
        if key == "dashboard":
            r.click_nav("search")
            r.settle()

        def done(key=key):
            page = r.w.pages.get(key)
            if page is None or r.w.stack.currentWidget() is not page:
                return False
            if hasattr(getattr(page, "model", None), "loading") and hasattr(page.model, "total"):
                return _list_ready(page)
            if key == REPORTS:
                return page.result is not None
            if key == "dashboard":
                return page.data is not None
            return r.idle()
        r.measure(f"页面：{r.w.nav.items[key].text(0)}", lambda key=key: r.click_nav(key), done)


def _scroll(r: Runner, family: str) -> None:
    from PySide6.QtCore import Qt
    page = r.w.show_page(family)
    r.settle()
    table, model = page.table, page.model
    r.click_row(table, 0)            # Ctrl+End moves from the current row
    for _ in range(15):
        rows = model.rowCount()
        r.measure("列表：Ctrl+End 到末尾（再取 200 行）",
                  lambda: r.key(table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier),
                  lambda rows=rows: model.rowCount() > rows and not model.loading)


def _sort(r: Runner, family: str) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    page = r.w.show_page(family)
    r.settle()
    header = page.table.horizontalHeader()
    title = next(i for i, c in enumerate(page.model.columns) if c.sortable and c.key != page.fam.date_field)
    for column in (title, title, page._column_of(page.fam.date_field)):
        gen = page.model.generation
        page.table.horizontalScrollBar().setValue(0)      # Ctrl+End scrolled to the last column
        page.table.scrollTo(page.model.index(0, column))
        r.settle()
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        r.measure("列表：点表头排序", lambda x=x: QTest.mouseClick(
            header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)),
            lambda gen=gen: page.model.generation > gen and _list_ready(page))


def _list_search(r: Runner, family: str) -> None:
    page = r.w.show_page(family)
    box = page.filters.search
    for word in ("约谈", "乡镇", "公务接待", "主体责任"):
        r.settle()
        r.measure(f"列表内搜索：输入 {len(word)} 字", lambda word=word: r.type_text(box, word),
                  lambda word=word: page.model.flt.text == word and _list_ready(page))
        r.measure("列表内搜索：清空", lambda: box.clear(),
                  lambda: not page.model.flt.text and _list_ready(page))


def _global_search(r: Runner) -> None:
    page = r.w.show_page("search")
    shown = []
    page.results_shown.connect(shown.append)
    for word in ("约谈", "乡镇", "公务接待", "主体责任"):
        r.measure(f"全文搜索：输入 {len(word)} 字", lambda word=word: r.type_text(page.box, word),
                  lambda word=word: shown and shown[-1] == word)
        r.measure("全文搜索：清空", lambda: page.box.clear(), lambda: shown and shown[-1] == "")


def _record_windows(r: Runner, family: str) -> None:
    from PySide6.QtCore import QCoreApplication, QEvent, Qt
    from PySide6.QtTest import QTest
    page = r.w.show_page(family)
    r.settle()
    windows = r.ctx.record_windows
    for row in (0, 1, 2):
        index = page.model.index(row, 1)
        page.table.scrollTo(index)
        pos = page.table.visualRect(index).center()

        def opened():
            return any(getattr(d, "record", None) is not None for d in windows.all())
        def dclick(pos=pos):
            QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
            QTest.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        r.measure("记录窗口：双击打开", dclick, opened)
        dialog = windows.all()[0]

        def close(dialog=dialog):
            dialog.close()                   # as the title bar's close button does
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        r.measure("记录窗口：关闭", close, lambda: len(windows) == 0)


def _dossier(r: Runner, person: str) -> None:
    from PySide6.QtCore import Qt
    page = r.w.show_page("dossier")
    r.measure("廉政档案：打开记录最多的人", lambda: r.ctx.bus.open_dossier.emit(person),
              lambda: page.dossier is not None and page.dossier.person.id == person
              and page.model.rowCount() > 0)
    model = page.model
    r.click_row(page.table, 0)
    for _ in range(10):
        rows = model.rowCount()
        if not model.canFetchMore():
            break
        r.measure("廉政档案：Ctrl+End 滚动（再取一页）",
                  lambda: r.key(page.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier),
                  lambda rows=rows: model.rowCount() > rows and not model.loading)


def _reports(r: Runner) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    page = r.w.show_page("reports")
    r.settle()
    for i in range(page.kind.count()):
        def act(i=i):
            page.kind.setCurrentIndex(i)
            QTest.mouseClick(page.run_button, Qt.MouseButton.LeftButton)
        before = page.result
        r.measure(f"统计报表：{page.kind.itemText(i)}（{page.current_name()}）", act,
                  lambda before=before: page.result is not before and r.idle())
    year = next(i for i in range(page.kind.count()) if page.kind.itemData(i) == "year")
    page.kind.setCurrentIndex(year)
    current = page.reports.currentRow()
    for row in [n for n in range(page.reports.count()) if n != current] + [current]:
        before = page.result

        def pick(row=row):
            item = page.reports.item(row)
            page.reports.scrollToItem(item)
            QTest.mouseClick(page.reports.viewport(), Qt.MouseButton.LeftButton,
                             pos=page.reports.visualItemRect(item).center())
        r.measure(f"统计报表：年度 {page.reports.item(row).text()}", pick,
                  lambda before=before: page.result is not before and r.idle())


AUDITOR, AUDITOR_PASSWORD = "审计员（基准）", "Stalls-audit-26"


def _add_auditor(folder: Path) -> None:
    """An auditor account in the bench folder (once), for the security window's audit page."""
    from desktop_app.errors import ValidationError
    from desktop_app.security import accounts
    from desktop_app.security.roles import Role
    from desktop_app.services.session import open_session
    from desktop_app.store.db import transaction
    s = open_session(folder)
    try:
        with transaction(s.conn):
            accounts.insert(s.conn, name=AUDITOR, role=Role.AUDITOR, password=AUDITOR_PASSWORD,
                            actor="bench_stalls", ts="2026-11-27T09:00:00")
    except ValidationError:
        pass                                  # made by an earlier run
    finally:
        s.close()


def _audit_page(r: Runner, folder: Path) -> None:
    """审计日志 in the security window: opening it (choices, first page, count), scrolling
    to its end (the next page), a search by text."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from desktop_app.security import auth
    from ui.security.audit_page import AuditPage
    identity = auth.authenticate(folder, AUDITOR, AUDITOR_PASSWORD, clock=_clock)
    holder = {}

    def open_page():
        page = holder["page"] = AuditPage(identity)      # its own jobs, on the auditor's sessions
        page.resize(1200, 700)
        page.show()

    def settled():
        page = holder.get("page")
        return page is not None and not page.jobs.busy and "条符合条件" in page.status.text()
    r.measure("审计日志：打开", open_page, settled)
    page = holder["page"]
    for _ in range(5):
        rows = page.model.rowCount()
        r.measure("审计日志：Ctrl+End 再取一页",
                  lambda: r.key(page.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier),
                  lambda rows=rows: page.model.rowCount() > rows)
    shown = page.status.text()

    def search():
        r.type_text(page.text, "约谈")
        QTest.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    r.measure("审计日志：按内容搜索", search,
              lambda: page.status.text() != shown and settled())
    page.close()


def child(folder: Path) -> None:
    app, w, r = _startup(folder)
    w.resize(1400, 900)
    family = os.environ.get("TAIZHANG_STALLS_FAMILY") or "talk"
    _visit_pages(r)
    _scroll(r, family)
    _sort(r, family)
    _list_search(r, family)
    _global_search(r)
    _record_windows(r, family)
    _dossier(r, os.environ["TAIZHANG_STALLS_PERSON"])
    _reports(r)
    _audit_page(r, folder)
    print(json.dumps(r.results, ensure_ascii=False))
    w.close()


# -- the parent ---------------------------------------------------------------
def _platform_prefix() -> list[str]:
    import shutil
    if shutil.which("xvfb-run") and not os.environ.get("DISPLAY"):
        return ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24"]
    return []


def _run_child(folder: Path, person: str, family: str) -> dict:
    env = dict(os.environ, TAIZHANG_STALLS_PERSON=person, TAIZHANG_STALLS_FAMILY=family,
               TAIZHANG_STALLS_SPAWNED=repr(time.time()))
    if not _platform_prefix():
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    cmd = _platform_prefix() + [sys.executable, str(Path(__file__)), "--child", str(folder)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=3600, cwd=ROOT)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if out.returncode != 0 or not lines:
        raise SystemExit(f"child failed:\n{out.stdout[-3000:]}\n{out.stderr[-5000:]}")
    return json.loads(lines[-1])


def _load() -> str:
    with open("/proc/loadavg", encoding="ascii") as fh:
        return " ".join(fh.read().split()[:3])


def main() -> int:
    folder = bench_folder()
    person, family = _busiest_person(folder), _biggest_family(folder)
    _add_auditor(folder)
    print(f"数据：{folder}（{'Xvfb' if _platform_prefix() else 'offscreen'}），"
          f"列表：{family}，档案：{person}，{REPEAT} 个子进程")
    loads, runs = [_load()], []
    for _ in range(REPEAT):
        runs.append(_run_child(folder, person, family))
        loads.append(_load())
    names = list(runs[0])
    table = []
    for name in names:
        samples = [s for run in runs for s in run.get(name, [])]
        stalls = [g for g, _, _ in samples]
        table.append({"what": name, "stall_ms": med(stalls), "stall_max_ms": max(stalls),
                      "result_ms": med([t for _, t, _ in samples]), "n": len(samples),
                      "gc_max_ms": max(c for _, _, c in samples)})
    print(f"\n负载（uptime 1/5/15 分钟，各子进程前后）：{' | '.join(loads)}")
    print(f"{'动作':<40}{'最长卡顿':>10}{'最坏':>8}{'到结果':>10}{'最长GC':>8}  结果（中位数 ms）")
    for row in table:
        verdict = "达标" if row["stall_ms"] <= LIMIT_MS else "未达标"
        print(f"{row['what']:<40}{row['stall_ms']:>10.0f}{row['stall_max_ms']:>8.0f}"
              f"{row['result_ms']:>10.0f}{row['gc_max_ms']:>8.0f}  {verdict}（{row['n']} 次）")
    save("stalls", {"load": loads, "family": family, "person": person, "repeat": REPEAT,
                    "limit_ms": LIMIT_MS, "actions": table})
    return 0


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]))
        sys.exit(0)
    sys.exit(main())
