"""Reading a spreadsheet someone brings in (.xlsx, .xls incl. WPS .et saved as .xls,
.ods, .csv) into a plain grid of values plus its merged ranges, refusing what is
not safe or not a table with one Chinese line.

Reader: python-calamine, one maintained Rust reader for xlsx/xls/ods, several
times faster than openpyxl at reading, and it reports merged ranges for xlsx, xls
and ods alike (openpyxl's read-only mode reports none, and xlrd reads only .xls):
header detection needs them. It never evaluates a formula: a formula cell gives
the value the file saved with it (empty when the writer saved none), macros are
never run, external links are not followed.

Bounds: the file size, the total unpacked size and packing ratio of a zip-based
file (a zip bomb named .xlsx is refused before it is unpacked), and the number of
rows (counted while reading a CSV; from the sheet's size otherwise).
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.errors import UserFacingError, reason

MAX_FILE_BYTES = 60 * 1024 * 1024
MAX_UNPACKED_BYTES = 300 * 1024 * 1024
MAX_RATIO = 200
MAX_ROWS = 50_000
MAX_COLS = 200
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
SUFFIXES = (".xlsx", ".xls", ".et", ".ods", ".csv")


@dataclass
class Grid:
    """One sheet: rows of cell values (str, float, int, bool, date, datetime or ''),
    merged ranges as (row0, col0, row1, col1) inclusive, and what the reader noticed."""
    name: str
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sheet_names: list[str] = field(default_factory=list)


def _refuse(path: Path, why: str) -> UserFacingError:
    return UserFacingError(f"不能导入“{path.name}”：{why}")


def read_grid(path: Path | str, sheet: str | None = None) -> Grid:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsm", ".xltm", ".xlsb"):
        raise _refuse(path, "不接受带宏的工作簿（.xlsm/.xlsb），请在 Excel 或 WPS 中另存为 .xlsx 后再导入。")
    if suffix not in SUFFIXES:
        raise _refuse(path, "只能导入 .xlsx、.xls、.et、.ods 或 .csv 文件。")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(512)
    except FileNotFoundError:
        raise _refuse(path, "找不到这个文件。") from None
    except OSError as exc:
        raise _refuse(path, f"无法读取（{reason(exc)}）。") from None
    if size > MAX_FILE_BYTES:
        raise _refuse(path, f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB，请拆分后分批导入。")
    if size == 0:
        raise _refuse(path, "文件是空的。")
    if suffix == ".csv":
        return _read_csv(path)
    _sniff(path, suffix, head)
    notes = _check_zip(path) if head.startswith(ZIP) else []
    return _read_book(path, sheet, notes)


def _sniff(path: Path, suffix: str, head: bytes) -> None:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<", b"<!doctype")) and (b"html" in text or b"<table" in text or b"<?xml" in text):
        raise _refuse(path, "它其实是网页（HTML）文件，只是扩展名为 .xls（很多系统这样导出）。"
                            "请用 Excel 或 WPS 打开后另存为 .xlsx 再导入。")
    if suffix in (".xls", ".et") and not head.startswith(OLE):
        if head.startswith(ZIP):
            raise _refuse(path, "扩展名是 .xls，内容却是 .xlsx，请把扩展名改为 .xlsx 后再导入。")
        raise _refuse(path, "它不是 Excel 97-2003 工作簿（.xls）。WPS 的 .et 请另存为 .xlsx 或 .xls 再导入。")
    if suffix in (".xlsx", ".ods") and not head.startswith(ZIP):
        if head.startswith(OLE):
            raise _refuse(path, f"扩展名是 {suffix}，内容却是 .xls（或加密的工作簿）。请另存为 .xlsx 再导入。")
        raise _refuse(path, f"它不是有效的 {suffix} 文件（文件已损坏或不是表格）。")


def _check_zip(path: Path) -> list[str]:
    """Unpacked sizes are read from the zip directory before anything is unpacked."""
    notes = []
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        raise _refuse(path, "文件已损坏，无法打开。") from None
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > MAX_UNPACKED_BYTES or total / packed > MAX_RATIO and total > 10 * 1024 * 1024:
        raise _refuse(path, "解压后的内容异常巨大（疑似“压缩炸弹”），为安全起见已拒绝。")
    names = {i.filename.lower() for i in infos}
    if any("vbaproject" in n for n in names):
        notes.append("文件中含有宏，宏不会被运行，只读取单元格中的数值。")
    if any(n.startswith("xl/externallinks/") for n in names):
        notes.append("文件中有外部链接，只取保存时的数值，不会去读取链接的文件。")
    return notes


def _read_book(path: Path, sheet: str | None, notes: list[str]) -> Grid:
    import python_calamine as pc
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise _refuse(path, "工作簿设有打开密码，请先取消密码后再导入。") from None
    except Exception as exc:     # calamine's errors have no common base: name it in the log only
        if path.suffix.lower() == ".et":
            raise _refuse(path, "这是 WPS 表格自己的 .et 格式，请在 WPS 中另存为 .xlsx 或 .xls 后再导入。") from None
        raise _refuse(path, f"文件已损坏或格式不受支持（{type(exc).__name__}）。") from None
    try:
        metas = [m for m in wb.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
        visible = [m.name for m in metas if m.visible == pc.SheetVisibleEnum.Visible]
        hidden = [m.name for m in metas if m.name not in visible]
        if sheet is not None:
            if sheet in hidden:
                raise _refuse(path, f"工作表“{sheet}”是隐藏的；请先在 Excel 中取消隐藏并核对后再导入。")
            if sheet not in visible:
                raise _refuse(path, f"没有名为“{sheet}”的工作表（有：{'、'.join(visible)}）。")
            name = sheet
        elif visible:
            name = visible[0]
        else:
            raise _refuse(path, "没有可见的工作表。")
        if hidden:
            notes.append(f"已忽略隐藏的工作表：{'、'.join(hidden)}。")
        ws = wb.get_sheet_by_name(name)
        if ws.total_height > MAX_ROWS + 50 or ws.height > MAX_ROWS + 50:
            raise _refuse(path, f"工作表有 {max(ws.total_height, ws.height)} 行，超过一次导入的上限"
                                f" {MAX_ROWS} 行，请拆分后分批导入。")
        if ws.width > MAX_COLS:
            raise _refuse(path, f"工作表有 {ws.width} 列，超过上限 {MAX_COLS} 列。")
        rows = ws.to_python(skip_empty_area=False)
        merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (ws.merged_cell_ranges or [])]
    finally:
        wb.close()
    if len(merged) > 20_000:
        raise _refuse(path, "合并单元格过多，请取消合并后再导入。")
    return Grid(name, rows, merged, notes, visible)


def _read_csv(path: Path) -> Grid:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refuse(path, "无法识别文字编码（应为 UTF-8 或 GBK/GB18030）。")
    if "\x00" in text[:4096]:
        raise _refuse(path, "它不是文本格式的 CSV 文件。")
    rows = []
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",\t;") if text.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    for row in csv.reader(io.StringIO(text, newline=""), dialect):
        rows.append(row[:MAX_COLS + 1])
        if len(rows) > MAX_ROWS + 50:
            raise _refuse(path, f"CSV 超过一次导入的上限 {MAX_ROWS} 行，请拆分后分批导入。")
    notes = [] if encoding == "utf-8-sig" else ["按 GBK/GB18030 编码读取。"]
    return Grid(path.stem, rows, [], notes, [path.stem])
