"""A process killed mid-import and mid-export (exchange.md §4.A-16/18): the database
as it was, the work folder cleaned at the next start, the half-written package on the
drive ignored, and the import or export done again works."""
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app.exchange.housekeeping import work_root
from desktop_app.exchange.media import list_packages
from sync_kit import county_records, make_node, trust

ROOT = Path(__file__).resolve().parents[3]
KIT = Path(__file__).resolve().parent

CHILD = r"""
import os, signal, sys
sys.path[:0] = [sys.argv[5], sys.argv[6]]
from desktop_app.services.session import open_session
from desktop_app.exchange import apply, media, offices
from sync_kit import ADMIN, FAST, PASS
mode, data_dir, target, drive = sys.argv[1:5]
s = open_session(data_dir)
key = offices.load_signing_key(s, ADMIN)
die = lambda: os.kill(os.getpid(), signal.SIGKILL)
if mode == "import":
    seen, store = [0], apply.Writer.store
    def dying_store(self, *a, **kw):
        seen[0] += 1
        if seen[0] == 3:
            die()
        return store(self, *a, **kw)
    apply.Writer.store = dying_store
    from desktop_app.exchange.importer import import_package
    import_package(s, target, PASS, signing_key=key, kdf_cost=FAST)
else:
    def dying_copy(fin, fout, meter, src, dst):
        fout.write(fin.read(4096))
        fout.flush()
        die()
    media._copy_streams = dying_copy
    from desktop_app.exchange.export import export_for
    export_for(s, target, drive, PASS, key, kdf_cost=FAST)
"""

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def run_child(mode: str, data_dir: Path, target, drive: Path) -> int:
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(data_dir), str(target),
                           str(drive), str(ROOT), str(KIT)], capture_output=True, timeout=120)
    return proc.returncode


@pytest.fixture
def pair(tmp_path):
    county = make_node(tmp_path, "county", "CNTY-A", "甲县纪委监委")
    city = make_node(tmp_path, "city", "CITY", "乙市纪委监委")
    trust(county, city)
    county_records(county)
    yield county, city, tmp_path
    county.close()
    city.close()


def test_killed_mid_import(pair):
    county, city, tmp = pair
    pkg = county.export(city, tmp / "drive").packages[0]
    before = city.digest()
    city.close()
    assert run_child("import", city.data_dir, pkg, tmp / "drive") == -signal.SIGKILL
    left = list(work_root(city.data_dir).iterdir())
    assert len(left) == 1                          # the dead import's staging
    city.open()
    assert city.digest() == before
    summary = city.import_(pkg)
    assert summary["new"] == 3 and not left[0].exists()


def test_killed_mid_export(pair):
    county, city, tmp = pair
    drive = tmp / "drive"
    drive.mkdir()
    before = county.digest()
    county.close()
    assert run_child("export", county.data_dir, "CITY", drive) == -signal.SIGKILL
    assert [p.name.endswith(".tzx.partial") for p in drive.iterdir()] == [True]
    assert list_packages(drive) == []
    county.open()
    assert county.digest() == before               # no export_log, peer_knowledge as was
    result = county.export(city, drive)
    assert city.import_(result.packages[0])["new"] == 3
    assert not list(work_root(county.data_dir).iterdir())
