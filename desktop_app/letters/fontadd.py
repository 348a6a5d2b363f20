"""An office adds a font file it owns: checked, then kept in the data folder.

The copy lives in ``<data folder>/fonts`` and is found before system fonts
(``get_fonts(added_dir=…)``), so a 仿宋_GB2312 bought or copied from the office's own
Windows PC serves the 仿宋 role on every machine that opens the data folder. The
program itself ships no Microsoft or Founder font; what is added is the office's.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from desktop_app.errors import UserFacingError

from .fontscan import CFF, TRUETYPE, FontFace, read_faces

FONT_DIR = "fonts"
_NO_EMBED = 0x0002  # OS/2 fsType "restricted licence embedding"


@dataclass(frozen=True)
class AddedFont:
    path: Path
    faces: tuple[FontFace, ...]
    styles: tuple[str, ...]
    already: bool = False

    def to_text(self) -> str:
        names = "、".join(f"{f.label}（{s}）" for f, s in zip(self.faces, self.styles))
        verb = "已在本单位字体中" if self.already else "已添加"
        return f"{verb}：{names} — {self.path}"


def font_dir(data_dir: Path) -> Path:
    return Path(data_dir) / FONT_DIR


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check_font_file(source: Path) -> list[FontFace]:
    """The usable CJK faces of a file, or one Chinese message saying why not."""
    if not source.is_file():
        raise UserFacingError(f"找不到字体文件：{source}")
    if not source.name.lower().endswith((".ttf", ".ttc", ".otf", ".otc")):
        raise UserFacingError(f"不是字体文件：{source.name}（应为 .ttf 或 .ttc）")
    try:
        faces = read_faces(str(source))
    except Exception:  # fontTools raises many kinds of errors on a broken file
        faces = []
    if not faces:
        raise UserFacingError(f"无法读取字体文件：{source.name}（文件可能已损坏）")
    if all(f.outline == CFF for f in faces):
        raise UserFacingError(f"{source.name} 是 CFF（PostScript）轮廓的 OpenType 字体，无法嵌入 PDF；"
                              "请改用同一字体的 TrueType（.ttf）版本")
    usable = [f for f in faces if f.outline == TRUETYPE and f.cjk]
    if not usable:
        raise UserFacingError(f"{source.name} 不含中文字形，不能用于公文")
    if all(f.fs_type & _NO_EMBED for f in usable):
        raise UserFacingError(f"{source.name} 的授权不允许嵌入文档（fsType 限制），不能用于生成 PDF")
    return usable


def add_font(source: Path, data_dir: Path) -> AddedFont:
    """Copy a checked font file into the data folder; a failed copy leaves nothing."""
    from .fonts import face_style, forget_fonts

    source = Path(source)
    faces = check_font_file(source)
    target_dir = font_dir(data_dir)
    target = target_dir / source.name
    styles = tuple(face_style(f) for f in faces)
    if target.exists():
        if _digest(target) == _digest(source):
            return AddedFont(target, tuple(faces), styles, already=True)
        raise UserFacingError(f"本单位字体中已有同名文件 {source.name}，内容不同；请改名后再添加")
    target_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".font-", suffix=".tmp", dir=target_dir)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserFacingError(f"无法复制字体文件到 {target_dir}：{exc.strerror or exc}") from exc
    forget_fonts()
    placed = tuple(FontFace(str(target), f.index, f.names, f.outline, f.cjk, f.fs_type, f.dash_mid, f.punct_ink)
                   for f in faces)
    return AddedFont(target, placed, styles)
