"""What the frozen build keeps (packaging/qtfilter.py), the version resource and the
icon: the parts of packaging/ that run without PyInstaller. The build itself is
checked by .ci/run (packaging/build.sh + packaging/smoke_test.py)."""
from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))

import qtfilter  # noqa: E402
import versioninfo  # noqa: E402


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt6Widgets.dll", "PySide6/Qt/lib/libQt6PdfWidgets.so.6",
    "PySide6/QtPrintSupport.abi3.so", "PySide6/QtPdf.pyd", "PySide6/Qt/lib/libQt6Svg.so.6",
    "PySide6/Qt/lib/libQt6Network.so.6", "PySide6/Qt/plugins/platforms/libqxcb.so",
    "PySide6/plugins/platforms/qwindows.dll", "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
    "PySide6/Qt/plugins/imageformats/libqsvg.so", "PySide6/plugins/printsupport/windowsprintersupport.dll",
    "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", "libpython3.11.so.1.0",
    "cryptography/hazmat/bindings/_rust.abi3.so",
])
def test_what_the_program_uses_is_kept(dest):
    assert qtfilter.keep_binary(dest)


@pytest.mark.parametrize("dest", [
    "PySide6/Qt/lib/libQt6Qml.so.6", "PySide6/Qt6Quick.dll", "PySide6/Qt/lib/libQt6WebEngineCore.so.6",
    "PySide6/Qt/lib/libQt6VirtualKeyboard.so.6", "PySide6/Qt/lib/libQt6ChartsQml.so.6",
    "PySide6/QtQml.abi3.so", "PySide6/Qt/plugins/sqldrivers/libqsqlite.so",
    "PySide6/plugins/sqldrivers/qsqlodbc.dll", "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
    "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PySide6/Qt/lib/libQt6WaylandClient.so.6", "libcups.so.2", "libgnutls.so.30", "libfontconfig.so.1",
])
def test_what_it_does_not_use_goes(dest):
    assert not qtfilter.keep_binary(dest)


def test_only_the_qtbase_chinese_translation_stays():
    assert qtfilter.keep_data("PySide6/Qt/translations/qtbase_zh_CN.qm")
    assert qtfilter.keep_data("PySide6/translations/qtbase_zh_CN.qm")
    for other in ("qt_zh_CN.qm", "qtbase_de.qm", "qtdeclarative_zh_CN.qm", "qtwebengine_zh_CN.qm"):
        assert not qtfilter.keep_data(f"PySide6/Qt/translations/{other}")
    assert qtfilter.keep_data("resources/letters/fonts.json")


def test_libraries_nothing_kept_links_to_are_dropped():
    links = {"/x/QtCore.abi3.so": [("libQt6Core.so.6", "/q/libQt6Core.so.6")],
             "/q/libQt6Core.so.6": [("libicuuc.so.73", "/q/libicuuc.so.73")],
             "/q/libicuuc.so.73": [], "/s/libpango.so": [], "/s/libpython3.11.so": []}
    binaries = [("PySide6/QtCore.abi3.so", "/x/QtCore.abi3.so", "EXTENSION"),
                ("PySide6/Qt/lib/libQt6Core.so.6", "/q/libQt6Core.so.6", "BINARY"),
                ("libicuuc.so.73", "/q/libicuuc.so.73", "BINARY"),
                ("libpango.so", "/s/libpango.so", "BINARY"),          # only the GTK theme wanted it
                ("libpython3.11.so", "/s/libpython3.11.so", "BINARY"),
                ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK")]
    kept = qtfilter.prune_unreferenced(binaries, lambda path: links[path])
    assert [d for d, _, _ in kept] == ["PySide6/QtCore.abi3.so", "PySide6/Qt/lib/libQt6Core.so.6",
                                       "libicuuc.so.73", "libpython3.11.so", "libQt6Core.so.6"]


def test_version_resource_carries_the_program_version(tmp_path):
    from desktop_app import __version__
    path = versioninfo.write_version_file(tmp_path / "v.txt", __version__, "监督台账")
    text = path.read_text(encoding="utf-8")
    assert f"StringStruct('FileVersion', '{__version__}')" in text
    assert f"filevers={versioninfo.version_tuple(__version__)}" in text
    assert versioninfo.version_tuple("1.2") == (1, 2, 0, 0)
    compile(text.split("\n", 1)[1], "v.txt", "eval")    # PyInstaller evaluates it as Python


def test_the_committed_icon_has_every_size_windows_asks_for():
    data = (ROOT / "packaging" / "taizhang.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for i in range(count):
        w, h, _, _, _, _, size, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        assert data[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + size <= len(data)
        sizes.add(w or 256)
    assert {16, 24, 32, 48, 256} <= sizes


def test_every_qt_module_the_program_imports_is_kept_and_not_excluded():
    import re
    spec = (ROOT / "packaging" / "taizhang.spec").read_text(encoding="utf-8")
    used = set()
    for folder in ("ui", "desktop_app"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r"PySide6\.Qt([A-Za-z]+)", path.read_text(encoding="utf-8")))
    assert used >= {"Core", "Gui", "Widgets"}
    for module in used:
        assert f'"PySide6.Qt{module}"' not in spec.split("hiddenimports")[0], module
        for dest in (f"PySide6/Qt/lib/libQt6{module}.so.6", f"PySide6/Qt6{module}.dll",
                     f"PySide6/Qt{module}.abi3.so", f"PySide6/Qt{module}.pyd"):
            assert qtfilter.keep_binary(dest), dest


def test_the_portable_zip_carries_the_marker_and_chinese_names(tmp_path):
    import os
    import zipfile

    import make_portable
    bundle = tmp_path / "taizhang"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "监督台账.exe").write_bytes(b"MZ")
    (bundle / "taizhang.exe").write_bytes(b"MZ")
    (bundle / "_internal" / "libQt6Core.so.6.real").write_bytes(b"\x7fELF")
    os.symlink("libQt6Core.so.6.real", bundle / "_internal" / "libQt6Core.so.6")
    out = make_portable.make_portable(bundle, tmp_path / "dist" / "p.zip")
    with zipfile.ZipFile(out) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        assert "taizhang/taizhang-portable.txt" in infos
        assert infos["taizhang/监督台账.exe"].flag_bits & 0x800          # UTF-8 name flag
        link = infos["taizhang/_internal/libQt6Core.so.6"]
        assert (link.external_attr >> 16) & 0o170000 == 0o120000       # stored as a link
        assert zf.read(link) == b"libQt6Core.so.6.real"
