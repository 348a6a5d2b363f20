#!/bin/sh
# Adds 监督台账 to this user's application menu and desktop (no root needed).
# Run it again after moving this folder; "--remove" takes the entries away (data stays).
set -eu
BUNDLE=$(cd "$(dirname "$0")" && pwd)
APPS="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
DESKTOP_DIR=$(xdg-user-dir DESKTOP 2>/dev/null || echo "$HOME/Desktop")
if [ "${1:-}" = "--remove" ]; then
  rm -f "$APPS/taizhang.desktop" "$DESKTOP_DIR/taizhang.desktop"
  echo "已删除菜单和桌面上的“监督台账”。数据没有删除。"
  exit 0
fi
mkdir -p "$APPS"
sed "s#@BUNDLE@#$BUNDLE#g" "$BUNDLE/taizhang.desktop.in" > "$APPS/taizhang.desktop"
chmod +x "$APPS/taizhang.desktop"
if [ -d "$DESKTOP_DIR" ]; then
  cp "$APPS/taizhang.desktop" "$DESKTOP_DIR/taizhang.desktop"
  chmod +x "$DESKTOP_DIR/taizhang.desktop"
  # GNOME-based desktops (UOS, Kylin) ask before starting an untrusted launcher.
  gio set "$DESKTOP_DIR/taizhang.desktop" metadata::trusted true 2>/dev/null || true
fi
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$APPS" 2>/dev/null || true
echo "已添加到应用菜单和桌面：$APPS/taizhang.desktop"
