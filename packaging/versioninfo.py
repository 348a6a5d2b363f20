"""The Windows version resource of both executables (file properties → 详细信息)."""
from __future__ import annotations

from pathlib import Path

TEMPLATE = """# UTF-8
VSVersionInfo(
  ffi=FixedFileInfo(filevers={tup}, prodvers={tup}, mask=0x3f, flags=0x0, OS=0x40004,
                    fileType=0x1, subtype=0x0, date=(0, 0)),
  kids=[
    StringFileInfo([StringTable('080404b0', [
      StringStruct('CompanyName', '县级纪委监委'),
      StringStruct('FileDescription', '{title}：日常监督工作台账（离线）'),
      StringStruct('FileVersion', '{version}'),
      StringStruct('InternalName', 'taizhang'),
      StringStruct('LegalCopyright', ''),
      StringStruct('OriginalFilename', 'taizhang.exe'),
      StringStruct('ProductName', '{title}'),
      StringStruct('ProductVersion', '{version}')])]),
    VarFileInfo([VarStruct('Translation', [2052, 1200])])
  ]
)
"""


def version_tuple(version: str) -> tuple[int, int, int, int]:
    numbers = [int(part) for part in version.split(".")[:4] if part.isdigit()]
    return tuple((numbers + [0, 0, 0, 0])[:4])


def write_version_file(path: Path, version: str, title: str) -> Path:
    path.write_text(TEMPLATE.format(tup=version_tuple(version), version=version, title=title),
                    encoding="utf-8")
    return path
