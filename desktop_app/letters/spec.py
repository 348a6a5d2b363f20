"""LetterSpec: everything a letter prints, validated, independent of where it came from.

``LetterSpec.from_json`` accepts the JSON document described in SPEC.md (written by
hand, by the GUI or by the template filler) and refuses anything doubtful with one
Chinese sentence naming the field — a clerk fixes the spec, not a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Any, Mapping

from desktop_app.errors import ValidationError

from .dates import parse_iso_date
from .docnumber import parse_doc_number


class LetterFormat(StrEnum):
    LETTER = "信函"   # 信函格式 [STD 10.1]
    FILE = "文件"     # the normal 红头 format [STD 7]
    FORM = "表格"     # a record form: title and table, no 版头


FIELD_LABELS = {
    "type": "文种", "office": "发文机关", "number": "文号", "recipient": "主送机关",
    "title": "标题", "body": "正文", "attachments": "附件", "signature": "署名",
    "date": "成文日期", "cc": "抄送", "report_to": "抄报", "sealed": "是否盖章",
    "mark": "内部标志", "note": "附注", "letterhead": "发文机关标志",
    "printed_by": "印发机关", "printed_on": "印发日期", "table": "表格",
    "duplex": "双面印刷（版记置于偶数页）", "landscape": "横排（表格较宽时）",
}
MAX_LEN = {"office": 40, "letterhead": 40, "title": 120, "recipient": 300, "signature": 60,
           "mark": 12, "note": 300, "printed_by": 40, "number": 40}


def _label(key: str) -> str:
    return f"{FIELD_LABELS.get(key, key)}（{key}）"


@dataclass(frozen=True)
class TableCell:
    text: str = ""
    span: int = 1
    lines: int = 1          # minimum text lines (room for handwriting on forms)
    header: bool = False    # 黑体, centred
    align: str = "left"     # left | center


@dataclass(frozen=True)
class TableSpec:
    widths: tuple[float, ...]
    rows: tuple[tuple[TableCell, ...], ...]
    header_rows: int = 0    # repeated at the top of every page the table continues on
    caption: str | None = None


@dataclass(frozen=True)
class LetterSpec:
    doc_type: str
    format: LetterFormat
    office: str
    title: str
    recipient: str = ""
    number: str | None = None
    body: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    signature: str = ""
    date: date | None = None
    cc: tuple[str, ...] = ()
    report_to: tuple[str, ...] = ()
    sealed: bool = True
    mark: str | None = None
    note: str | None = None
    letterhead: str | None = None
    printed_by: str | None = None
    printed_on: date | None = None
    table: TableSpec | None = None
    # A preview before 发文: the 代字 whose number is not taken yet ("临纪函"), printed
    # as "临纪函〔2026〕　号" so the preview keeps the issued document's layout.
    number_draft: str | None = None
    # 双面印刷: the 版记 on an even page (gbt9704.md §5); None = on for 文件格式 only.
    duplex: bool | None = None
    # 横排表格: a 表格格式 document whose table is too wide to stand is set on A4 across
    landscape: bool = False

    @property
    def imprint_on_even_page(self) -> bool:
        return self.format is LetterFormat.FILE if self.duplex is None else self.duplex

    @classmethod
    def from_json(cls, data: Mapping[str, Any], doc_types: Mapping | None = None) -> "LetterSpec":
        """Build from the JSON spec (SPEC.md); ValidationError names the bad field."""
        return _from_json(data, doc_types)

    @property
    def signature_text(self) -> str:
        return self.signature or self.office

    @property
    def number_text(self) -> str | None:
        if self.number:
            return self.number
        if self.number_draft and self.date:
            return f"{self.number_draft}〔{self.date.year}〕\u3000号"
        return None

    @property
    def letterhead_text(self) -> str:
        return self.letterhead or self.office


# --- parsing helpers -----------------------------------------------------------------
def _text(data: Mapping, key: str, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(key, f"缺少{_label(key)}")
        return None
    if not isinstance(value, str):
        raise ValidationError(key, f"{_label(key)}应为文字")
    value = value.strip()
    if len(value) > MAX_LEN.get(key, 10_000):
        raise ValidationError(key, f"{_label(key)}过长（最多 {MAX_LEN[key]} 字）")
    return value


def _text_list(data: Mapping, key: str) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(key, f"{_label(key)}应为文字列表，如 [\"……\", \"……\"]")
    out: list[str] = []
    for item in value:
        # An editor's blank lines are not paragraphs; a newline inside one starts a new one.
        out.extend(p.strip() for p in item.replace("\r\n", "\n").split("\n") if p.strip())
    return tuple(out)


def _optional_date(data: Mapping, key: str) -> date | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    return parse_iso_date(value, key, FIELD_LABELS[key])


def _resolve_type(data: Mapping, doc_types: Mapping | None):
    name = _text(data, "type", required=True)
    if doc_types is None:
        from .documents import DOC_TYPES  # documents builds LetterSpecs; import late
        doc_types = DOC_TYPES
    if name not in doc_types:
        known = "、".join(doc_types)
        raise ValidationError("type", f"不认识的文种「{name}」，可用的文种有：{known}")
    return doc_types[name]


def _check_keys(data: Mapping) -> None:
    unknown = [k for k in data if k not in FIELD_LABELS and not str(k).startswith("_")]
    if unknown:
        known = "、".join(FIELD_LABELS)
        raise ValidationError(unknown[0], f"说明中有不认识的字段：{'、'.join(map(str, unknown))}（可用字段：{known}）")


def _from_json(data: Mapping[str, Any], doc_types: Mapping | None) -> LetterSpec:
    if not isinstance(data, Mapping):
        raise ValidationError("spec", "公文说明应为一个 JSON 对象（{ … }）")
    _check_keys(data)
    doc_type = _resolve_type(data, doc_types)
    fmt = LetterFormat(doc_type.format)
    is_form = fmt is LetterFormat.FORM
    number = _text(data, "number")
    sealed = data.get("sealed", True)
    if not isinstance(sealed, bool):
        raise ValidationError("sealed", f"{_label('sealed')}应为 true 或 false")
    duplex = data.get("duplex")
    if duplex is not None and not isinstance(duplex, bool):
        raise ValidationError("duplex", f"{_label('duplex')}应为 true 或 false")
    landscape = data.get("landscape", False)
    if not isinstance(landscape, bool):
        raise ValidationError("landscape", f"{_label('landscape')}应为 true 或 false")
    spec = LetterSpec(
        doc_type=doc_type.name, format=fmt,
        office=_text(data, "office", required=True),
        title=_text(data, "title") or (doc_type.name if is_form else _text(data, "title", True)),
        recipient=_text(data, "recipient", required=not is_form) or "",
        number=str(parse_doc_number(number)) if number else None,
        body=_text_list(data, "body"),
        attachments=_text_list(data, "attachments"),
        signature=_text(data, "signature") or "",
        date=_optional_date(data, "date"),
        cc=_text_list(data, "cc"), report_to=_text_list(data, "report_to"),
        sealed=sealed, mark=_text(data, "mark"), note=_text(data, "note"),
        letterhead=_text(data, "letterhead"), printed_by=_text(data, "printed_by"),
        printed_on=_optional_date(data, "printed_on"),
        table=_table(data.get("table")), duplex=duplex, landscape=landscape,
    )
    validate(spec)
    return spec


def validate(spec: LetterSpec) -> None:
    """Rules that hold whatever built the spec (JSON or template)."""
    if spec.format is LetterFormat.FORM:
        if spec.table is None:
            raise ValidationError("table", f"{spec.doc_type}须有表格（table）")
        return
    if spec.landscape:
        raise ValidationError("landscape", f"只有表格格式的文书可以{_label('landscape')}")
    if not spec.recipient:
        raise ValidationError("recipient", f"缺少{_label('recipient')}")
    if not spec.body:
        raise ValidationError("body", f"缺少{_label('body')}：至少要有一段文字")
    if spec.date is None:
        raise ValidationError("date", f"缺少{_label('date')}，格式为 YYYY-MM-DD，例如 2026-11-29")


# --- tables --------------------------------------------------------------------------
def _cell(raw: Any, where: str) -> TableCell:
    if isinstance(raw, (str, int, float)) and not isinstance(raw, bool):
        return TableCell(str(raw))
    if not isinstance(raw, Mapping):
        raise ValidationError("table", f"表格{where}应为文字或 {{\"text\": …}} 对象")
    text, span, lines = raw.get("text", ""), raw.get("span", 1), raw.get("lines", 1)
    align = raw.get("align", "center" if raw.get("header") else "left")
    if not isinstance(text, str):
        raise ValidationError("table", f"表格{where}的 text 应为文字")
    for name, value, top in (("span", span, 50), ("lines", lines, 60)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= top:
            raise ValidationError("table", f"表格{where}的 {name} 应为 1—{top} 的整数")
    if align not in ("left", "center"):
        raise ValidationError("table", f"表格{where}的 align 只能是 left 或 center")
    return TableCell(text.strip(), span, lines, bool(raw.get("header", False)), align)


def _columns(raw: Any) -> tuple[tuple[float, ...], tuple[TableCell, ...] | None]:
    if not isinstance(raw, list) or not raw:
        raise ValidationError("table", "表格的 columns 应为非空列表")
    widths, header = [], []
    for i, col in enumerate(raw, 1):
        if isinstance(col, Mapping):
            width, title = col.get("width", 1), col.get("title")
        else:
            width, title = col, None
        if isinstance(width, bool) or not isinstance(width, (int, float)) or not 0 < width <= 100:
            raise ValidationError("table", f"表格第{i}列的宽度应为正数")
        widths.append(float(width))
        header.append(title)
    if any(title is not None for title in header):
        cells = tuple(TableCell(str(t or ""), header=True, align="center") for t in header)
        return tuple(widths), cells
    return tuple(widths), None


def _table(raw: Any) -> TableSpec | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise ValidationError("table", "表格（table）应为对象，含 columns 和 rows")
    widths, header = _columns(raw.get("columns"))
    rows_raw = raw.get("rows")
    if not isinstance(rows_raw, list) or not rows_raw:
        raise ValidationError("table", "表格的 rows 应为非空列表")
    aligns = [c.get("align", "left") if isinstance(c, Mapping) else "left" for c in raw["columns"]]
    rows = [header] if header else []
    for r, row in enumerate(rows_raw, 1):
        if not isinstance(row, list) or not row:
            raise ValidationError("table", f"表格第{r}行应为非空列表")
        cells = [_cell(c, f"第{r}行第{i}格") for i, c in enumerate(row, 1)]
        cells = [c if isinstance(row[i], Mapping) else replace(c, align=aligns[min(i, len(aligns) - 1)])
                 for i, c in enumerate(cells)]
        if sum(c.span for c in cells) != len(widths):
            raise ValidationError("table", f"表格第{r}行的格数（含合并）应为 {len(widths)}")
        rows.append(tuple(cells))
    caption = raw.get("caption")
    if caption is not None and not isinstance(caption, str):
        raise ValidationError("table", "表格标题（caption）应为文字")
    return TableSpec(widths, tuple(rows), 1 if header else 0, (caption or "").strip() or None)
