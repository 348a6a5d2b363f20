"""The inner archive: writer round trip and the strict reader, exchange.md §4.A cases 8, 9,
10 and 13."""
import hashlib
import io
import os
import stat
import tracemalloc
import zipfile

import pytest

from desktop_app.exchange import archive_read
from desktop_app.exchange.archive import ArchiveWriter
from desktop_app.exchange.archive_read import extract_archive, iter_jsonl
from desktop_app.exchange.errors import MediaError, PackageRejected
from desktop_app.exchange.jsonsafe import canonical_json
from desktop_app.exchange.limits import ArchiveLimits, MiB
from exchange_testkit import (RawEntry, deflated, manifest_for, sample_files, stored,
                              write_archive, write_raw_zip, zero_bomb)

SMALL = ArchiveLimits(max_entries=50, max_entry_bytes=16 * MiB, max_total_bytes=32 * MiB,
                      max_manifest_bytes=1 * MiB, max_acks_bytes=64 * 1024,
                      max_line_bytes=4096, max_central_dir_bytes=64 * 1024)


@pytest.fixture
def staging(tmp_path):
    path = tmp_path / "staging"
    path.mkdir()
    return path


def refused(zip_path, staging, reason=None, limits=SMALL, **kw) -> PackageRejected:
    with pytest.raises(PackageRejected) as info:
        extract_archive(zip_path, staging, limits=limits, **kw)
    if reason is not None:
        assert info.value.reason == reason, info.value
    assert not list(staging.iterdir()), "staging must be emptied after a refusal"
    return info.value


# ---------------------------------------------------------------- round trip

def test_writer_round_trip(tmp_path, staging):
    blobs = [os.urandom(n) for n in (0, 10, 300_000)]
    paths = []
    for i, blob in enumerate(blobs):
        paths.append(tmp_path / f"b{i}.pdf")
        paths[-1].write_bytes(blob)
    rows = [{"id": f"id{i}", "标题": "约谈", "_vv": {"a": i}} for i in range(500)]
    with ArchiveWriter(tmp_path / "a.zip") as writer:
        writer.add_jsonl("unit", [{"id": "u1"}])
        assert writer.add_jsonl("talk", iter(rows)) == 500
        writer.add_jsonl("empty_table", [])
        shas = [writer.add_attachment(p, mime="application/pdf") for p in paths]
        assert writer.add_attachment(paths[1], mime="application/pdf") == shas[1]   # dedup
        writer.add_acks({"CNTY-07": {"inst-a": 12}})
        manifest = writer.finish({"schema_version": 3, "coverage_digest": "00" * 32})
    assert manifest["tables"] == ["unit", "talk", "empty_table"]
    contents = extract_archive(tmp_path / "a.zip", staging)
    assert list(contents.records) == ["unit", "talk", "empty_table"]
    assert list(iter_jsonl(contents.records["talk"])) == rows
    assert list(iter_jsonl(contents.records["empty_table"])) == []
    assert {s: p.read_bytes() for s, p in contents.attachments.items()} == \
        {hashlib.sha256(b).hexdigest(): b for b in blobs}
    assert contents.acks == {"CNTY-07": {"inst-a": 12}}
    assert contents.manifest["coverage_digest"] == "00" * 32
    assert contents.root.parent == staging


def test_writer_refuses_bad_input_and_cleans_up(tmp_path):
    blob = tmp_path / "b.pdf"
    blob.write_bytes(b"pdf")
    with pytest.raises(ValueError):
        with ArchiveWriter(tmp_path / "a.zip") as writer:
            writer.add_attachment(blob, mime="application/pdf", sha256="0" * 64)
    assert not (tmp_path / "a.zip").exists()
    with ArchiveWriter(tmp_path / "b.zip") as writer:
        for bad in ("Talk", "../x", "a" * 41):
            with pytest.raises(ValueError):
                writer.add_jsonl(bad, [])
        writer.add_jsonl("talk", [])
        with pytest.raises(ValueError):
            writer.add_jsonl("talk", [])
        with pytest.raises(ValueError):
            writer.finish({"sha256": {}})
        writer.finish({})


def test_raw_builder_archive_is_accepted(tmp_path, staging):
    write_archive(tmp_path / "a.zip", sample_files())
    contents = extract_archive(tmp_path / "a.zip", staging, limits=SMALL)
    assert len(list(iter_jsonl(contents.records["talk"]))) == 20


def test_zip64_end_records_are_read(tmp_path, staging):
    write_archive(tmp_path / "a.zip", sample_files(), zip64_end=True)
    assert extract_archive(tmp_path / "a.zip", staging, limits=SMALL).acks


# ---------------------------------------------------------------- case 8: names

BAD_NAMES = [
    b"../x", b"/abs", b"C:\\x", b"..\\x", b"a/../../x", b"records/../../x.jsonl",
    b"manifest.json\x00.exe", b"records/" + b"a" * 300 + b".jsonl", b"x" * 300,
    b"Manifest.json", b"RECORDS/talk.jsonl", b"records/Talk.jsonl",
    b"attachments/" + b"A" * 64, b"attachments/" + b"a" * 63, b"attachments/" + b"g" * 64,
    b"CON", b"aux.txt", b"records/con.jsonl.", b"manifest.json ", b"manifest.json\n",
    b"records/talk.json", b"records/", b"attachments/", b"records/ta/lk.jsonl",
    "ｍanifest.json".encode(), "manifest\u2024json".encode(), "records/tаlk.jsonl".encode(),
    "attachments/".encode() + "０".encode() * 64, b"./manifest.json", b"",
]


@pytest.mark.parametrize("name", BAD_NAMES, ids=[repr(n)[:40] for n in BAD_NAMES])
def test_bad_entry_names_are_refused(tmp_path, staging, name):
    write_archive(tmp_path / "a.zip", sample_files(),
                  extra_entries=[stored(name, b"x", flags=0x800)])
    refused(tmp_path / "a.zip", staging, "bad_entry_name")


def test_duplicate_and_case_insensitive_duplicate_names(tmp_path, staging):
    files = sample_files()
    write_archive(tmp_path / "a.zip", files,
                  extra_entries=[deflated("records/talk.jsonl", files["records/talk.jsonl"])])
    refused(tmp_path / "a.zip", staging, "bad_entry_name")
    write_archive(tmp_path / "b.zip", files, extra_entries=[stored("ACKS.json", b"{}")])
    refused(tmp_path / "b.zip", staging, "bad_entry_name")


# ---------------------------------------------------------------- case 9: entry kinds

def _blob_entry(**kw):
    data = b"%PDF-1.4 blob"
    return stored(f"attachments/{hashlib.sha256(data).hexdigest()}", data, **kw)


@pytest.mark.parametrize("kw,detail", [
    ({"external_attr": (stat.S_IFLNK | 0o777) << 16}, "符号链接"),
    ({"external_attr": (stat.S_IFDIR | 0o755) << 16}, "目录"),
    ({"external_attr": 0x10, "create_system": 0}, "目录"),
    ({"flags": 0x0001}, "加密"),
    ({"flags": 0x0040}, "加密"),
])
def test_symlink_directory_and_encrypted_entries(tmp_path, staging, kw, detail):
    write_archive(tmp_path / "a.zip", sample_files(), extra_entries=[_blob_entry(**kw)])
    assert detail in str(refused(tmp_path / "a.zip", staging, "bad_archive"))


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, 99, 1])
def test_unsupported_compression_methods(tmp_path, staging, method):
    entry = _blob_entry()
    entry.method = method
    write_archive(tmp_path / "a.zip", sample_files(), extra_entries=[entry])
    assert "压缩方法" in str(refused(tmp_path / "a.zip", staging, "bad_archive"))


# ---------------------------------------------------------------- case 10: bombs

GIB = 1 << 30


def _bomb_archive(path, data, crc, usize):
    name = "records/bomb.jsonl"
    manifest = manifest_for({"records/bomb.jsonl": b""})
    manifest["size"][name] = usize
    manifest["counts"]["bomb"] = 0
    write_raw_zip(path, [RawEntry(name.encode(), data, 8, crc, usize, len(data)),
                         deflated("manifest.json", canonical_json(manifest))])


def test_one_gib_of_zeros_refused_by_ratio_before_inflating(tmp_path, staging):
    data, crc = zero_bomb(GIB)
    assert GIB // len(data) > 1000
    _bomb_archive(tmp_path / "bomb.zip", data, crc, GIB)
    assert "压缩比" in str(refused(tmp_path / "bomb.zip", staging, "too_large",
                                   limits=ArchiveLimits()))
    assert "声明大小" in str(refused(tmp_path / "bomb.zip", staging, "too_large"))


def test_forged_small_size_stops_at_real_bytes_with_bounded_memory_and_disk(tmp_path,
                                                                         staging):
    """The bomb declares 12 MiB (ratio and caps pass) but inflates to 1 GiB: the real byte
    count stops it; memory and staging stay small all the way."""
    data, crc = zero_bomb(GIB)
    declared = 12 * MiB
    _bomb_archive(tmp_path / "bomb.zip", data, crc, declared)
    seen = []

    def staged_size(done, total):
        seen.append(sum(f.stat().st_size for f in staging.rglob("*") if f.is_file()))
    tracemalloc.start()
    try:
        error = refused(tmp_path / "bomb.zip", staging, "too_large",
                        limits=ArchiveLimits(max_ratio=10_000), progress=staged_size)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "实际大小超过声明" in str(error)
    assert peak < 64 * MiB, peak
    assert max(seen) <= declared


def test_forged_compressed_sizes(tmp_path, staging):
    files = sample_files()
    blob_name = next(n for n in files if n.startswith("attachments/"))
    too_long = deflated(blob_name, files[blob_name])
    too_long.csize = len(too_long.data) + 5000        # runs into the central directory
    write_archive(tmp_path / "a.zip", {n: d for n, d in files.items() if n != blob_name},
                  manifest_for(files), extra_entries=[too_long])
    refused(tmp_path / "a.zip", staging, "bad_archive")
    too_short = deflated(blob_name, files[blob_name])
    too_short.data += b"\0" * 40                       # stream ends before csize
    too_short.csize = len(too_short.data)
    write_archive(tmp_path / "b.zip", {n: d for n, d in files.items() if n != blob_name},
                  manifest_for(files), extra_entries=[too_short])
    assert "长度与声明不符" in str(refused(tmp_path / "b.zip", staging, "bad_archive"))


def test_quoted_overlap_zip_is_refused(tmp_path, staging):
    """Fifield-style overlap: entry A's data range covers entry B's local header."""
    files = sample_files()
    write_archive(tmp_path / "a.zip", files)
    raw = (tmp_path / "a.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(raw)) as zf:
        infos = sorted(zf.infolist(), key=lambda i: i.header_offset)
    entries = [deflated(n, d) for n, d in files.items()]
    entries.append(deflated("manifest.json", canonical_json(manifest_for(files))))
    entries[0].csize = infos[1].header_offset + 40      # swallow the next header
    entries[0].usize = entries[0].csize
    write_raw_zip(tmp_path / "overlap.zip", entries)
    assert "重叠" in str(refused(tmp_path / "overlap.zip", staging, "bad_archive"))
    entries = [deflated(n, d) for n, d in files.items()]
    entries.append(deflated("manifest.json", canonical_json(manifest_for(files))))
    entries[1].header_offset = 0                         # two entries, one local header
    write_raw_zip(tmp_path / "shared.zip", entries)
    refused(tmp_path / "shared.zip", staging, "bad_archive")


def test_nested_zip_attachment_is_kept_as_an_opaque_blob(tmp_path, staging):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("../../escape.txt", "x" * 100_000)
    blob = inner.getvalue()
    files = {"records/talk.jsonl": b'{"id":"1"}\n',
             f"attachments/{hashlib.sha256(blob).hexdigest()}": blob}
    write_archive(tmp_path / "a.zip", files)
    contents = extract_archive(tmp_path / "a.zip", staging, limits=SMALL)
    assert [p.read_bytes() for p in contents.attachments.values()] == [blob]
    staged = sorted(p.relative_to(contents.root).as_posix()
                    for p in contents.root.rglob("*") if p.is_file())
    assert staged == [f"attachments/{hashlib.sha256(blob).hexdigest()}",
                      "records/talk.jsonl"]
    assert not list(tmp_path.rglob("escape.txt"))


def test_declared_caps(tmp_path, staging):
    files = sample_files()
    write_archive(tmp_path / "a.zip", files)
    refused(tmp_path / "a.zip", staging, "too_large",
            limits=ArchiveLimits(max_entries=3))
    refused(tmp_path / "a.zip", staging, "too_large",
            limits=ArchiveLimits(max_total_bytes=1000))
    refused(tmp_path / "a.zip", staging, "too_large",
            limits=ArchiveLimits(max_entry_bytes=1000))
    refused(tmp_path / "a.zip", staging, "too_large",
            limits=ArchiveLimits(max_manifest_bytes=100))
    refused(tmp_path / "a.zip", staging, "too_large",
            limits=ArchiveLimits(max_central_dir_bytes=100))


def test_not_a_zip_prepended_and_trailing_data(tmp_path, staging):
    (tmp_path / "x.zip").write_bytes(b"not a zip at all, not at all")
    refused(tmp_path / "x.zip", staging, "bad_archive")
    entries = [deflated(n, d) for n, d in sample_files().items()]
    write_raw_zip(tmp_path / "pre.zip", entries, prefix=b"MZ" + b"\0" * 100)
    refused(tmp_path / "pre.zip", staging, "bad_archive")
    write_raw_zip(tmp_path / "post.zip", entries, suffix=b"trailing")
    refused(tmp_path / "post.zip", staging, "bad_archive")


def test_staging_free_space_checked_first(tmp_path, staging, monkeypatch):
    write_archive(tmp_path / "a.zip", sample_files())
    monkeypatch.setattr(archive_read.shutil, "disk_usage",
                        lambda p: type("U", (), {"free": 10})())
    with pytest.raises(MediaError, match="暂存空间不足"):
        extract_archive(tmp_path / "a.zip", staging, limits=SMALL)
    assert not list(staging.iterdir())


# ---------------------------------------------------------------- case 13: manifest

def _mutated(mutate):
    files = sample_files()
    manifest = manifest_for(files)
    mutate(files, manifest)
    return files, manifest


def _add_extra(files, manifest):
    files["records/extra.jsonl"] = b"{}\n"


def _drop_entry(files, manifest):
    del files["acks.json"]


def _wrong_hash(files, manifest):
    manifest["sha256"]["records/talk.jsonl"] = "0" * 64


def _wrong_count(files, manifest):
    manifest["counts"]["talk"] = 19


def _wrong_size(files, manifest):
    manifest["size"]["acks.json"] += 1


def _renamed_blob(files, manifest):
    name = next(n for n in files if n.startswith("attachments/"))
    files["attachments/" + "0" * 64] = files.pop(name)
    manifest.update(manifest_for(files))


def _attachment_list_wrong(files, manifest):
    manifest["attachments"][0]["size"] += 1


def _no_attachment_list(files, manifest):
    manifest["attachments"] = []


def _torn_last_line(files, manifest):
    files["records/talk.jsonl"] = files["records/talk.jsonl"][:-1]
    manifest.update(manifest_for(files))


def _tables_order_missing(files, manifest):
    manifest["tables"] = []


@pytest.mark.parametrize("mutate", [_add_extra, _drop_entry, _wrong_hash, _wrong_count,
                                    _wrong_size, _renamed_blob, _attachment_list_wrong,
                                    _no_attachment_list, _torn_last_line,
                                    _tables_order_missing])
def test_manifest_mismatches(tmp_path, staging, mutate):
    files, manifest = _mutated(mutate)
    write_archive(tmp_path / "a.zip", files, manifest)
    refused(tmp_path / "a.zip", staging, "manifest_mismatch")


def test_missing_or_malformed_manifest(tmp_path, staging):
    write_raw_zip(tmp_path / "a.zip", [deflated(n, d) for n, d in sample_files().items()])
    refused(tmp_path / "a.zip", staging, "manifest_mismatch")
    write_raw_zip(tmp_path / "b.zip", [deflated("manifest.json", b"[" * 50 + b"]" * 50)])
    refused(tmp_path / "b.zip", staging, "manifest_mismatch")


def test_corrupt_entry_data_and_crc(tmp_path, staging):
    files = sample_files()
    entries = [deflated(n, d) for n, d in files.items()]
    entries.append(deflated("manifest.json", canonical_json(manifest_for(files))))
    entries[0].crc ^= 1
    write_raw_zip(tmp_path / "a.zip", entries)
    assert "CRC" in str(refused(tmp_path / "a.zip", staging, "bad_archive"))


# ---------------------------------------------------------------- staged JSONL reading

def test_iter_jsonl_caps(tmp_path):
    path = tmp_path / "t.jsonl"
    for content in (b'{"a":"' + b"x" * 5000 + b'"}\n', b"[1]\n", b"{bad}\n", b'{"a":1}'):
        path.write_bytes(content)
        with pytest.raises(PackageRejected):
            list(iter_jsonl(path, max_line_bytes=4096))
