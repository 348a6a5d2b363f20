#!/usr/bin/env bash
# Linux build (UOS, Kylin, Debian/Ubuntu x86_64): the one-folder program and its tarball.
#
#   bash packaging/build.sh            # uses .venv (made by .ci/run or by this script)
#
# Gives dist/taizhang/ (taizhang = command line, 监督台账 = window) and
# dist/taizhang-<version>-linux-x86_64.tar.gz with install-desktop-entry.sh and the
# portable marker explained in packaging/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-.venv/bin/python}
if [ ! -x "$PY" ]; then
  python3 -m venv .venv
  PY=.venv/bin/python
fi
if [ -z "${SKIP_INSTALL:-}" ]; then
  "$PY" -m pip install -q -e '.[build]'
fi

VERSION=$("$PY" -c "import desktop_app; print(desktop_app.__version__)")
DIST=${DIST:-dist}
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$DIST" --workpath "${BUILD_DIR:-build/pyinstaller}" packaging/taizhang.spec

BUNDLE="$DIST/taizhang"
cp packaging/linux/install-desktop-entry.sh "$BUNDLE/"
cp packaging/linux/taizhang.desktop.in "$BUNDLE/"
cp resources/icons/taizhang.svg "$BUNDLE/taizhang.svg"
cp packaging/使用说明.txt "$BUNDLE/"
chmod +x "$BUNDLE/install-desktop-entry.sh"

TARBALL="$DIST/taizhang-$VERSION-linux-x86_64.tar.gz"
tar -C "$DIST" -czf "$TARBALL" taizhang
echo "built $BUNDLE ($(du -sh "$BUNDLE" | cut -f1)) and $TARBALL ($(du -sh "$TARBALL" | cut -f1))"
