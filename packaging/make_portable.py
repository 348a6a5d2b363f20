"""The portable zip: the one-folder program plus the marker that keeps its data beside it.

    python packaging/make_portable.py dist/taizhang dist/taizhang-0.1.0-portable-win64.zip

Python's zipfile marks non-ASCII names as UTF-8, so 监督台账.exe unpacks with its name on
every Windows (PowerShell 5's Compress-Archive does not). Symbolic links (Linux) are
stored as links.
"""
from __future__ import annotations

import os
import stat
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARKER = "taizhang-portable.txt"


def make_portable(bundle: Path, target: Path) -> Path:
    top = "taizhang"
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in sorted(bundle.rglob("*")):
            name = f"{top}/{path.relative_to(bundle).as_posix()}"
            if path.is_symlink():
                info = zipfile.ZipInfo(name)
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                zf.writestr(info, os.readlink(path))
            elif path.is_file():
                zf.write(path, name)
        zf.write(HERE / "portable" / MARKER, f"{top}/{MARKER}")
    return target


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out = make_portable(Path(sys.argv[1]), Path(sys.argv[2]))
    sys.stdout.write(f"{out} ({out.stat().st_size / 1048576:.1f} MiB)\n")
