"""Ledgers as .xlsx in the layout the importer reads back: blank import templates
(headers, drop-down lists of the vocabularies, date formats, one example row) and
a whole family exported with names instead of ids (the round trip)."""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from desktop_app.domain.registry import family as get_family
from desktop_app.domain.schema import Family, Field, Kind
from desktop_app.domain.vocab import choices, workflows
from desktop_app.errors import UserFacingError
from desktop_app.reports.importer import importable

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLES = {
    "talk": {"talk_type": "谈话提醒", "reason": "节前廉洁提醒", "person_ids": "张三", "unit_id": "县财政局",
             "talkers": "李四、王五", "talk_date": "2026-03-07", "place": "县纪委监委谈话室"},
    "letter": {"letter_type": "提醒函", "title": "关于严格落实中央八项规定精神的提醒函",
               "recipient_unit_id": "县财政局", "written_date": "2026-03-07"},
    "unit": {"name": "县财政局", "category": "县直部门"},
    "person": {"name": "张三", "unit_id": "县财政局", "position": "局长", "rank": "县管正职"},
    "rectification": {"title": "公务接待超标准问题整改", "unit_id": "县财政局", "issued_date": "2026-03-09",
                      "report_due": "2026-04-08"},
}


def columns(fam: Family) -> list[Field]:
    return [f for f in fam.fields if f.kind not in (Kind.REF, Kind.REFS) or f.ref in ("person", "unit")]


def header(f: Field) -> str:
    return f"{f.label}{'*' if f.required else ''}"


def _example(fam: Family, f: Field):
    given = EXAMPLES.get(fam.name, {})
    if f.name in given:
        return given[f.name]
    if f.required:
        return {Kind.DATE: "2026-03-07", Kind.CHOICE: choices(f.vocab)[0] if f.vocab else "",
                Kind.BOOL: "否", Kind.INT: 1, Kind.FLOAT: 1.0}.get(f.kind, f"（{f.label}）")
    return None


def _lists_sheet(wb, fam: Family, cols: list[Field]) -> dict[str, str]:
    """Vocabularies on a hidden sheet (an inline list is limited to 255 characters)."""
    ws = wb.create_sheet("选项")
    ws.sheet_state = "hidden"
    refs, col = {}, 1
    vocabs = [(f.name, choices(f.vocab)) for f in cols if f.kind in (Kind.CHOICE, Kind.LIST) and f.vocab]
    vocabs.append(("status", workflows()[fam.workflow].states))
    vocabs.append(("__bool__", ("是", "否")))
    for name, values in vocabs:
        for r, v in enumerate(values, start=1):
            ws.cell(row=r, column=col, value=v)
        letter = get_column_letter(col)
        refs[name] = f"{quote_sheetname('选项')}!${letter}$1:${letter}${len(values)}"
        col += 1
    return refs


def _validate(ws, refs: dict[str, str], key: str, col: int, prompt: str) -> None:
    dv = DataValidation(type="list", formula1=refs[key], allow_blank=True, showErrorMessage=True,
                        errorTitle="不是可选项", error="请从下拉列表中选择。", promptTitle="可选项", prompt=prompt)
    letter = get_column_letter(col)
    dv.add(f"{letter}2:{letter}5000")
    ws.add_data_validation(dv)


def _sheet(fam: Family):
    wb = Workbook()
    ws = wb.active
    ws.title = f"{fam.label}台账"[:31]
    cols = columns(fam)
    refs = _lists_sheet(wb, fam, cols)
    heads = [header(f) for f in cols] + ["状态"]
    for j, text in enumerate(heads, start=1):
        c = ws.cell(row=1, column=j, value=text)
        c.font, c.fill, c.border = Font(bold=True), HEAD_FILL, BOX
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(j)].width = max(10, min(30, len(text) * 2 + 4))
    for j, f in enumerate(cols, start=1):
        letter = get_column_letter(j)
        if f.kind is Kind.DATE:
            for r in range(2, 202):
                ws[f"{letter}{r}"].number_format = "yyyy-mm-dd"
            ws.cell(row=1, column=j).comment = Comment("日期：2026-03-07、2026.3.7 或 2026年3月7日", "台账")
        elif f.kind is Kind.CHOICE and f.vocab:
            _validate(ws, refs, f.name, j, f"{f.label}：请从列表中选择")
        elif f.kind is Kind.BOOL:
            _validate(ws, refs, "__bool__", j, "是 或 否")
        elif f.kind is Kind.REFS:
            ws.cell(row=1, column=j).comment = Comment("多人用顿号分隔；同名的写成“姓名（单位）”", "台账")
        elif f.kind in (Kind.TEXT, Kind.LONGTEXT):
            for r in range(2, 202):
                ws[f"{letter}{r}"].number_format = "@"        # codes and numbers kept as text
    _validate(ws, refs, "status", len(cols) + 1, "记录的办理状态，留空为初始状态")
    ws.freeze_panes = "A2"
    return wb, ws, cols


def write_template(family_name: str, path: Path | str) -> Path:
    fam = get_family(family_name)
    if not importable(fam):
        raise UserFacingError(f"{fam.label}不从 Excel 导入，没有导入模板。")
    wb, ws, cols = _sheet(fam)
    for j, f in enumerate(cols, start=1):
        value = _example(fam, f)
        if value is not None:
            ws.cell(row=2, column=j, value=value)
    ws.cell(row=2, column=len(cols) + 2, value="← 示例行，导入前请删除")
    return _save(wb, path)


def _save(wb, path) -> Path:
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise UserFacingError("模板只能保存为 .xlsx 文件。")
    tmp = path.with_name(path.name + ".part")
    wb.save(tmp)
    tmp.replace(path)
    return path


def export_family(s, family_name: str, path: Path | str) -> int:
    """Every live record of a family, in the template's layout (references as names)."""
    from desktop_app.services import outputs
    from desktop_app.security import authz
    from desktop_app.security.roles import Permission
    authz.require(s, Permission.READ_RECORD)
    fam = get_family(family_name)
    if not importable(fam):
        raise UserFacingError(f"{fam.label}不从 Excel 导入，也就不导出为可导入的表。")
    wb, ws, cols = _sheet(fam)
    units = dict(s.conn.execute("SELECT id, name FROM unit"))
    persons = {pid: (name, unit) for pid, name, unit in s.conn.execute("SELECT id, name, unit_id FROM person")}
    counts: dict[str, int] = {}
    for name, _u in persons.values():
        counts[name] = counts.get(name, 0) + 1

    def person_name(pid):
        name, unit = persons.get(pid, (pid, None))
        return f"{name}（{units.get(unit, '')}）" if counts.get(name, 0) > 1 else name

    n = 0
    for row in s.conn.execute(f"SELECT * FROM {fam.name} WHERE voided = 0 ORDER BY {fam.date_field}, id"):
        n += 1
        for j, f in enumerate(cols, start=1):
            ws.cell(row=n + 1, column=j, value=_cell(f, row[f.name], units, person_name))
        ws.cell(row=n + 1, column=len(cols) + 1, value=row["status"])
    _save(wb, path)
    outputs.record_output(s, "导出", f"{fam.label}台账 Excel（可导入）", family=fam.name,
                          detail={"rows": n, "file": Path(path).name})
    return n


def _cell(f: Field, value, units, person_name):
    import json
    if value is None:
        return None
    if f.kind is Kind.REF:
        return units.get(value, value) if f.ref == "unit" else person_name(value)
    if f.kind is Kind.REFS:
        return "、".join(person_name(p) for p in json.loads(value))
    if f.kind is Kind.LIST:
        return "、".join(json.loads(value))
    if f.kind is Kind.BOOL:
        return "是" if value else "否"
    return value


__all__ = ["write_template", "export_family", "importable"]
