"""A portable copy (the marker file beside the executable): its data lives beside the
program, and the workstation keeps its exchange identity when the USB drive gets
another letter or mount point, but not when the folder is copied to another drive."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from desktop_app import paths
from desktop_app.services.office import init_office
from desktop_app.services.session import open_session


def _drive(tmp_path: Path, letter: str) -> Path:
    app = tmp_path / letter / "监督台账"
    app.mkdir(parents=True)
    (app / "taizhang.exe").write_bytes(b"")
    (app / paths.PORTABLE_MARKER).write_text("便携版", encoding="utf-8")
    return app


@pytest.fixture
def frozen(monkeypatch):
    monkeypatch.setattr(sys, "frozen", True, raising=False)

    def run_from(app: Path, volume: str):
        monkeypatch.setattr(sys, "executable", str(app / "taizhang.exe"))
        mount = app.parent
        monkeypatch.setattr(paths, "_volume_of", lambda target: (mount, volume))
    return run_from


def _instance(data_dir: Path) -> str:
    s = open_session(data_dir)
    try:
        return s.instance
    finally:
        s.close()


def test_data_lives_beside_the_program_when_the_marker_is_there(tmp_path, frozen):
    app = _drive(tmp_path, "E")
    frozen(app, "1A2B3C4D")
    assert paths.default_data_dir() == app / "data"
    assert paths.demo_data_dir() == app / "demo-data"
    (app / paths.PORTABLE_MARKER).unlink()
    assert paths.default_data_dir() != app / "data"


def test_another_drive_letter_keeps_the_identity_a_copy_on_another_drive_does_not(tmp_path, frozen):
    e = _drive(tmp_path, "E")
    frozen(e, "1A2B3C4D")
    init_office(paths.default_data_dir(), "便携测试县纪委监委", "990003").close()
    first = _instance(paths.default_data_dir())
    assert _instance(paths.default_data_dir()) == first

    f = tmp_path / "F" / "监督台账"                   # the same stick, another letter
    shutil.move(str(e.parent), str(f.parent))
    frozen(f, "1A2B3C4D")
    assert _instance(paths.default_data_dir()) == first

    g = _drive(tmp_path, "G")                          # copied onto another stick
    shutil.rmtree(g)
    shutil.copytree(f, g)
    frozen(g, "99887766")
    assert _instance(paths.default_data_dir()) != first


def test_the_key_is_the_volume_and_the_path_inside_it():
    a = paths.portable_key(Path("/media/u/STICK/监督台账/data/taizhang.db"), Path("/media/u/STICK"), "uuid-1")
    b = paths.portable_key(Path("/run/media/u/STICK1/监督台账/data/taizhang.db"), Path("/run/media/u/STICK1"),
                           "uuid-1")
    assert a == b == "portable|uuid-1|监督台账/data/taizhang.db"


def test_an_installed_copy_is_not_portable(tmp_path):
    assert paths.portable_identity(tmp_path / "taizhang.db") is None
