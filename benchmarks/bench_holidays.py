"""Holiday tables and the rest-day rule at scale: entering next year's notice and
switching the rule recompute every stored deadline (and the due dates records store)
in one transaction; counting "+10" in a deadline field happens on every keystroke.

Each run works on a copy of the reference folder, so the reference stays as built.
"""
from __future__ import annotations

import json
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from common import RECORDS, bench_folder, med, report

from desktop_app.domain.deadlines import parse_relative
from desktop_app.services import holidays, office
from desktop_app.services.session import open_session

NOTICE_2027 = {
    "year": 2027, "notice": "2027年部分节假日安排（基准测试用，非真实通知）", "issued": "2026-11-10",
    "holidays": [{"name": "元旦", "off": ["2027-01-01", "2027-01-03"], "work": []},
                 {"name": "春节", "off": ["2027-02-06", "2027-02-14"], "work": ["2027-02-20"]},
                 {"name": "劳动节", "off": ["2027-05-01", "2027-05-05"], "work": ["2027-04-25"]}],
}


def ms(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    source = bench_folder()
    with tempfile.TemporaryDirectory(prefix="bench-holidays-") as tmp:
        folder = Path(tmp) / "d"
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns("attachments", "backups"))
        s = open_session(folder, user="bench")
        try:
            table = holidays.parse_notice(json.dumps(NOTICE_2027, ensure_ascii=False), 2027)
            enter = ms(lambda: holidays.set_table(s, table))
            off = ms(lambda: office.set_rest_day_shift(s, False))
            on = ms(lambda: office.set_rest_day_shift(s, True))
            cal, start, per_key = s.calendar, date(2026, 11, 27), []
            for text in ("+1", "+10", "10个工作日", "30天", "2个月") * 200:
                t0 = time.perf_counter()
                parse_relative(text, start, cal)
                per_key.append((time.perf_counter() - t0) * 1000)
        finally:
            s.close()
    report("holidays", [
        (f"录入 2027 年节假日安排（{RECORDS} 条，重算全部期限）", enter, None, "一年一次，界面上在工作线程中"),
        ("关闭“遇节假日顺延”（重算全部期限）", off, None, ""),
        ("打开“遇节假日顺延”（重算全部期限）", on, None, ""),
        ("期限栏“+N”推算，每次按键", med(per_key), 100, "界面线程"),
    ])


if __name__ == "__main__":
    main()
