"""Which Qt files a frozen build keeps (packaging/taizhang.spec).

PyInstaller's PySide6 hooks collect the plugins and translations of every Qt
module that is imported anywhere; the program uses QtCore, QtGui, QtWidgets,
QtPrintSupport, QtPdf, QtPdfWidgets, QtCharts (report charts), QtSvg (the icon)
and QtNetwork (the single-instance lock). Everything else (Qml, Quick, WebEngine, virtual keyboard,
SQL drivers, multimedia, 3D…) goes, and of 300 translation files only
qtbase_zh_CN stays. Names are matched case-insensitively on the path inside the
bundle, so one list serves Windows (Qt6Qml.dll) and Linux (libQt6Qml.so.6).
"""
from __future__ import annotations

import re

# The Qt modules the program uses (tests/core/test_packaging.py checks every import in
# ui/ and desktop_app/ against it); QtCharts brings OpenGL and OpenGLWidgets.
USED_QT = ("core", "gui", "widgets", "printsupport", "pdf", "pdfwidgets", "svg", "svgwidgets",
           "network", "charts", "opengl", "openglwidgets", "dbus", "xcbqpa")
UNUSED_QT = ("qml", "quick", "webengine", "webchannel", "webview", "virtualkeyboard", "3d",
             "multimedia", "spatialaudio", "texttospeech", "charts", "datavisualization",
             "graphs", "designer", "help", "location", "positioning", "sensors", "serialport",
             "serialbus", "bluetooth", "nfc", "remoteobjects", "scxml", "statemachine", "sql",
             "test", "uitools", "httpserver", "websockets", "networkauth", "lottie", "shadertools",
             "labs", "canvaspainter", "pdfquick", "ffmpeg", "opengl", "xml", "eglfs",
             "wayland", "wlshell")
UNUSED_PLUGINS = ("sqldrivers", "qmltooling", "qmllint", "multimedia", "texttospeech", "sensors",
                  "position", "geoservices", "sceneparsers", "geometryloaders", "renderers",
                  "renderplugins", "assetimporters", "canbus", "designer", "scxmldatamodel",
                  "webview", "virtualkeyboard", "networkinformation", "tls",
                  "wayland-graphics-integration-server", "egldeviceintegrations",
                  "vectorimageformats", "generic", "wayland-graphics-integration-client",
                  "wayland-shell-integration", "wayland-decoration-client")
# Single plugins that pull in what the program does not need: the GTK theme (GTK, pango,
# cairo: the program's own dialogs are used), embedded-device platforms, image formats no
# attachment preview needs, the virtual keyboard.
UNUSED_PLUGIN_FILES = ("qgtk3", "virtualkeyboard", "qeglfs", "qlinuxfb", "qvnc", "qvkkhrdisplay",
                       "qminimalegl", "qtiff", "qwebp", "qwbmp", "qtga", "qicns", "imageformats/libqpdf",
                       "imageformats/qpdf", "qwayland")
# Windows: software OpenGL (20 MB) and the shader compiler serve Qt Quick and OpenGL
# widgets, which the program does not use.
WINDOWS_UNUSED = ("opengl32sw.dll", "d3dcompiler_")
# Linux: the printing stack, the session bus, fonts and GLib are the desktop's own (CUPS
# with the TLS and Kerberos libraries it links to; D-Bus with systemd's library;
# fontconfig and FreeType, which must read the system's own font configuration; GLib):
# every UOS or Kylin desktop has them, and a bundled copy (16 MB) could disagree with the
# system's (cupsd, /etc/fonts). Without libcups the print dialog still prints to PDF.
SYSTEM_LIBS = ("libdbus-1.", "libsystemd.", "libgcrypt.", "libgpg-error.", "liblz4.", "libcap.",
               "libfontconfig.", "libfreetype.", "libpng16.", "libbrotlidec.", "libbrotlicommon.",
               "libglib-2.0.", "libgthread-2.0.", "libpcre2-8.",
               "libcups.", "libgnutls.", "libnettle.", "libhogweed.", "libgmp.", "libp11-kit.",
               "libtasn1.", "libidn2.", "libunistring.", "libkrb5.", "libkrb5support.",
               "libk5crypto.", "libgssapi_krb5.", "libcom_err.", "libkeyutils.", "libavahi-")
KEEP_TRANSLATION = "qtbase_zh_cn.qm"


def _qt_module(name: str) -> str | None:
    """'quick' for libQt6Quick.so.6 / Qt6Quick.dll / PySide6/QtQuick.abi3.so, else None."""
    m = re.search(r"(?:^|/)(?:lib)?qt6([a-z0-9]+)[.]", name)
    if m:
        return m.group(1)
    m = re.search(r"(?:^|/)qt([a-z0-9]+)[.](?:abi3[.]so|pyd|pyi|so)", name)
    return m.group(1) if m else None


def _unused_module(module: str) -> bool:
    if module in USED_QT:
        return False
    return any(module.startswith(u) for u in UNUSED_QT)


def keep_binary(dest: str) -> bool:
    name = dest.replace("\\", "/").lower()
    parts = name.split("/")
    if "plugins" in parts:
        folder = parts[parts.index("plugins") + 1] if parts.index("plugins") + 1 < len(parts) else ""
        if folder in UNUSED_PLUGINS or any(f in name for f in UNUSED_PLUGIN_FILES):
            return False
    if "qml" in parts:
        return False
    if "/" not in name and name.startswith(SYSTEM_LIBS):
        return False
    if parts[-1].startswith(WINDOWS_UNUSED):
        return False
    module = _qt_module(name)
    return module is None or not _unused_module(module)


def keep_data(dest: str) -> bool:
    name = dest.replace("\\", "/").lower()
    parts = name.split("/")
    if "translations" in parts and name.endswith(".qm"):
        return parts[-1] == KEEP_TRANSLATION
    if "qml" in parts or "resources" in parts and "qtwebengine" in name:
        return False
    return keep_binary(dest)


def prune_unreferenced(binaries: list, get_imports) -> list:
    """Drop the shared libraries nothing kept links to.

    PyInstaller resolves the dependencies of every collected plugin before the
    filter above removes the plugin (the GTK theme brings GTK's pango, cairo, atk…),
    so after filtering, only the libraries reachable from what is kept (Python
    extension modules, PySide6's and Qt's own libraries and plugins) stay.
    ``get_imports(path)`` is PyInstaller's bindepend.get_imports.
    """
    def base(dest: str) -> str:
        return dest.replace("\\", "/").rsplit("/", 1)[-1].lower()

    by_name = {}
    for dest, src, kind in binaries:
        if kind != "SYMLINK":
            by_name.setdefault(base(dest), src)
    roots = [src for dest, src, kind in binaries
             if kind == "EXTENSION" or (kind == "BINARY" and "/" in dest.replace("\\", "/"))
             or base(dest).startswith(("libpython", "python3", "libshiboken", "shiboken", "libpyside",
                                       "pyside"))]
    reached, todo = set(), list(roots)
    while todo:
        src = todo.pop()
        for name, path in get_imports(src):
            key = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
            if key in reached:
                continue
            reached.add(key)
            if key in by_name:
                todo.append(by_name[key])
    kept = []
    for dest, src, kind in binaries:
        top_level = "/" not in dest.replace("\\", "/")
        if kind == "SYMLINK" or (kind == "BINARY" and top_level):
            if base(dest) not in reached and not base(dest).startswith(("libpython", "python3")):
                continue
        kept.append((dest, src, kind))
    return kept
