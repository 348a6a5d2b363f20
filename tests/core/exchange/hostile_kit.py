"""Hostile packages with valid signatures (issue 9): what a trusted office whose key
was stolen, or whose workstation was taken over, could send — and the checks every
refusal must pass: exit 1, one Chinese line, no traceback, the receiving database as
it was (the audit entry of the refusal aside), nothing written outside the data
folder, the refusal in the audit log, and an honest exchange still working."""
from __future__ import annotations

import hashlib
import json
import uuid
import zipfile
from pathlib import Path
from typing import Any, Iterable

from desktop_app.cli import main
from desktop_app.exchange.archive import ArchiveWriter, canonical_json, records_entry
from desktop_app.exchange.package import write_package
from desktop_app.exchange.rows import to_wire
from desktop_app.exchange import vectors
from desktop_app.exchange.wire import APP_VERSION, SCHEMA_VERSION
from desktop_app.security.accounts import create_first_admin
from sync_kit import FAST, PASS

ADMIN_NAME, ADMIN_PASSWORD = "管理员", "Admin-pass-1"


class RawWriter(ArchiveWriter):
    """An archive writer that also takes record lines as raw bytes (a JSON escape of a
    lone surrogate cannot be written from a Python string)."""

    def add_raw_jsonl(self, table: str, lines: Iterable[bytes], *, stored: bool = False) -> None:
        """``stored``: no compression, so that a repetitive worst case reaches the
        parser instead of the compression-ratio cap."""
        name = records_entry(table)
        digest, size, count = hashlib.sha256(), 0, 0
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        with self._zip.open(info, "w", force_zip64=True) as out:
            for line in lines:
                line = line.rstrip(b"\n") + b"\n"
                out.write(line)
                digest.update(line)
                size += len(line)
                count += 1
        self._record(name, digest, size)
        self._counts[table] = count


def forge(sender, recipient: str, tables: dict[str, list], out: Path, *, seq: int = 9,
          blobs: Iterable[Path] = (), acks: dict | None = None, manifest: dict | None = None,
          kind: str = "delta", stored: bool = False) -> Path:
    """A package signed by ``sender``'s real key holding exactly ``tables`` (wire rows as
    dicts, or raw lines as bytes) and the files ``blobs``."""
    zip_path = out.with_suffix(".zip")
    with RawWriter(zip_path) as writer:
        for table, rows in tables.items():
            writer.add_raw_jsonl(table, [line_of(row) for row in rows], stored=stored)
        for blob in blobs:
            writer.add_attachment(blob, mime="application/pdf")
        writer.add_acks(acks or {})
        fields = {"schema_version": SCHEMA_VERSION, "kind": kind,
                  "sender_node": sender.s.instance, "sender_knowledge": {},
                  "coverage_digest": None,
                  "split": {"group": str(uuid.uuid4()), "part": 1, "parts": 1}}
        writer.finish({**fields, **(manifest or {})})
    header = {"schema_version": SCHEMA_VERSION, "app_version": APP_VERSION,
              "sender": sender.code, "recipient": recipient, "seq": seq, "kind": kind,
              "scope": [sender.code], "base_vector": {}}
    return write_package(out, header, zip_path, sender.key, PASS, kdf_cost=FAST).path


def line_of(row) -> bytes:
    """A record line: raw bytes as they are, a dict as canonical JSON (or, holding a lone
    surrogate that UTF-8 cannot carry, as JSON with ``\\u`` escapes)."""
    if isinstance(row, bytes):
        return row
    try:
        return canonical_json(row)
    except UnicodeEncodeError:
        return json.dumps(row, sort_keys=True, separators=(",", ":")).encode("ascii")


def wire(node, table: str, rid: str, **changes) -> dict[str, Any]:
    row = to_wire(table, node.s.conn.execute(f"SELECT * FROM {table} WHERE id = ?",
                                            (rid,)).fetchone())
    row.update(changes)
    return row


def bumped(node, row: dict, **changes) -> dict[str, Any]:
    """``row`` edited by ``node``'s instance: a newer version, as its owner would send."""
    counter = node.s.conn.execute("SELECT counter FROM node WHERE instance_id = ?",
                                  (node.s.instance,)).fetchone()[0] + 100
    return dict(row, **changes, _origin=node.s.instance, _counter=counter,
                _vv=vectors.merge(row.get("_vv", {}), {node.s.instance: counter}))


def raw(row: dict, **replace: bytes) -> bytes:
    """The canonical line of ``row`` with some values replaced by raw JSON text."""
    marked = dict(row, **{k: f"@@{k}@@" for k in replace})
    line = canonical_json(marked)
    for k, text in replace.items():
        line = line.replace(json.dumps(f"@@{k}@@").encode(), text)
    return line


class Cli:
    """``taizhang`` run in-process against a node's data folder, as its administrator."""

    def __init__(self, node, tmp: Path, capsys):
        create_first_admin(node.data_dir, ADMIN_NAME, ADMIN_PASSWORD)
        self.node, self.capsys = node, capsys
        self.pw = tmp / "admin-password.txt"
        self.pw.write_text(ADMIN_PASSWORD + "\n", encoding="utf-8")
        self.phrase = tmp / "exchange-passphrase.txt"
        self.phrase.write_text(PASS + "\n", encoding="utf-8")

    def run(self, *argv: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(self.node.data_dir), "--user", ADMIN_NAME,
                     "--password-file", str(self.pw), *map(str, argv)])
        out, err = self.capsys.readouterr()
        return code, out, err

    def import_(self, path: Path, *extra: str) -> tuple[int, str, str]:
        return self.run("import", path, "--passphrase-file", self.phrase, *extra)


def files_outside(root: Path, data_dir: Path) -> set[str]:
    """Every file under ``root`` except in the data folder: none may appear."""
    return {str(p.relative_to(root)) for p in root.rglob("*")
            if p.is_file() and data_dir not in p.parents}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
