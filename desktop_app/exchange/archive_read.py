"""Strict reader of the inner archive (exchange.md §3.4 step 6).

``extract_archive(zip_path, staging_dir, *, limits=DEFAULT_ARCHIVE_LIMITS, progress=None,
cancel=None) -> ArchiveContents``
    Checks the whole ZIP structure, then copies every entry into a fresh directory under
    ``staging_dir`` at a path built here (never from the entry name), hashing and counting
    real bytes, and checks everything against the manifest.  On any refusal the
    directory is removed and ``PackageRejected`` raised.
``iter_jsonl(path, *, max_line_bytes=…) -> Iterator[dict]``
    Reads one staged records file with the JSON caps of ``jsonsafe.loads_strict``.

Only the central directory is parsed by ``zipfile`` (after its size and entry count are
capped from the end record).  Local headers are read, and entries decompressed, here:
``ZipExtFile`` trusts declared sizes (cpython#151307) and Python 3.11.7 predates the
overlap fix of CVE-2024-0450.  So: the end record must close the file, there is no
prepended data, every entry's data range lies between its local header and the next
entry (no overlap, no sharing), DEFLATE must end exactly at the declared compressed size
and produce exactly the declared size and CRC, and declared sizes are capped — per entry,
in total, and by ratio for large entries — before a single byte is inflated.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator

from desktop_app.filenames import is_device_name

from .archive import ACKS, ENTRY_NAME_RE, MANIFEST, MIME_MAX, SHA256_RE, TABLE_RE
from .errors import MediaError, PackageRejected
from .jsonsafe import loads_strict
from .limits import DEFAULT_ARCHIVE_LIMITS, ArchiveLimits, MiB
from .meter import CancelFn, Meter, ProgressFn
from .values import shown

log = logging.getLogger(__name__)

_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_LOCAL = struct.Struct("<4s5H3L2H")
# Flag bits we accept: deflate options (1, 2), data descriptor (3), UTF-8 names (11).
_ALLOWED_FLAGS = 0x0002 | 0x0004 | 0x0008 | 0x0800
_DESCRIPTOR_MAX = 24
_IN_BLOCK = 256 * 1024
_OUT_BLOCK = 1 * MiB


@dataclass(frozen=True)
class Entry:
    name: str
    method: int
    crc: int
    csize: int
    usize: int
    header_offset: int
    data_offset: int = 0


@dataclass(frozen=True)
class ArchiveContents:
    root: Path                      # staging directory holding everything below
    manifest: dict[str, Any]
    records: dict[str, Path]        # table -> JSONL path, in manifest["tables"] order
    attachments: dict[str, Path]    # sha256 -> blob path
    acks: dict[str, Any] | None


def _bad(detail: str, reason: str = "bad_archive") -> PackageRejected:
    return PackageRejected(reason, detail)


def _read_at(fh: BinaryIO, offset: int, size: int) -> bytes:
    fh.seek(offset)
    data = fh.read(size)
    if len(data) != size:
        raise _bad("归档被截断")
    return data


def _end_record(fh: BinaryIO, size: int) -> tuple[int, int, int]:
    """(entry count, central directory size, offset).  The end record must be the last
    22 bytes (we never write a comment), and the central directory must end at it."""
    if size < _EOCD.size:
        raise _bad("不是 ZIP 归档")
    sig, disk, cd_disk, _, count, cd_size, cd_offset, comment = _EOCD.unpack(
        _read_at(fh, size - _EOCD.size, _EOCD.size))
    if sig != b"PK\x05\x06" or comment or disk or cd_disk:
        raise _bad("ZIP 结束记录不正确")
    cd_end = size - _EOCD.size
    if count == 0xFFFF or 0xFFFFFFFF in (cd_size, cd_offset):
        if cd_end < _ZIP64_LOCATOR.size:
            raise _bad("ZIP64 定位记录缺失")
        loc = _ZIP64_LOCATOR.unpack(_read_at(fh, cd_end - _ZIP64_LOCATOR.size,
                                             _ZIP64_LOCATOR.size))
        if loc[0] != b"PK\x06\x07" or loc[1] != 0 or loc[3] != 1:
            raise _bad("ZIP64 定位记录不正确")
        cd_end = loc[2]
        rec = _ZIP64_EOCD.unpack(_read_at(fh, cd_end, _ZIP64_EOCD.size))
        if rec[0] != b"PK\x06\x06" or rec[4] or rec[5]:
            raise _bad("ZIP64 结束记录不正确")
        count, cd_size, cd_offset = rec[7], rec[8], rec[9]
    if cd_offset + cd_size != cd_end:
        raise _bad("中央目录位置不正确")
    return count, cd_size, cd_offset


def _check_info(info: zipfile.ZipInfo, limits: ArchiveLimits) -> Entry:
    name = info.filename
    if info.orig_filename != name or ENTRY_NAME_RE.fullmatch(name) is None \
            or is_device_name(name.rpartition("/")[2]):
        raise _bad(shown(info.orig_filename, 80), "bad_entry_name")
    if info.flag_bits & ~_ALLOWED_FLAGS:
        raise _bad(f"{name} 标志位 {info.flag_bits:#x}（加密或不支持）")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _bad(f"{name} 压缩方法 {info.compress_type} 不受支持")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode) or stat.S_ISDIR(mode) or info.external_attr & 0x10:
        raise _bad(f"{name} 是符号链接或目录")
    if info.file_size > limits.max_entry_bytes:
        raise _bad(f"{name} 声明大小 {info.file_size}", "too_large")
    if info.file_size > limits.ratio_floor_bytes and \
            info.file_size > limits.max_ratio * info.compress_size:
        raise _bad(f"{name} 压缩比超过 {limits.max_ratio}:1", "too_large")
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        raise _bad(f"{name} 存储大小不一致")
    return Entry(name, info.compress_type, info.CRC, info.compress_size, info.file_size,
                 info.header_offset)


def _check_names(entries: list[Entry], limits: ArchiveLimits) -> None:
    names = [e.name for e in entries]
    if len(set(names)) != len(names) or len({n.lower() for n in names}) != len(names):
        raise _bad("条目名称重复", "bad_entry_name")
    if sum(e.usize for e in entries) > limits.max_total_bytes:
        raise _bad("总大小超过上限", "too_large")


def _locate_data(fh: BinaryIO, entries: list[Entry], cd_offset: int) -> list[Entry]:
    """Fill ``data_offset`` from each local header; refuse overlapping or shared data."""
    located = []
    floor = 0
    for entry in sorted(entries, key=lambda e: e.header_offset):
        if entry.header_offset < floor:
            raise _bad(f"{entry.name} 与前一条目重叠")
        sig, _, flags, method, _, _, _, _, _, name_len, extra_len = _LOCAL.unpack(
            _read_at(fh, entry.header_offset, _LOCAL.size))
        name = _read_at(fh, entry.header_offset + _LOCAL.size, name_len)
        if sig != b"PK\x03\x04" or name != entry.name.encode("ascii") \
                or method != entry.method or flags & ~_ALLOWED_FLAGS:
            raise _bad(f"{entry.name} 本地文件头与中央目录不符")
        data_offset = entry.header_offset + _LOCAL.size + name_len + extra_len
        floor = data_offset + entry.csize
        if flags & 0x0008:
            floor += 12   # the smallest data descriptor
        if floor > cd_offset:
            raise _bad(f"{entry.name} 数据越过中央目录")
        located.append(dataclasses.replace(entry, data_offset=data_offset))
    return located


def scan_archive(fh: BinaryIO, size: int, limits: ArchiveLimits) -> list[Entry]:
    """Every structural check, no decompression; entries in file order."""
    count, cd_size, cd_offset = _end_record(fh, size)
    if count > limits.max_entries or cd_size > limits.max_central_dir_bytes:
        raise _bad(f"条目数 {count} 或目录大小超过上限", "too_large")
    try:
        infos = zipfile.ZipFile(fh).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, struct.error,
            NotImplementedError) as exc:
        raise _bad(f"中央目录损坏：{exc}") from exc
    if len(infos) != count:
        raise _bad("条目数与结束记录不符")
    entries = [_check_info(info, limits) for info in infos]
    _check_names(entries, limits)
    return _locate_data(fh, entries, cd_offset)


class _Sink:
    """Where the bytes of one entry go: a file or memory, hashed and line-counted."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.digest = hashlib.sha256()
        self.newlines = 0
        self.last = b""

    def write(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)
        self.newlines += data.count(b"\n")
        self.last = data[-1:] or self.last


def _inflate(fh: BinaryIO, entry: Entry, sink: _Sink, meter: Meter) -> None:
    """Copy one entry's real bytes into ``sink`` and check them against the declarations."""
    fh.seek(entry.data_offset)
    left = entry.csize
    produced, crc = 0, 0
    inflater = zlib.decompressobj(-15) if entry.method == zipfile.ZIP_DEFLATED else None
    while True:
        if inflater is not None and inflater.unconsumed_tail:
            data = inflater.unconsumed_tail
        elif left:
            data = fh.read(min(_IN_BLOCK, left))
            if not data:
                raise _bad(f"{entry.name} 数据被截断")
            left -= len(data)
        else:
            data = b""
        out = data if inflater is None else inflater.decompress(data, _OUT_BLOCK)
        if not out and not data:
            break
        produced += len(out)
        if produced > entry.usize:
            raise _bad(f"{entry.name} 实际大小超过声明", "too_large")
        crc = zlib.crc32(out, crc)
        sink.write(out)
        meter(len(out))
        if inflater is not None and inflater.eof:
            break
    if inflater is not None and (not inflater.eof or left or inflater.unused_data
                                 or inflater.unconsumed_tail):
        raise _bad(f"{entry.name} 压缩数据长度与声明不符")
    if produced != entry.usize or crc != entry.crc:
        raise _bad(f"{entry.name} 大小或 CRC 与声明不符")


def _read_small(fh: BinaryIO, entry: Entry, cap: int, meter: Meter) -> tuple[bytes, str]:
    if entry.usize > cap:
        raise _bad(f"{entry.name} 过大", "too_large")
    sink = _Sink(io.BytesIO())
    _inflate(fh, entry, sink, meter)
    return sink.out.getvalue(), sink.digest.hexdigest()


def _dict_of(obj: dict, key: str, check: Callable[[Any], bool]) -> dict:
    value = obj.get(key)
    if not isinstance(value, dict) or not all(check(v) for v in value.values()):
        raise _bad(f"清单字段 {key} 格式不正确", "manifest_mismatch")
    return value


def _is_count(value: Any) -> bool:
    return type(value) is int and value >= 0


def _check_manifest(manifest: Any, entries: dict[str, Entry]) -> None:
    """Cross-check the manifest with the central directory (names, sizes, counts)."""
    if not isinstance(manifest, dict):
        raise _bad("清单不是 JSON 对象", "manifest_mismatch")
    hashes = _dict_of(manifest, "sha256",
                      lambda v: isinstance(v, str) and SHA256_RE.fullmatch(v) is not None)
    sizes = _dict_of(manifest, "size", _is_count)
    counts = _dict_of(manifest, "counts", _is_count)
    listed = set(entries) - {MANIFEST}
    if set(hashes) != listed or set(sizes) != listed:
        extra = sorted(set(hashes) ^ listed)[:3] or sorted(set(sizes) ^ listed)[:3]
        raise _bad(f"清单与条目不一致：{extra}", "manifest_mismatch")
    for name in listed:
        if sizes[name] != entries[name].usize:
            raise _bad(f"{name} 大小与清单不符", "manifest_mismatch")
    tables = {n[len("records/"):-len(".jsonl")] for n in listed if n.startswith("records/")}
    order = manifest.get("tables")
    if set(counts) != tables or not isinstance(order, list) or \
            len(order) != len(tables) or set(order) != tables:
        raise _bad("清单中的表与条目不一致", "manifest_mismatch")
    _check_attachment_list(manifest.get("attachments"), listed, sizes)


def _check_attachment_list(items: Any, listed: set[str], sizes: dict) -> None:
    blobs = {n[len("attachments/"):] for n in listed if n.startswith("attachments/")}
    if not isinstance(items, list) or len(items) != len(blobs):
        raise _bad("附件清单与条目不一致", "manifest_mismatch")
    seen = set()
    for item in items:
        if not isinstance(item, dict) or set(item) != {"sha256", "size", "mime"}:
            raise _bad("附件清单格式不正确", "manifest_mismatch")
        sha, mime = item["sha256"], item["mime"]
        if sha not in blobs or sha in seen or item["size"] != sizes[f"attachments/{sha}"] \
                or not isinstance(mime, str) or not 0 < len(mime) <= MIME_MAX:
            raise _bad(f"附件清单条目不符：{str(sha)[:16]}", "manifest_mismatch")
        seen.add(sha)


def _destination(root: Path, name: str) -> Path:
    """Staging path built from the validated parts of ``name``, never from the name."""
    kind, _, rest = name.partition("/")
    if kind == "records":
        table = rest[:-len(".jsonl")]
        assert TABLE_RE.fullmatch(table)
        return root / "records" / f"{table}.jsonl"
    assert kind == "attachments" and SHA256_RE.fullmatch(rest)
    return root / "attachments" / rest


def _extract_file(fh: BinaryIO, entry: Entry, dest: Path, manifest: dict,
                  meter: Meter) -> int:
    with open(dest, "xb") as out:
        sink = _Sink(out)
        _inflate(fh, entry, sink, meter)
    if sink.digest.hexdigest() != manifest["sha256"][entry.name]:
        raise _bad(f"{entry.name} 哈希与清单不符", "manifest_mismatch")
    if entry.name.startswith("attachments/") and \
            sink.digest.hexdigest() != entry.name[len("attachments/"):]:
        raise _bad(f"{entry.name} 内容哈希与文件名不符", "manifest_mismatch")
    if entry.usize and sink.last != b"\n" and entry.name.startswith("records/"):
        raise _bad(f"{entry.name} 末行不完整", "manifest_mismatch")
    return sink.newlines


def _load_json_entry(fh: BinaryIO, entry: Entry, cap: int, meter: Meter,
                     expected_sha: str | None) -> Any:
    data, sha = _read_small(fh, entry, cap, meter)
    if expected_sha is not None and sha != expected_sha:
        raise _bad(f"{entry.name} 哈希与清单不符", "manifest_mismatch")
    try:
        return loads_strict(data)
    except ValueError as exc:
        raise _bad(f"{entry.name}：{exc}", "manifest_mismatch") from exc


def _check_free_space(staging_dir: Path, needed: int) -> None:
    free = shutil.disk_usage(staging_dir).free
    if free < needed:
        raise MediaError("disk_full", f"本机暂存空间不足：需要 {needed // MiB + 1} MB，"
                                      f"只有 {free // MiB} MB")


def _extract_all(fh: BinaryIO, entries: list[Entry], root: Path, limits: ArchiveLimits,
                 meter: Meter) -> ArchiveContents:
    by_name = {e.name: e for e in entries}
    if MANIFEST not in by_name:
        raise _bad("缺少 manifest.json", "manifest_mismatch")
    manifest = _load_json_entry(fh, by_name[MANIFEST], limits.max_manifest_bytes, meter, None)
    _check_manifest(manifest, by_name)
    (root / "records").mkdir()
    (root / "attachments").mkdir()
    acks, records, attachments = None, {}, {}
    for entry in entries:
        if entry.name == MANIFEST:
            continue
        if entry.name == ACKS:
            acks = _load_json_entry(fh, entry, limits.max_acks_bytes, meter,
                                    manifest["sha256"][ACKS])
            if not isinstance(acks, dict):
                raise _bad("acks.json 不是 JSON 对象", "manifest_mismatch")
            continue
        dest = _destination(root, entry.name)
        lines = _extract_file(fh, entry, dest, manifest, meter)
        if entry.name.startswith("records/"):
            table = dest.stem
            if lines != manifest["counts"][table]:
                raise _bad(f"{table} 记录数与清单不符", "manifest_mismatch")
            records[table] = dest
        else:
            attachments[dest.name] = dest
    records = {t: records[t] for t in manifest["tables"]}
    return ArchiveContents(root, manifest, records, attachments, acks)


def extract_archive(zip_path: Path | str, staging_dir: Path | str, *,
                    limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
                    progress: ProgressFn = None, cancel: CancelFn = None) -> ArchiveContents:
    """Check and extract the inner archive; see module docstring."""
    with open(zip_path, "rb") as fh:
        size = fh.seek(0, 2)
        entries = scan_archive(fh, size, limits)
        total = sum(e.usize for e in entries)
        _check_free_space(Path(staging_dir), total)
        root = Path(tempfile.mkdtemp(prefix="tzarc-", dir=staging_dir))
        try:
            contents = _extract_all(fh, entries, root, limits, Meter(total, progress, cancel))
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
    log.info("archive checked: %d entries, %d bytes staged in %s", len(entries), total, root)
    return contents


def iter_jsonl(path: Path | str, *, max_line_bytes: int = DEFAULT_ARCHIVE_LIMITS.max_line_bytes
               ) -> Iterator[dict[str, Any]]:
    """Yield the records of a staged JSONL file, refusing over-long lines and bad JSON."""
    with open(path, "rb") as fh:
        for number, line in enumerate(iter(lambda: fh.readline(max_line_bytes + 1), b""), 1):
            if len(line) > max_line_bytes or not line.endswith(b"\n"):
                raise _bad(f"{Path(path).name} 第 {number} 行过长或不完整")
            try:
                row = loads_strict(line)
            except ValueError as exc:
                raise _bad(f"{Path(path).name} 第 {number} 行：{exc}") from exc
            if not isinstance(row, dict):
                raise _bad(f"{Path(path).name} 第 {number} 行不是对象")
            yield row
