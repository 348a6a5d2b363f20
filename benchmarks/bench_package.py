"""Benchmark of the USB package layer (desktop_app/exchange): archive → package → drive →
staging → verify/decrypt → strict extract, on 500 MB of random attachment blobs plus
100k small records.

Each phase runs in its own subprocess, so its time and peak RSS (VmHWM) are its own;
each is repeated and the median reported.  The "drive" is a directory on the local disk,
so the copy figures are the code's cost, not a USB 2.0 stick's (~20–30 MB/s write).
Files just written are read back from the page cache; on a cold cache expect disk speed.

    python benchmarks/bench_package.py [--mb 500] [--blobs 1000] [--records 100000]
                                       [--repeat 3] [--workdir DIR]

Prints a table and writes benchmarks/results/package.json.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import peak_rss_mb  # noqa: E402  (the benchmarks folder is on sys.path)

log = logging.getLogger("bench_package")
ADMIN = "bench-admin"
EXCHANGE = "bench-交换口令"
PHASES = ["archive", "write", "copy", "stage", "verify", "extract"]
EXPORT = ("archive", "write", "copy")
IMPORT = ("stage", "verify", "extract")


def make_inputs(work: Path, total_mb: int, blobs: int) -> None:
    """Random blobs (incompressible, like scanned PDFs), a key and an office card."""
    from desktop_app.exchange.keys import OfficeCard, generate_office_key, save_private_key
    blob_dir = work / "blobs"
    blob_dir.mkdir()
    size = total_mb * 1024 * 1024 // blobs
    for i in range(blobs):
        (blob_dir / f"{i:05d}.pdf").write_bytes(os.urandom(size))
    key = generate_office_key()
    save_private_key(work / "office.key", key, ADMIN)
    OfficeCard.for_key("CNTY-07", "基准测试县纪委监委", key).save(work / "card.json")


def _records(count: int):
    for i in range(count):
        yield {"id": f"{i:08d}-0000-4000-8000-000000000000", "owner_office": "CNTY-07",
               "title": f"谈话提醒记录 {i}", "status": "open", "_origin": "inst-a",
               "_counter": i, "_hlc": f"{1772000000000 + i}.0", "_vv": {"inst-a": i},
               "_deleted": 0}


def phase_archive(work: Path, records: int) -> None:
    from desktop_app.exchange.archive import ArchiveWriter
    with ArchiveWriter(work / "inner.zip") as writer:
        writer.add_jsonl("talk", _records(records))
        for blob in sorted((work / "blobs").iterdir()):
            writer.add_attachment(blob, mime="application/pdf")
        writer.add_acks({"CNTY-07": {"inst-a": records}})
        writer.finish({"schema_version": 1})


def phase_write(work: Path) -> None:
    from desktop_app.exchange.keys import load_private_key_file
    from desktop_app.exchange.package import write_package
    key = load_private_key_file(work / "office.key", ADMIN)
    header = {"schema_version": 1, "app_version": "bench", "sender": "CNTY-07",
              "recipient": "CITY", "seq": 1, "kind": "delta", "scope": ["CNTY-07"],
              "base_vector": {}}
    write_package(work / "out.tzx", header, work / "inner.zip", key, EXCHANGE)


def phase_copy(work: Path) -> None:
    from desktop_app.exchange.media import copy_to_media
    drive = work / "drive"
    shutil.rmtree(drive, ignore_errors=True)
    drive.mkdir()
    copy_to_media(work / "out.tzx", drive, "CNTY-07_to_CITY_000001_20260307T081530Z.tzx")


def phase_stage(work: Path) -> None:
    from desktop_app.exchange.media import stage_copy
    staging = work / "staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    path, _ = stage_copy(next((work / "drive").iterdir()), staging)
    path.rename(staging / "staged.tzx")


def phase_verify(work: Path) -> None:
    from desktop_app.exchange.keys import OfficeCard
    from desktop_app.exchange.package import verify_and_decrypt
    card = OfficeCard.load(work / "card.json")
    with open(work / "staging" / "inner.zip", "wb") as out:
        verify_and_decrypt(work / "staging" / "staged.tzx", trusted={"CNTY-07": card.public()},
                           me="CITY", passphrase_provider=lambda: EXCHANGE, out_plain=out,
                           known_schema=1)


def phase_extract(work: Path) -> None:
    from desktop_app.exchange.archive_read import extract_archive
    for old in (work / "staging").glob("tzarc-*"):
        shutil.rmtree(old)
    extract_archive(work / "staging" / "inner.zip", work / "staging")


def run_child(phase: str, work: Path, records: int) -> None:
    start = time.perf_counter()
    if phase == "archive":
        phase_archive(work, records)
    else:
        globals()[f"phase_{phase}"](work)
    print(json.dumps({"seconds": time.perf_counter() - start, "peak_rss_mb": peak_rss_mb()}))


def run_phase(phase: str, work: Path, records: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, __file__, "--child", phase, "--workdir", str(work),
                           "--records", str(records)],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(work: Path, records: int, repeat: int) -> dict[str, dict]:
    runs: dict[str, list[dict]] = {p: [] for p in PHASES}
    for i in range(repeat):
        for phase in PHASES:   # in order: each phase consumes the previous one's output
            runs[phase].append(run_phase(phase, work, records))
            log.info("run %d %s: %s", i + 1, phase, runs[phase][-1])
    return {p: {"seconds": statistics.median(r["seconds"] for r in rs),
                "peak_rss_mb": max(r["peak_rss_mb"] for r in rs)} for p, rs in runs.items()}


def report(results: dict[str, dict], payload_mb: float) -> str:
    lines = [f"{'phase':<10}{'median s':>10}{'MB/s':>9}{'peak RSS MB':>13}"]
    for phase, r in results.items():
        lines.append(f"{phase:<10}{r['seconds']:>10.2f}{payload_mb / r['seconds']:>9.0f}"
                     f"{r['peak_rss_mb']:>13.1f}")
    export = sum(results[p]["seconds"] for p in EXPORT)
    imp = sum(results[p]["seconds"] for p in IMPORT)
    lines.append(f"export (archive+write+copy) {export:.2f} s = {export / 30:.0%} of the 30 s "
                 f"budget; import (stage+verify+extract) {imp:.2f} s = {imp / 45:.0%} of 45 s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=500)
    parser.add_argument("--blobs", type=int, default=1000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir")
    parser.add_argument("--child", choices=PHASES)
    args = parser.parse_args()
    if args.child:
        run_child(args.child, Path(args.workdir), args.records)
        return
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    work = Path(tempfile.mkdtemp(prefix="bench-package-", dir=args.workdir))
    try:
        make_inputs(work, args.mb, args.blobs)
        results = measure(work, args.records, args.repeat)
        sizes = {"inner_zip_bytes": (work / "inner.zip").stat().st_size,
                 "package_bytes": (work / "out.tzx").stat().st_size}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    payload_mb = sizes["package_bytes"] / 2 ** 20
    table = report(results, payload_mb)
    print(table)
    out = ROOT / "benchmarks" / "results" / "package.json"
    out.write_text(json.dumps({
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "params": {"mb": args.mb, "blobs": args.blobs, "records": args.records,
                   "repeat": args.repeat}, **sizes, "phases": results,
        "export_seconds": sum(results[p]["seconds"] for p in EXPORT),
        "import_seconds": sum(results[p]["seconds"] for p in IMPORT)},
        ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
