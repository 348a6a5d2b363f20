"""Backup and restore on the reference folder (100,000 records, 1,000 attachments).

Run: python benchmarks/bench_backup.py [--records 1000000]  (first run builds bench-data/)
Works on a scratch copy of the folder, so bench-data/ is left as it was. Prints a
table and writes benchmarks/results/backup.json. No target in ARCHITECTURE.md §6:
the numbers say how long the office waits at start, at the end of the day and
for a restore.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from common import BENCH_DIR, RECORDS, bench_folder, med, report

from desktop_app.security import backup, restore
from desktop_app.services.session import open_session

RUNS = 3 if RECORDS <= 100_000 else 1       # a million records: one run of each
PASSPHRASE = "Bench-backup-1"


def _timed(fn) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t) * 1000, out


def _copy(folder: Path, scratch: Path) -> Path:
    target = scratch / "data"
    shutil.copytree(folder, target, ignore=shutil.ignore_patterns("backups", "replaced", "logs"))
    return target


def measure(data: Path, out: Path) -> list[tuple[str, float, float | None, str]]:
    rows, made = [], None
    plain, verify, sealed, restores = [], [], [], []
    for _ in range(RUNS):
        s = open_session(data, user="bench")
        try:
            ms, made = _timed(lambda: backup.make_backup(s, to_dir=out))
        finally:
            s.close()
        plain.append(ms)
        verify.append(_timed(lambda: backup.verify(made.info.path))[0])
    info = made.info
    rows.append(("备份（快照+写入+完整校验）", med(plain), None,
                 f"{info.records} 条记录，{info.attachments} 个附件，文件 {info.file_size / 1048576:.0f} MB"))
    rows.append(("其中：完整校验一个备份", med(verify), None,
                 f"数据库 {info.db_size / 1048576:.0f} MB 解开、integrity_check、计数和哈希"))
    s = open_session(data, user="bench")
    try:
        backup.set_passphrase(s, PASSPHRASE)
        for _ in range(RUNS):
            ms, enc = _timed(lambda: backup.make_backup(s, to_dir=out))
            sealed.append(ms)
    finally:
        s.close()
    rows.append(("加密备份（含校验）", med(sealed), None, f"文件 {enc.info.file_size / 1048576:.0f} MB"))
    for _ in range(RUNS):
        s = open_session(data, user="bench")
        restores.append(_timed(lambda: restore.restore(data, made.info.path, session=s))[0])
    rows.append(("恢复（校验+恢复前备份+替换+新实例号）", med(restores), None, "含一次恢复前的完整备份"))
    bare = []
    for _ in range(RUNS):
        scratch = Path(tempfile.mkdtemp(dir=out))
        bare.append(_timed(lambda: _restore_empty(scratch, made.info.path))[0])
    rows.append(("恢复到空目录（重装系统后）", med(bare), None, "校验+解出数据库和附件+新实例号"))
    return rows


def _restore_empty(folder: Path, path: Path) -> None:
    """What restore does on a reimaged machine, minus the password check (a bench
    folder built before accounts existed has none; the check is one scrypt, ~0.1 s)."""
    staging = folder / ".restore-bench"
    staging.mkdir()
    info = backup.verify(path, staging=staging)
    restore._swap(folder, staging, info)
    restore._after_swap(folder, info, "bench", None, None, None)


def main() -> int:
    folder = bench_folder()        # rebuilt by common.py whenever the schema changed
    BENCH_DIR.mkdir(exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="bench-backup-", dir=BENCH_DIR))
    try:
        data = _copy(folder, scratch)
        out = scratch / "out"
        out.mkdir()
        rows = measure(data, out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"数据目录 {folder}（在副本上测量，每项 {RUNS} 次取中位数）")
    report("backup", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
