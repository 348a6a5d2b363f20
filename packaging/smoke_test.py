"""Smoke test of a built program: the frozen bundle (packaging/build.sh, build.ps1) or an
installed wheel (the ``taizhang`` on PATH of a fresh virtual environment).

    python packaging/smoke_test.py dist/taizhang            # the bundle folder
    python packaging/smoke_test.py --command .venv-wheel/bin/taizhang --no-gui

Runs, each in a fresh temporary data folder: ``--version``, ``init``, ``demo``,
``summary``, ``letter samples`` (PDFs checked), ``check``, and the window opened
(offscreen where there is no display) through the login to the main window and closed
(``gui --startup-probe``); for a bundle also a portable copy (the marker file beside
the program: ``init`` without ``--data-dir`` puts the database in its ``data`` folder). Prints one line per step; exit code 0 when all pass.
Uses only the standard library, so any Python 3.8+ runs it (on Windows too).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSWORD = "smoke-口令-2026"


def executables(bundle: Path) -> tuple[Path, Path]:
    suffix = ".exe" if os.name == "nt" else ""
    return bundle / f"taizhang{suffix}", bundle / f"监督台账{suffix}"


def run(cmd: list, what: str, env: dict, timeout: int = 600) -> str:
    t0 = time.perf_counter()
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, env=env, timeout=timeout)
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    took = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stdout.write(f"FAIL {what} (exit {proc.returncode}, {took:.1f} s)\n{out}\n{err}\n")
        raise SystemExit(1)
    sys.stdout.write(f"ok   {what} ({took:.1f} s)\n")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bundle", nargs="?", type=Path, help="the onedir folder (dist/taizhang)")
    ap.add_argument("--command", type=Path, help="the taizhang command to test instead of a bundle")
    ap.add_argument("--no-gui", action="store_true", help="skip opening the window")
    args = ap.parse_args()
    if args.command:
        cli, gui = args.command, args.command
    elif args.bundle:
        cli, gui = executables(args.bundle)
    else:
        ap.error("give the bundle folder or --command")
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    if os.name != "nt" and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory(prefix="taizhang-smoke-") as tmp:
        smoke(Path(tmp), cli, gui, env, not args.no_gui)
        if args.bundle:
            portable(Path(tmp), args.bundle, env)
    sys.stdout.write("smoke test passed\n")
    return 0


def smoke(tmp: Path, cli: Path, gui: Path, env: dict, with_gui: bool) -> None:
    data, pw = tmp / "数据 目录", tmp / "pw.txt"
    pw.write_text(PASSWORD + "\n", encoding="utf-8")
    version = run([cli, "--version"], "--version", env).strip()
    if not version.startswith("taizhang "):
        raise SystemExit(f"FAIL --version printed {version!r}")
    user = ["--data-dir", data, "--user", "管理员", "--password-file", pw]
    run([cli, "--data-dir", data, "init", "--office-name", "冒烟测试县纪委监委", "--office-code", "990001",
         "--admin", "管理员", "--admin-password-file", pw], "init", env)
    run([cli, *user, "demo", "--records", "400"], "demo", env)
    out = run([cli, *user, "summary", "--json"], "summary", env)
    counts = json.loads(out)["counts"]
    if sum(counts.values()) < 400:
        raise SystemExit(f"FAIL summary counts {counts}")
    demo = tmp / "demo"
    run([cli, "--data-dir", demo, "demo"], "demo (default size)", env)
    letters = tmp / "letters"
    run([cli, "--data-dir", demo, "--demo", "letter", "samples", "-o", letters], "letter samples", env)
    pdfs = sorted(letters.glob("*.pdf"))
    if len(pdfs) < 5 or any(p.read_bytes()[:5] != b"%PDF-" for p in pdfs):
        raise SystemExit(f"FAIL letter samples: {[p.name for p in pdfs]}")
    run([cli, "--data-dir", data, "check"], "check", env)
    if with_gui:
        probe = tmp / "probe.json"
        run([gui, "--data-dir", demo, "--demo", "gui", "--startup-probe", probe], "window (login, main, close)",
            env, timeout=180)
        stamps = json.loads(probe.read_text(encoding="utf-8"))
        if not {"login", "main"} <= set(stamps):
            raise SystemExit(f"FAIL window: {stamps}")


def portable(tmp: Path, bundle: Path, env: dict) -> None:
    """A copy with the marker keeps its data beside the program (no --data-dir)."""
    import shutil
    copy = tmp / "U盘" / "taizhang"
    shutil.copytree(bundle, copy, symlinks=True)
    (copy / "taizhang-portable.txt").write_text("便携版", encoding="utf-8")
    pw = tmp / "pw.txt"
    cli, _ = executables(copy)
    run([cli, "init", "--office-name", "便携测试县纪委监委", "--office-code", "990002", "--admin", "管理员",
         "--admin-password-file", pw], "portable init (data beside the program)", env)
    if not (copy / "data" / "taizhang.db").is_file():
        raise SystemExit(f"FAIL portable: no database in {copy / 'data'}")


if __name__ == "__main__":
    sys.exit(main())
