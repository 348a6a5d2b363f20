"""Drive copies, staging and listing: exchange.md §4.A cases 16, 17 and 19, plus an
end-to-end run of the whole package layer."""
import errno
import io
import os

import pytest

from desktop_app.errors import Cancelled
from desktop_app.exchange import media
from desktop_app.exchange.archive import ArchiveWriter
from desktop_app.exchange.archive_read import extract_archive, iter_jsonl
from desktop_app.exchange.errors import MediaError, PackageRejected
from desktop_app.exchange.limits import FAT32_MAX_FILE
from desktop_app.exchange.media import (clean_staging, copy_to_media, list_packages,
                                        new_staging_dir, package_filename,
                                        receipt_filename, remove_partials, stage_copy)
from desktop_app.exchange.package import verify_and_decrypt
from exchange_testkit import (FailingWriter, Provider, make_package, zero_bomb)


@pytest.fixture
def drive(tmp_path):
    path = tmp_path / "drive"
    path.mkdir()
    return path


@pytest.fixture
def built(tmp_path, county_key):
    header = {"sender": "CNTY-07", "recipient": "CITY", "seq": 12}
    info = make_package(tmp_path / "local.tzx", county_key, os.urandom(300_000), **header)
    name = package_filename("CNTY-07", "CITY", 12, info.header["created_utc"])
    return info, name


def decrypt(path, trusted):
    out = io.BytesIO()
    verify_and_decrypt(path, trusted=trusted, me="CITY", passphrase_provider=Provider(),
                       out_plain=out, known_schema=3)
    return out.getvalue()


def test_file_names():
    assert package_filename("CNTY-07", "CITY", 12, "2026-03-07T08:15:30Z") == \
        "CNTY-07_to_CITY_000012_20260307T081530Z.tzx"
    pid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert receipt_filename("CITY", pid) == f"CITY_receipt_{pid}.tzr"
    for bad in (("cnty", "CITY", 1, "2026-03-07T08:15:30Z"),
                ("CNTY-07", "CITY", 1, "2026-03-07 08:15:30")):
        with pytest.raises(ValueError):
            package_filename(*bad)


def test_copy_to_media_verified_and_listed(built, drive, trusted):
    info, name = built
    result = copy_to_media(info.path, drive, name)
    assert result.path == drive / name and result.size == info.size
    assert sorted(p.name for p in drive.iterdir()) == [name]
    found = list_packages(drive)
    assert [f.path.name for f in found] == [name]
    assert found[0].header["package_id"] == info.package_id
    assert decrypt(result.path, trusted)


# ---------------------------------------------------------------- case 16: yanked drive

def test_error_after_k_bytes_leaves_no_package(built, drive, monkeypatch, trusted):
    info, name = built
    monkeypatch.setattr(media, "_create_file",
                        lambda p: FailingWriter(100_000, OSError(errno.EIO, "I/O error")))
    with pytest.raises(MediaError) as error:
        copy_to_media(info.path, drive, name)
    assert error.value.reason == "io_error" and "U盘" in str(error.value)
    assert list(drive.iterdir()) == []
    monkeypatch.undo()
    assert decrypt(copy_to_media(info.path, drive, name).path, trusted)   # re-export works


def test_partial_left_by_a_kill_is_ignored_and_removable(built, drive):
    info, name = built
    data = info.path.read_bytes()
    (drive / (name + ".partial")).write_bytes(data[:5000])
    (drive / "junk.tzx").write_bytes(b"not a package")
    (drive / "CNTY-07_to_CITY_000013_x.tzx").write_bytes(data[:6])
    assert list_packages(drive) == []
    copy_to_media(info.path, drive, name)
    assert [f.path.name for f in list_packages(drive)] == [name]
    assert remove_partials(drive) == 0          # copy_to_media replaced it
    (drive / "other.tzr.partial").write_bytes(b"x")
    assert remove_partials(drive) == 1


def test_truncated_or_zero_filled_tail_rejected_on_import(built, drive, trusted):
    info, name = built
    target = copy_to_media(info.path, drive, name).path
    data = target.read_bytes()
    target.write_bytes(data[:-1000])
    with pytest.raises(PackageRejected) as error:
        decrypt(target, trusted)
    assert error.value.reason == "truncated"
    target.write_bytes(data[:-4096] + bytes(4096))     # FAT after a yank
    with pytest.raises(PackageRejected) as error:
        decrypt(target, trusted)
    assert error.value.reason == "payload_mismatch"


def test_read_back_mismatch_is_reported(built, drive, monkeypatch):
    info, name = built
    monkeypatch.setattr(media, "_read_back_sha256", lambda path: "0" * 64)
    with pytest.raises(MediaError, match="回读校验") as error:
        copy_to_media(info.path, drive, name)
    assert error.value.reason == "verify_failed"
    assert list(drive.iterdir()) == []


def test_cancel_during_copy_removes_partial(built, drive):
    info, name = built
    with pytest.raises(Cancelled):
        copy_to_media(info.path, drive, name, cancel=lambda: True)
    assert list(drive.iterdir()) == []


def test_free_space_checked_first(built, drive, monkeypatch):
    info, name = built
    monkeypatch.setattr(media.shutil, "disk_usage",
                        lambda p: type("U", (), {"free": 3 * 1024 * 1024 + 5})())
    big = drive.parent / "big.tzx"
    big.write_bytes(b"\0" * (5 * 1024 * 1024 + 1))
    with pytest.raises(MediaError) as error:
        copy_to_media(big, drive, name)
    assert str(error.value) == "U盘空间不足：需要 6 MB，只有 3 MB"
    assert list(drive.iterdir()) == []


def test_fat32_file_size_limit(built, drive, monkeypatch):
    info, name = built
    monkeypatch.setattr(media, "filesystem_type", lambda p: "vfat")
    assert media.max_file_size(drive) == FAT32_MAX_FILE == 4 * 1024 ** 3 - 1
    monkeypatch.setattr(media, "max_file_size", lambda p: 1000)
    with pytest.raises(MediaError, match="FAT32") as error:
        copy_to_media(info.path, drive, name)
    assert error.value.reason == "file_too_large"


def test_filesystem_detection_from_mounts():
    mounts = ["/dev/sda1 / ext4 rw 0 0", "/dev/sdb1 /media/u/my\\040stick vfat rw 0 0",
              "/dev/sdc1 /media/用户/U盘 exfat rw 0 0"]
    assert media.fs_type_from_mounts("/media/u/my stick/a.tzx", mounts) == "vfat"
    assert media.fs_type_from_mounts("/media/用户/U盘", mounts) == "exfat"
    assert media.fs_type_from_mounts("/media/u/my sticker", mounts) == "ext4"
    assert media.filesystem_type(".") is None or isinstance(media.filesystem_type("."), str)


# ---------------------------------------------------------------- case 17: yanked on import

def test_source_deleted_after_staging(built, drive, tmp_path, trusted):
    info, name = built
    on_drive = copy_to_media(info.path, drive, name)
    staging = new_staging_dir(tmp_path / "staging")
    staged, sha256 = stage_copy(on_drive.path, staging)
    assert sha256 == on_drive.sha256 and staged.parent == staging
    on_drive.path.unlink()
    assert decrypt(staged, trusted) == decrypt(info.path, trusted)


# ---------------------------------------------------------------- case 19: disk full

def test_disk_full_while_staging(built, tmp_path, monkeypatch):
    info, _ = built
    staging = new_staging_dir(tmp_path / "staging")
    monkeypatch.setattr(media, "_create_file", lambda p: (
        p.touch(), FailingWriter(50_000, OSError(errno.ENOSPC, "No space left")))[1])
    with pytest.raises(MediaError) as error:
        stage_copy(info.path, staging)
    assert error.value.reason == "disk_full"
    assert str(error.value).startswith("本机磁盘空间不足")
    assert list(staging.iterdir()) == []


def test_disk_full_on_the_drive(built, drive, monkeypatch):
    info, name = built
    monkeypatch.setattr(media, "_create_file",
                        lambda p: FailingWriter(10, OSError(errno.ENOSPC, "No space left")))
    with pytest.raises(MediaError, match="U盘空间不足"):
        copy_to_media(info.path, drive, name)
    assert list(drive.iterdir()) == []


def test_disk_full_while_decrypting(built, trusted):
    info, _ = built
    with pytest.raises(MediaError, match="空间不足"):
        verify_and_decrypt(info.path, trusted=trusted, me="CITY",
                           passphrase_provider=Provider(), known_schema=3,
                           out_plain=FailingWriter(1000, OSError(errno.ENOSPC, "full")))


def test_clean_staging(tmp_path):
    root = tmp_path / "staging"
    old = new_staging_dir(root)
    (old / "x.tzx").write_bytes(b"x")
    os.utime(old, (0, 0))
    fresh = new_staging_dir(root)
    (root / "keep-me").mkdir()
    assert clean_staging(root, older_than_s=3600) == 1
    assert sorted(p.name for p in root.iterdir()) == sorted([fresh.name, "keep-me"])
    assert clean_staging(root) == 1
    assert clean_staging(tmp_path / "missing") == 0


# ---------------------------------------------------------------- end to end

def test_whole_layer_end_to_end(tmp_path, drive, county_key, trusted):
    blob = tmp_path / "scan.pdf"
    blob.write_bytes(b"%PDF-1.4 " + os.urandom(100_000))
    with ArchiveWriter(tmp_path / "inner.zip") as writer:
        writer.add_jsonl("talk", [{"id": f"t{i}", "对象": "张三"} for i in range(100)])
        sha = writer.add_attachment(blob, mime="application/pdf")
        writer.add_acks({"CNTY-07": {"i": 1}})
        writer.finish({"schema_version": 3})
    info = make_package(tmp_path / "out.tzx", county_key,
                        (tmp_path / "inner.zip").read_bytes())
    copy_to_media(info.path, drive, package_filename("CNTY-07", "CITY", 1,
                                                     info.header["created_utc"]))
    found = list_packages(drive)[0]
    staging = new_staging_dir(tmp_path / "staging")
    staged, _ = stage_copy(found.path, staging)
    with open(staging / "inner.zip", "wb") as out:
        verify_and_decrypt(staged, trusted=trusted, me="CITY",
                           passphrase_provider=Provider(), out_plain=out, known_schema=3)
    contents = extract_archive(staging / "inner.zip", staging)
    assert len(list(iter_jsonl(contents.records["talk"]))) == 100
    assert contents.attachments[sha].read_bytes() == blob.read_bytes()


def test_bomb_from_a_trusted_sender_stops_after_decryption(tmp_path, county_key, trusted):
    """A compromised office can sign a bomb; the archive caps still hold after decrypt."""
    from desktop_app.exchange.jsonsafe import canonical_json
    from exchange_testkit import RawEntry, deflated, write_raw_zip
    data, crc = zero_bomb(1 << 30)
    write_raw_zip(tmp_path / "bomb.zip", [
        RawEntry(b"records/bomb.jsonl", data, 8, crc, 1 << 30, len(data)),
        deflated("manifest.json", canonical_json({}))])
    info = make_package(tmp_path / "p.tzx", county_key, (tmp_path / "bomb.zip").read_bytes())
    staging = new_staging_dir(tmp_path / "staging")
    with open(staging / "inner.zip", "wb") as out:
        verify_and_decrypt(info.path, trusted=trusted, me="CITY",
                           passphrase_provider=Provider(), out_plain=out, known_schema=3)
    with pytest.raises(PackageRejected) as error:
        extract_archive(staging / "inner.zip", staging)
    assert error.value.reason == "too_large"
    assert [p.name for p in staging.iterdir()] == ["inner.zip"]
