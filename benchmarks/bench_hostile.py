"""Benchmark of parsing hostile input (issue 9, item 3): the time to refuse worst cases.

* ``depth``: ``jsonsafe.loads_strict`` (the depth check, then the strict parser) on
  1 MiB worst cases for the depth check — escaped quotes, unterminated escapes,
  brackets inside and outside strings — and, for comparison, the depth check it
  replaced (a regex that rescanned the rest of the input from every escaped quote) on
  8, 16 and 32 KiB of escaped quotes, to show its quadratic growth;
* ``header``: ``envelope.read_header`` on 64 KiB unsigned headers (the drive listing
  parses these for every file on a stick, before any signature is checked);
* ``package``: the dry run of a package signed with a trusted test office's real key
  whose one record line is a 1 MiB worst case, from the file to the refusal.

Each case is repeated and the median reported.  Prints a table and writes
benchmarks/results/hostile.json.

    python benchmarks/bench_hostile.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "core" / "exchange"))   # the signed-package kit

MiB = 1 << 20
LINES = {
    "escaped quotes": b'{"a":"' + b'\\"' * (MiB // 2) + b'"}',
    "unterminated escapes": b'["' + b'\\"[' * (MiB // 3),
    "brackets": b"[" * MiB,
    "brackets in a string": b'{"a":"' + b"[" * MiB + b'"}',
    "mixed": b'["\\"[{' * (MiB // 5),
    "long number": b"[" + b"9" * MiB + b"]",
}


def _old_check_depth(data: bytes, max_depth: int = 8) -> None:
    """The depth check before issue 9 (for comparison only)."""
    string = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
    if data.count(b"[") + data.count(b"{") <= max_depth:
        return
    depth = 0
    for match in re.finditer(rb"[\[\]{}]", string.sub(b'""', data)):
        depth += 1 if match.group() in (b"[", b"{") else -1
        if depth > max_depth:
            raise ValueError("too deep")


def _median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _parse(fn) -> None:
    """Parsing may accept (a valid string of escaped quotes) or refuse; both count."""
    try:
        fn()
    except ValueError:
        pass


def _refuse(fn) -> None:
    try:
        fn()
    except ValueError:
        return
    except Exception as exc:                      # a UserFacingError: refused as it should
        if "UserFacingError" in [c.__name__ for c in type(exc).__mro__]:
            return
        raise
    raise AssertionError("a worst case was accepted")


def bench_depth(repeat: int) -> dict:
    from desktop_app.exchange.jsonsafe import loads_strict
    out = {name: _median(lambda d=data: _parse(lambda: loads_strict(d)), repeat)
           for name, data in LINES.items()}
    for kib in (8, 16, 32):
        data = b'["' + b'\\"[' * (kib * 1024 // 3)
        out[f"former check, {kib} KiB unterminated escapes"] = _median(
            lambda d=data: _parse(lambda: _old_check_depth(d)), 1)
    return out


def bench_header(repeat: int, work: Path) -> dict:
    from desktop_app.exchange.envelope import read_header
    from desktop_app.exchange.limits import HEADER_MAX
    bodies = {"escaped quotes": b'"' + b'\\"' * (HEADER_MAX // 2 - 1),
              "unterminated escapes": b'["' + b'\\"[' * (HEADER_MAX // 3 - 1),
              "brackets": b"[" * HEADER_MAX, "digits": b"9" * HEADER_MAX}
    out = {}
    for name, body in bodies.items():
        path = work / "header.tzx"
        path.write_bytes(b"TZPKG\0\x01\n" + len(body).to_bytes(4, "big") + body + b"\0" * 64)
        out[name] = _median(lambda p=path: _refuse(lambda: read_header(p)), repeat)
    return out


def bench_package(repeat: int, work: Path) -> dict:
    from hostile_kit import forge
    from sync_kit import PASS, FAST, make_node, trust
    from desktop_app.exchange.importer import import_package
    county = make_node(work, "county", "CNTY-A", "甲县纪委监委")
    city = make_node(work, "city", "CITY", "乙市纪委监委")
    trust(county, city)
    out = {}
    try:
        for name, line in LINES.items():
            # stored, not deflated: a repetitive line would meet the ratio cap first
            path = forge(county, "CITY", {"unit": [line]}, work / "hostile.tzx", stored=True)
            out[name] = _median(lambda p=path: _refuse(lambda: import_package(
                city.s, p, PASS, dry_run=True, kdf_cost=FAST)), repeat)
    finally:
        county.close()
        city.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        work = Path(tmp)
        results = {"depth (1 MiB)": bench_depth(args.repeat),
                   "header (64 KiB, unsigned)": bench_header(args.repeat, work),
                   "signed package, dry run (1 MiB line)": bench_package(args.repeat, work)}
    print(f"{'case':58s} {'median s':>10s}")
    for group, cases in results.items():
        for name, seconds in cases.items():
            print(f"{group + ': ' + name:58s} {seconds:10.4f}")
    payload = {"benchmark": "hostile", "python": platform.python_version(),
               "machine": platform.machine(), "repeat": args.repeat,
               "unit": "seconds (median)", "results": results,
               "note": "every header and package case is refused; the former depth check "
                       "grows quadratically (x4 per doubling), the new one linearly"}
    out = ROOT / "benchmarks" / "results" / "hostile.json"
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {out}")


if __name__ == "__main__":
    main()
