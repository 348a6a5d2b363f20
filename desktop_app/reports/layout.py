"""The shape of a real ledger sheet: a title row, maybe a 填报单位 line, one or
more header rows with merged group cells, the data, a 合计 row and a 填表人 line.
Finds the header, guesses which column is which field (by header names, and by
what was chosen last time for the same header layout) and which rows are data."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from desktop_app.domain.schema import Family
from desktop_app.reports.cells import is_blank, text_of
from desktop_app.reports.sheets import Grid

SCAN_ROWS = 20
IGNORE = "__ignore__"
TOTAL_WORDS = ("合计", "总计", "小计", "累计", "共计")
FOOTER_WORDS = ("填表人", "制表人", "制表", "审核人", "负责人", "填报日期", "填表日期", "备注：", "说明：", "注：")
COMMON_ALIASES = {"状态": "status", "办理状态": "status", "台账编号": IGNORE, "编号": IGNORE,
                  "序号": IGNORE, "备注": "note"}
ALIASES: dict[str, dict[str, str]] = {
    "talk": {"谈话对象": "person_ids", "被谈话人": "person_ids", "姓名": "person_ids", "对象": "person_ids",
             "对象姓名": "person_ids", "单位": "unit_id", "所在单位": "unit_id", "工作单位": "unit_id",
             "谈话时间": "talk_date", "谈话日期": "talk_date", "日期": "talk_date", "时间": "talk_date",
             "类型": "talk_type", "谈话方式": "talk_type", "方式": "talk_type", "事由": "reason",
             "谈话事由": "reason", "主要内容": "reason", "谈话原因": "reason", "谈话内容": "summary",
             "职务": "subject_snapshot", "对象职务": "subject_snapshot", "地点": "place",
             "谈话地点": "place", "谈话人": "talkers", "记录人": "recorder", "发起单位": "initiator"},
    "letter": {"类型": "letter_type", "文号": "doc_no", "名称": "title", "收件人": "recipient_person_id",
               "被函询人": "recipient_person_id", "主送对象": "recipient_person_id", "姓名": "recipient_person_id",
               "单位": "recipient_unit_id", "主送单位": "recipient_unit_id", "日期": "written_date",
               "发函日期": "written_date", "回复日期": "reply_date", "回复时间": "reply_date",
               "送达时间": "delivered_date", "事由": "summary", "处理结果": "outcome"},
    "rectification": {"问题": "title", "整改问题": "title", "整改内容": "title", "单位": "unit_id",
                      "责任人": "responsible_id", "日期": "issued_date", "整改时限": "report_due",
                      "完成时限": "report_due", "整改期限": "report_due", "来源": "source_type"},
    "person": {"单位": "unit_id", "工作单位": "unit_id", "所在单位": "unit_id", "职务": "position",
               "出生年月": "birth", "是否一把手": "is_top_leader", "是否常委": "is_standing_member"},
    "unit": {"单位": "name", "名称": "name", "类别": "category", "派驻组": "resident_group"},
    "warning_session": {"名称": "name", "活动": "name", "日期": "held_date", "时间": "held_date",
                        "参加人数": "actual", "人数": "actual", "组织单位": "organizer_unit_id"},
    "duty_report": {"姓名": "person_id", "述责人": "person_id", "周期": "cycle", "得分": "score"},
}


def norm(text: str) -> str:
    text = re.sub(r"[\s*＊:：]", "", text)
    text = re.sub(r"[（(][^)）]*(必填|格式|如|选填|yyyy|YYYY|年-月-日)[^)）]*[)）]", "", text)
    return text


@dataclass
class Shape:
    header_top: int                 # first header row (0-based)
    header_row: int                 # last header row; data start below it
    labels: list[str]               # one per column: "group/label" or "label"
    mapping: dict[int, str]         # column index -> field name
    data_rows: list[int]
    skipped: dict[int, str] = field(default_factory=dict)     # row -> why (合计, 填表人 …)
    layout_key: str = ""


def fill_merged(grid: Grid) -> list[list]:
    width = max([len(r) for r in grid.rows] + [c1 + 1 for _r0, _c0, _r1, c1 in grid.merged] or [0])
    height = max(len(grid.rows), max([r1 + 1 for _r0, _c0, r1, _c1 in grid.merged] or [0]))
    rows = [list(r) + [""] * (width - len(r)) for r in grid.rows] + [[""] * width for _ in
                                                                      range(height - len(grid.rows))]
    for r0, c0, r1, c1 in grid.merged:
        value = rows[r0][c0]
        for r in range(r0, min(r1, height - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                rows[r][c] = value
    return rows


def guess_field(fam: Family, label: str) -> str | None:
    text = norm(label)
    if not text:
        return None
    labels = {norm(f.label): f.name for f in fam.fields}
    aliases = ALIASES.get(fam.name, {}) | COMMON_ALIASES
    if text in labels:
        return labels[text]
    if text in aliases:
        alias = aliases[text]
        return alias if alias in (IGNORE, "status") or alias in fam.field_names else None
    for part in reversed(text.split("/")):
        if part in labels:
            return labels[part]
        if part in aliases and (aliases[part] in fam.field_names or aliases[part] in (IGNORE, "status")):
            return aliases[part]
    for lab, name in labels.items():
        if len(text) >= 2 and len(lab) >= 2 and (lab in text or text in lab):
            return name
    return None


def _score(fam: Family, row: list, known: frozenset[str] = frozenset()) -> int:
    cells = [v for v in row if isinstance(v, str) and 0 < len(v.strip()) <= 30]
    found = {guess_field(fam, text_of(v)) for v in cells}
    found.discard(None)
    found.discard(IGNORE)
    return len(found) + sum(1 for v in cells if norm(v) in known)


def _is_title(row: list) -> bool:
    """A title or an information line (填报单位：…), not a header row."""
    values = {text_of(v) for v in row if not is_blank(v)}
    return len(values) <= 1 or any("：" in v or ":" in v for v in values)


def detect(fam: Family, grid: Grid, known: frozenset[str] = frozenset()) -> tuple[list[list], Shape]:
    """``known``: header texts named by the clerk's column mapping (they mark the header too)."""
    rows = fill_merged(grid)
    scores = [(_score(fam, r, known), -i) for i, r in enumerate(rows[:SCAN_ROWS])]
    if not scores or max(scores)[0] < 2:
        return rows, Shape(0, -1, [], {}, [])
    best = -max(scores)[1]
    top = best
    spans = {(r0, r1) for r0, _c0, r1, _c1 in grid.merged}
    while top > 0 and not _is_title(rows[top - 1]) and (
            any(r0 <= top - 1 and r1 >= top for r0, r1 in spans)
            or any(r0 == r1 == top - 1 for r0, r1 in spans)):
        top -= 1
    labels = []
    for c in range(len(rows[best])):
        parts = []
        for r in range(top, best + 1):
            t = text_of(rows[r][c])
            if t and t not in parts:
                parts.append(t)
        labels.append("/".join(parts))
    mapping = {}
    for c, lab in enumerate(labels):
        name = guess_field(fam, lab)
        if name and name != IGNORE and name not in mapping.values():
            mapping[c] = name
    shape = Shape(top, best, labels, mapping, [], layout_key=layout_key(fam, labels))
    _split_rows(rows, shape)
    return rows, shape


def _split_rows(rows: list[list], shape: Shape) -> None:
    for r in range(shape.header_row + 1, len(rows)):
        cells = []
        for v in rows[r]:                   # the first three filled cells tell a 合计 or 表尾 row
            if not is_blank(v):
                cells.append(text_of(v))
                if len(cells) == 3:
                    break
        if not cells:
            continue
        first = "".join(cells[:3])
        if any(first.replace(" ", "").startswith(w) for w in TOTAL_WORDS):
            shape.skipped[r] = "合计行"
        elif any(w in cells[0] for w in FOOTER_WORDS):
            shape.skipped[r] = "表尾"
        else:
            shape.data_rows.append(r)


def layout_key(fam: Family, labels: list[str]) -> str:
    text = json.dumps([fam.name] + [norm(x) for x in labels], ensure_ascii=False)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def remembered(conn, key: str) -> dict[int, str] | None:
    row = conn.execute("SELECT value FROM setting WHERE key = ?", (f"import.mapping:{key}",)).fetchone()
    if not row:
        return None
    try:
        return {int(k): v for k, v in json.loads(row[0]).items()}
    except (ValueError, AttributeError):
        return None


def _put(conn, key: str, value: str) -> None:
    conn.execute("INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET"
                 " value = excluded.value", (key, value))


def remember(conn, fam: Family, shape: Shape) -> None:
    """The mapping chosen for this header layout, and its header texts (so that a
    header of unusual names is found next time before the layout is known)."""
    _put(conn, f"import.mapping:{shape.layout_key}", json.dumps(shape.mapping))
    texts = set(known_headers(conn, fam)) | {norm(shape.labels[c].split("/")[-1]) for c in shape.mapping
                                             if c < len(shape.labels)}
    _put(conn, f"import.headers:{fam.name}", json.dumps(sorted(texts)[:500], ensure_ascii=False))


def known_headers(conn, fam: Family) -> frozenset[str]:
    row = conn.execute("SELECT value FROM setting WHERE key = ?", (f"import.headers:{fam.name}",)).fetchone()
    try:
        return frozenset(x for x in json.loads(row[0]) if isinstance(x, str)) if row else frozenset()
    except ValueError:
        return frozenset()
