"""Core performance on the reference folder (100,000 records, 1,000 attachments).

Run: python benchmarks/bench_core.py [--records 1000000]  (the first run builds the
folder: ~1.5 min for 100k, ~10 min for 1M)
Targets: ARCHITECTURE.md §6 and issue 14 (at 1M). Prints a table and writes
benchmarks/results/core.json (one entry per folder size).
"""
from __future__ import annotations

import sys
import time

from common import BENCH_TODAY, RECORDS, bench_folder, build_seconds, med, p, report, timed

from desktop_app.domain.registry import FAMILIES
from desktop_app.services import lookup, queries
from desktop_app.services.session import open_session

QUERIES = {1: ["约", "整", "函", "镇"], 2: ["约谈", "整改", "财务", "廉政"],
           3: ["主体责", "警示教", "公务接"], 4: ["主体责任", "财务管理", "公务接待"]}


def clock():
    from datetime import datetime
    return datetime.combine(BENCH_TODAY, datetime.min.time().replace(hour=10))


def _filtered_lists(s):
    """Lists with a filter set (the GUI's filter bar): the biggest unit, the person
    named most, the commonest status, a search with a unit, the overdue problems."""
    c = s.conn
    one = lambda sql: c.execute(sql).fetchone()[0]
    unit = one("SELECT unit_id FROM talk WHERE unit_id IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC")
    person = one("SELECT person_id FROM record_link WHERE family = 'talk' GROUP BY 1 ORDER BY count(*) DESC")
    status = one("SELECT status FROM talk GROUP BY 1 ORDER BY count(*) DESC")
    F = queries.ListFilter
    return [("单位", "talk", F(unit_id=unit)), ("人员", "talk", F(person_id=person)),
            ("状态", "talk", F(status=status)), ("搜索+单位", "talk", F(text="约谈", unit_id=unit)),
            ("搜索+状态", "talk", F(text="整改", status=status)),
            ("逾期的整改问题", "rect_item", F(level="red"))]


def main() -> int:
    folder = bench_folder()
    big = RECORDS >= 1_000_000
    db_mb = (folder / "taizhang.db").stat().st_size / 1e6
    wall, cpu = build_seconds(folder)
    rows = [("生成数据目录（CPU 秒，仅记录）", cpu or 0, 600 if big else None,
             f"墙钟 {wall or 0:.0f} s（与其他进程共用 2 核）"),
            ("数据库文件（MB）", db_mb, 1500 if big else None,
             f"每条记录 {db_mb * 1e6 / RECORDS:.0f} 字节")]
    opens = []
    for _ in range(7):
        t = time.perf_counter()
        s = open_session(folder, user="bench", clock=clock)
        opens.append((time.perf_counter() - t) * 1000)
        s.close()
    rows.append(("打开数据库（含迁移检查）", med(opens), None, ""))
    s = open_session(folder, user="bench", clock=clock)
    firsts, nexts = [], []
    for name in FAMILIES:
        firsts += timed(lambda: queries.list_records(s, name, limit=200), 5)
        _, key = queries.list_records(s, name, limit=200)
        if key:
            nexts += timed(lambda: queries.list_records(s, name, after=key, limit=200), 5)
    rows.append(("列表首页 200 行（各类，中位数）", med(firsts), 100, f"最慢 {max(firsts):.1f}"))
    rows.append(("列表下一页 200 行（各类，中位数）", med(nexts), 20, f"最慢 {max(nexts):.1f}"))
    filtered = {}
    for label, fam, flt in _filtered_lists(s):
        filtered[label] = med(timed(lambda: queries.list_records(s, fam, flt, limit=200), 5))
    worst = max(filtered, key=filtered.get)
    rows.append(("列表带筛选首页 200 行（最慢的一种）", filtered[worst], 100,
                 "；".join(f"{k} {v:.1f}" for k, v in filtered.items())))
    for n, words in QUERIES.items():
        times = []
        for w in words:
            times += timed(lambda: queries.search(s, w), 15)
        rows.append((f"搜索 {n} 字 p50", med(times), None, ""))
        rows.append((f"搜索 {n} 字 p95", p(times, 0.95), 100 if big and n <= 2 else 50, ""))
    for n in (2, 4):
        times = []
        for w in QUERIES[n]:
            flt = queries.ListFilter(text=w)
            times += timed(lambda: queries.list_records(s, "talk", flt, limit=200), 9)
        rows.append((f"谈话列表内搜索 {n} 字首页 p95", p(times, 0.95), 50, ""))
    counts = queries.due_counts(s)
    rows.append(("工作台临期/逾期：各级数量 + 首页 200 项",
                 med(timed(lambda: (queries.due_counts(s), queries.due_page(s)), 9)), 100,
                 "、".join(f"{lv.label} {n}" for lv, n in counts.items())))
    rows.append(("工作台临期/逾期：一级首页（最慢的一级）",
                 max(med(timed(lambda: queries.due_page(s, lv), 5)) for lv in counts), 100, ""))
    rows.append(("工作台本季度数量 + 最近修改",
                 med(timed(lambda: (lookup.quarter_counts(s), lookup.recent_changes(s, 30)), 5)),
                 100, ""))
    rows.append(("命令行 summary（各类数量、各级数量、各列最早 30 项）",
                 med(timed(lambda: queries.summary(s), 5)), None, "命令本身的启动约 200 ms"))
    rows.append(("临期/逾期全表（summary --all）", med(timed(lambda: queries.due_list(s), 3)), None,
                 f"{sum(counts.values())} 项"))
    people = s.conn.execute("SELECT person_id, count(*) c FROM record_link WHERE field != 'self'"
                            " GROUP BY person_id ORDER BY c DESC").fetchall()
    for what, (person, n) in (("记录最多的人", people[0]), ("记录数居中的人", people[len(people) // 2])):
        rows.append((f"廉政档案首屏：人员、各类数量、前 200 条（{what}）",
                     med(timed(lambda: queries.dossier(s, person), 5)), 100, f"{n} 条记录"))
        d = queries.dossier(s, person)
        if d.next_key:
            rows.append((f"廉政档案下一页 200 条（{what}）",
                         med(timed(lambda: queries.dossier_more(s, person, d.next_key), 5)), 20, ""))
    total = sum(queries.summary(s)["counts"].values())
    s.close()
    print(f"数据目录 {folder}，记录 {total} 条")
    report("core", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
