"""Document types (文种) and their editable template wording.

Each type is data in ``resources/letters/<slug>.json``: format, number prefix, wording
with ``{placeholders}`` and the Chinese name of every placeholder. The shipped texts
are defaults; ``load_doc_types(overrides)`` lays an office's own versions (from the
database, later) over them, so the renderer never cares where wording came from.
"""
from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Mapping

from desktop_app.errors import ValidationError
from desktop_app.paths import resource

from .dates import format_cn_date, parse_iso_date
from .spec import FIELD_LABELS, LetterFormat, LetterSpec

TEMPLATE_DIR = resource("letters")
# Values every template may use besides its own placeholders.
STANDARD_KEYS = ("office", "number", "date", "signature", "sealed", "mark", "letterhead",
                 "printed_by", "printed_on", "note")
_TEXT_KEYS = ("title", "recipient", "note")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LIST_KEYS = ("body", "attachments", "cc", "report_to")


@dataclass(frozen=True)
class DocType:
    name: str
    format: str
    number_prefix: str | None
    title: str
    recipient: str = ""
    body: tuple[str, ...] = ()
    attachments: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    report_to: tuple[str, ...] = ()
    note: str | None = None
    table: Mapping[str, Any] | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()
    sealed: bool = True

    def strings(self) -> Iterable[str]:
        """Every template string, in print order."""
        yield from (s for s in (self.title, self.recipient) if s)
        yield from self.body
        yield from self.attachments
        yield from self.cc
        yield from self.report_to
        if self.note:
            yield self.note
        for row in (self.table or {}).get("rows", ()):
            yield from (c if isinstance(c, str) else c.get("text", "") for c in row)
        yield from (self.table or {}).get("row", ())

    @property
    def placeholders(self) -> list[str]:
        keys: list[str] = []
        for text in self.strings():
            keys.extend(k for k in _keys(text) if k not in keys)
        if self.table and self.table.get("rows_from"):
            keys.append(self.table["rows_from"])
        return keys

    def label(self, key: str) -> str:
        return self.fields.get(key) or FIELD_LABELS.get(key, key)


class MissingFields(ValidationError):
    """fill_template found placeholders without values; ``missing`` lists (key, 中文名)."""

    def __init__(self, doc_type: str, missing: list[tuple[str, str]]):
        names = "、".join(label for _key, label in missing)
        super().__init__(missing[0][0], f"「{doc_type}」还缺少以下内容：{names}")
        self.missing = missing


def _keys(text: str) -> list[str]:
    return [name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name]


def _doc_type(data: Mapping[str, Any]) -> DocType:
    fmt = LetterFormat(data["format"])  # a typo in shipped data should fail loudly
    doc = DocType(
        name=data["type"], format=fmt.value, number_prefix=data.get("number_prefix"),
        title=data.get("title", data["type"]), recipient=data.get("recipient", ""),
        body=tuple(data.get("body", ())), attachments=tuple(data.get("attachments", ())),
        cc=tuple(data.get("cc", ())), report_to=tuple(data.get("report_to", ())),
        note=data.get("note"), table=data.get("table"), fields=dict(data.get("fields", {})),
        optional=frozenset(data.get("optional", ())), sealed=bool(data.get("sealed", True)),
    )
    unnamed = [k for k in doc.placeholders if k not in doc.fields and k not in STANDARD_KEYS]
    if unnamed:
        raise ValueError(f"template {doc.name}: placeholders without a Chinese name: {unnamed}")
    return doc


def load_doc_types(overrides: Mapping[str, Mapping[str, Any]] | None = None,
                   directory: Path = TEMPLATE_DIR) -> dict[str, DocType]:
    """Shipped types, each optionally overlaid (key by key) with an office's version."""
    raw: dict[str, dict] = {}
    for path in sorted(directory.glob("*.json")):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if "type" in data:  # fonts.json and other settings live beside the templates
            raw[data["type"]] = data
    for name, changes in (overrides or {}).items():
        raw[name] = {**raw.get(name, {"type": name}), **changes, "type": name}
    return {name: _doc_type(data) for name, data in raw.items()}


DOC_TYPES: dict[str, DocType] = load_doc_types()


# --- filling -------------------------------------------------------------------------
def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, tuple, dict)) and not value)


def _as_text(value: Any) -> str:
    if value is None:
        return ""  # an optional value nobody filled in prints as nothing, never "None"
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        value = parse_iso_date(value.strip(), "values", "日期")  # DB rows hold ISO dates
    if isinstance(value, date):
        return format_cn_date(value)
    if isinstance(value, (list, tuple)):
        return "、".join(_as_text(v) for v in value)
    return str(value).strip()


def _join(before: str, value: str, after: str) -> str:
    """The value without the words the template already says around it:
    "关于" + "关于有关问题" → "关于有关问题", "有关问题的" + "的函询" → no "的的"."""
    for n in range(min(4, len(before), len(value)), 1, -1):
        if before.endswith(value[:n]):
            value = value[n:]
            break
    for n in range(min(4, len(after), len(value)), 1, -1):
        if after.startswith(value[-n:]):
            value = value[:-n]
            break
    return value


def _fill(text: str, values: Mapping[str, Any]) -> str:
    parts = list(string.Formatter().parse(text))
    out: list[str] = []
    for i, (literal, name, _spec, _conv) in enumerate(parts):
        out.append(literal)
        if name:
            after = parts[i + 1][0] if i + 1 < len(parts) else ""
            out.append(_join("".join(out), _as_text(values.get(name)), after))
    return "".join(out).replace("。。", "。")  # a value ending in 。 before a template 。


def _fill_list(texts: Iterable[str], values: Mapping[str, Any], optional: frozenset) -> list[str]:
    out: list[str] = []
    for text in texts:
        keys = _keys(text)
        if any(k in optional and _is_empty(values.get(k)) for k in keys):
            continue  # e.g. an optional 抄送 nobody filled in
        whole = text.strip()
        if len(keys) == 1 and whole == "{%s}" % keys[0] and isinstance(values.get(keys[0]), (list, tuple)):
            out.extend(_as_text(v) for v in values[keys[0]] if not _is_empty(v))
        else:
            out.append(_fill(text, values))
    return out


def _missing(doc: DocType, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    needed = [k for k in doc.placeholders if k not in doc.optional]
    needed += ["office"] + ([] if doc.format == LetterFormat.FORM.value else ["date"])
    seen: list[str] = []
    for key in needed:
        if key not in seen and _is_empty(values.get(key)):
            seen.append(key)
    return [(key, doc.label(key)) for key in seen]


def _fill_table(doc: DocType, values: Mapping[str, Any]) -> dict | None:
    table = doc.table
    if not table:
        return None
    rows: list = []
    for row in table.get("rows", ()):
        rows.append([_fill(c, values) if isinstance(c, str) else {**c, "text": _fill(c.get("text", ""), values)}
                     for c in row])
    source = table.get("rows_from")
    for n, item in enumerate(values.get(source) or (), 1) if source else ():
        item = item if isinstance(item, Mapping) else dict(zip(table.get("row_keys", ()), item))
        rows.append([str(n)] + [_as_text(item.get(k, "")) for k in table.get("row_keys", ())])
    return {"columns": table["columns"], "rows": rows, "caption": table.get("caption")}


def fill_template(doc_type: str | DocType, values: Mapping[str, Any],
                  doc_types: Mapping[str, DocType] | None = None) -> LetterSpec:
    """Fill a type's wording with ``values``; MissingFields names what is still needed."""
    types = doc_types if doc_types is not None else DOC_TYPES
    doc = doc_type if isinstance(doc_type, DocType) else types.get(doc_type)
    if doc is None:
        raise ValidationError("type", f"不认识的文种「{doc_type}」，可用的文种有：{'、'.join(types)}")
    missing = _missing(doc, values)
    if missing:
        raise MissingFields(doc.name, missing)
    spec: dict[str, Any] = {k: values[k] for k in STANDARD_KEYS if not _is_empty(values.get(k))}
    spec["type"] = doc.name
    spec.setdefault("sealed", doc.sealed)
    for key in _TEXT_KEYS:
        template = getattr(doc, key)
        if template and key not in spec:
            spec[key] = _fill(template, values) if not any(
                k in doc.optional and _is_empty(values.get(k)) for k in _keys(template)) else None
    for key in _LIST_KEYS:
        spec[key] = _fill_list(getattr(doc, key), values, doc.optional)
    spec["table"] = _fill_table(doc, values)
    for key in ("date", "printed_on"):
        if isinstance(spec.get(key), date):
            spec[key] = spec[key].isoformat()
    return LetterSpec.from_json({k: v for k, v in spec.items() if v is not None}, {doc.name: doc})
