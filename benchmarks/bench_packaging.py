"""The frozen program (packaging/taizhang.spec): size, start time, a letter from the
command line.

Run: python benchmarks/bench_packaging.py [--bundle DIR] [--runs 7]
  (builds the one-folder bundle with PyInstaller unless --bundle names one, ~1 min;
  builds the 100k reference folder once, ~2 min; TAIZHANG_BENCH_DATA moves it)
Targets (issue 12): onedir ≤ 160 MB, zipped ≤ 65 MB; start to the login ≤ 1.5 s and to
the main window ≤ 2 s with 100,000 records; ``taizhang letter render`` cold ≤ 0.5 s.

Start times are wall clock from spawning ``监督台账 --demo gui --startup-probe F`` to the
login dialog shown and to the main window shown (ui/startup_probe.py; the probe
submits the filled-in demo login, so "main window" includes checking the password),
each run a fresh process, under one Xvfb server when available (else offscreen).
"Cold" letter render: a fresh process each time, font caches already filled by a
first run (as on a clerk's PC after the first letter). Sizes are MiB of file
contents (symlinks counted as links) and of a zip -9 that keeps the symlinks.
Prints a table, writes benchmarks/results/packaging.json.
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from common import BENCH_DIR, ROOT, demo_folder, report

try:
    import resource                               # CPU time of the child processes (not on Windows)
except ImportError:
    resource = None

MIB = 1024 * 1024
SPEC = {"type": "提醒函", "office": "中共××县纪律检查委员会", "number": "×纪函〔2026〕5号",
        "recipient": "中共××镇委员会", "title": "关于落实全面从严治党主体责任的提醒函",
        "body": ["经日常监督发现，你单位在落实主体责任方面存在以下问题：" + "……" * 40] * 6 + ["特此函告。"],
        "date": "2026-11-29", "cc": ["中共××镇委员会书记"], "mark": "内部"}


def _arg(name: str, default=None):
    if name in sys.argv:
        at = sys.argv.index(name)
        return sys.argv[at + 1]
    return default


def build(work: Path) -> tuple[Path, float]:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "ERROR",
                    "--distpath", str(work / "dist"), "--workpath", str(work / "build"),
                    str(ROOT / "packaging" / "taizhang.spec")], check=True, cwd=ROOT)
    return work / "dist" / "taizhang", time.perf_counter() - t0


def tree_bytes(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        info = path.lstat()
        if stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode):
            total += info.st_size
    return total


def zipped_bytes(folder: Path, target: Path) -> int:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(folder.rglob("*")):
            name = path.relative_to(folder.parent).as_posix()
            if path.is_symlink():                 # stored as a link, as zip -y does
                info = zipfile.ZipInfo(name)
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                zf.writestr(info, os.readlink(path))
            elif path.is_file():
                zf.write(path, name)
    return target.stat().st_size


class Display:
    """One Xvfb for all runs (xvfb-run per run would add its own start to each)."""

    def __init__(self):
        self.proc, self.env = None, dict(os.environ)
        if shutil.which("Xvfb") and not os.environ.get("DISPLAY"):
            self.proc = subprocess.Popen(["Xvfb", ":97", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)                       # the server's own start, outside every measurement
            self.env["DISPLAY"] = ":97"
            self.env.pop("QT_QPA_PLATFORM", None)
        elif not os.environ.get("DISPLAY"):
            self.env["QT_QPA_PLATFORM"] = "offscreen"
        self.name = "Xvfb" if self.proc else self.env.get("QT_QPA_PLATFORM", "display")

    def close(self):
        if self.proc:
            self.proc.terminate()
            self.proc.wait(10)


def start_times(gui: Path, folder: Path, runs: int, display: Display, work: Path) -> list[dict]:
    out = []
    for i in range(runs + 1):                     # the first run warms the disk cache
        probe = work / f"probe-{i}.json"
        spawned = time.time()
        subprocess.run([str(gui), "--data-dir", str(folder), "--demo", "gui", "--startup-probe", str(probe)],
                       check=True, env=display.env, timeout=300, capture_output=True)
        stamps = json.loads(probe.read_text(encoding="utf-8"))
        out.append({"login_ms": (stamps["login"] - spawned) * 1000, "main_ms": (stamps["main"] - spawned) * 1000,
                    "exit_ms": (time.time() - spawned) * 1000, "login_cpu_ms": stamps["login_cpu"] * 1000,
                    "main_cpu_ms": stamps["main_cpu"] * 1000})
    return out


def letter_cold(cli: Path, work: Path, runs: int) -> tuple[list[tuple[float, float]], float]:
    spec = work / "letter.json"
    spec.write_text(json.dumps(SPEC, ensure_ascii=False), encoding="utf-8")
    cmd = [str(cli), "--data-dir", str(work / "letters-data"), "letter", "render", str(spec),
           "-o", str(work / "letter.pdf")]

    def cpu() -> float:
        if resource is None:
            return float("nan")
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    def once() -> tuple[float, float]:
        before = cpu()
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        wall = (time.perf_counter() - t0) * 1000
        return wall, (cpu() - before) * 1000
    first = once()[0]                             # fills the font caches
    return [once() for _ in range(runs)], first


def main() -> None:
    runs = int(_arg("--runs", 7))
    given = _arg("--bundle")
    with tempfile.TemporaryDirectory(prefix="bench-packaging-", dir=BENCH_DIR if BENCH_DIR.exists() else None) as tmp:
        work = Path(tmp)
        bundle, built = (Path(given), None) if given else build(work)
        suffix = ".exe" if os.name == "nt" else ""
        cli, gui = bundle / f"taizhang{suffix}", bundle / f"监督台账{suffix}"
        size = tree_bytes(bundle) / MIB
        files = sum(1 for p in bundle.rglob("*") if not p.is_dir())
        zipped = zipped_bytes(bundle, work / "taizhang.zip") / MIB
        folder = demo_folder("gui-100000", 100_000)
        copy = work / "gui-100000"
        shutil.copytree(folder, copy)             # the start backup must not touch the reference
        display = Display()
        try:
            starts = start_times(gui, copy, runs, display, work)
        finally:
            display.close()
        letters, letter_first = letter_cold(cli, work, runs)
    timed = starts[1:]

    def med(key: str) -> float:
        return statistics.median(r[key] for r in timed)
    load = os.getloadavg()[0]
    rows = [
        ("程序文件夹大小 (MiB)", size, 160, f"{files} 个文件"),
        ("zip 压缩后 (MiB)", zipped, 65, ""),
        ("启动到登录窗口 ms（10 万条，中位数）", med("login_ms"), 1500,
         f"首次 {starts[0]['login_ms']:.0f} ms，最慢 {max(r['login_ms'] for r in timed):.0f} ms，{display.name}，"
         f"负载 {load:.1f}"),
        ("启动到主窗口 ms（含登录口令校验）", med("main_ms"), 2000,
         f"首次 {starts[0]['main_ms']:.0f} ms，最慢 {max(r['main_ms'] for r in timed):.0f} ms"),
        ("  其中 CPU 时间 ms：到登录窗口", med("login_cpu_ms"), None, "进程自身用的 CPU，不受机器上其他程序影响"),
        ("  其中 CPU 时间 ms：到主窗口", med("main_cpu_ms"), None, "含 scrypt 口令校验"),
        ("taizhang letter render 冷启动 ms", statistics.median(w for w, _ in letters), 500,
         f"字体缓存为空时 {letter_first:.0f} ms"),
        ("  其中 CPU 时间 ms", statistics.median(c for _, c in letters), None, ""),
    ]
    if built is not None:
        rows.append(("PyInstaller 构建 s", built, None, "--clean"))
    report("packaging", rows)
    print(f"{runs} 次启动：" + "、".join(f"{r['login_ms']:.0f}/{r['main_ms']:.0f}" for r in timed)
          + " ms（登录/主窗口）")


if __name__ == "__main__":
    main()
