"""Importing an old ledger: all rows or none.

Every row is checked (cells, names, the same checks a form makes) before the
first write; rows already in the database (the same file imported again) are
found and left alone; if any row is wrong nothing is written and the row-by-row
report (.xlsx) says what to fix. A dry run does the whole import and rolls it
back, so it refuses exactly what the real run would.
"""
from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.domain.registry import family as get_family
from desktop_app.domain.schema import Family, Kind
from desktop_app.domain.vocab import workflows
from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.reports.cells import CellError, convert, is_blank, text_of
from desktop_app.reports.layout import IGNORE, Shape, detect, known_headers, norm, remembered
from desktop_app.reports.refs import Resolver
from desktop_app.reports.sheets import read_grid
from desktop_app.security import authz
from desktop_app.security.roles import Permission
from desktop_app.store import audit

NOT_IMPORTED = ("attachment", "document", "report_def", "letter_template")


def importable(fam: Family) -> bool:
    """Whether a family can come from an Excel ledger (the import page lists these; it
    asks here, not in ledger_xlsx, so that opening the page does not load openpyxl)."""
    return fam.name not in NOT_IMPORTED and all(
        f.ref in ("person", "unit") for f in fam.fields if f.required and f.kind in (Kind.REF, Kind.REFS))


@dataclass
class RowResult:
    row: int                              # 1-based row number in the sheet
    cells: list
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    status: str = "待导入"                 # 待导入 / 已导入 / 已存在 / 重复 / 有错误
    record_id: str | None = None
    unknown: dict[str, tuple[str, ...]] = field(default_factory=dict)   # name not found -> closest names


@dataclass
class ImportSummary:
    file: str
    family: str
    sheet: str
    labels: list[str]
    mapping: dict[int, str]
    rows: list[RowResult]
    notes: list[str]
    skipped: dict[int, str]
    dry_run: bool
    applied: bool = False
    created_units: int = 0
    created_persons: int = 0
    report: str | None = None
    sheets: list[str] = field(default_factory=list)      # the visible sheets of the file

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.problems]

    @property
    def ok(self) -> bool:
        return not self.errors and not (not self.rows and not self.skipped)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    def lines(self) -> list[str]:
        fam = get_family(self.family)
        head = (f"{'检查' if self.dry_run else '导入'}“{Path(self.file).name}”（工作表“{self.sheet}”，{fam.label}）："
                f"数据 {len(self.rows)} 行")
        out = [head] + [f"提示：{n}" for n in self.notes]
        if self.errors:
            out.append(f"有 {len(self.errors)} 行有错误，未写入任何记录。")
            out += [f"  第 {r.row} 行：{'；'.join(r.problems)}" for r in self.errors[:20]]
            if len(self.errors) > 20:
                out.append(f"  ……其余 {len(self.errors) - 20} 行见报告")
        else:
            verb = "可导入" if self.dry_run else "已导入"
            out.append(f"{verb} {self.count('已导入') or self.count('待导入')} 行；已在库中 {self.count('已存在')} 行；"
                       f"表内重复 {self.count('重复')} 行；跳过合计行和表尾 {len(self.skipped)} 行；"
                       f"新建单位 {self.created_units} 个、人员 {self.created_persons} 名。")
        if self.report:
            out.append(f"逐行报告：{self.report}")
        return out

    def to_json(self) -> dict:
        return {"file": self.file, "family": self.family, "sheet": self.sheet, "ok": self.ok,
                "dry_run": self.dry_run, "applied": self.applied,
                "mapping": {self.labels[c] if c < len(self.labels) else str(c): f for c, f in self.mapping.items()},
                "imported": self.count("已导入"), "existing": self.count("已存在"),
                "duplicates": self.count("重复"), "errors": [{"row": r.row, "problems": r.problems}
                                                            for r in self.errors],
                "skipped": {str(k + 1): v for k, v in self.skipped.items()}, "notes": self.notes,
                "created_units": self.created_units, "created_persons": self.created_persons,
                "report": self.report}


def read_mapping(path: Path) -> dict[str, str]:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise UserFacingError(f"找不到列对应文件：{path}") from None
    except (OSError, ValueError) as exc:
        raise UserFacingError(f"列对应文件 {path} 不是有效的 JSON：{exc}") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and (v is None or isinstance(v, str))
                                             for k, v in data.items()):
        raise UserFacingError("列对应文件应为 {\"表头\": \"字段名\"} 形式的 JSON 对象。")
    return data


def _apply_mapping(fam: Family, shape: Shape, given: dict[str, str | None]) -> None:
    by_label = {f.label: f.name for f in fam.fields}
    for header, target in given.items():
        cols = [c for c, lab in enumerate(shape.labels)
                if norm(lab) == norm(header) or norm(lab.split("/")[-1]) == norm(header)]
        if header.isdigit():
            cols = [int(header) - 1]
        if not cols:
            raise UserFacingError(f"列对应文件中的表头“{header}”在表中找不到（表头有：{'、'.join(shape.labels)}）。")
        name = by_label.get(target, target) if target else None
        if name and name not in fam.field_names and name != "status":
            raise UserFacingError(f"{fam.label}没有“{target}”这一项。")
        for c in cols:
            shape.mapping.pop(c, None)
            if name:
                for other, n in list(shape.mapping.items()):
                    if n == name:
                        del shape.mapping[other]
                shape.mapping[c] = name


def plan(s, path, family_name: str, *, mapping: dict | None = None, sheet: str | None = None):
    """Read and shape the sheet, map the columns: (family, grid rows, shape, notes, sheet name)."""
    fam = get_family(family_name)
    if fam.name in NOT_IMPORTED:
        raise UserFacingError(f"{fam.label}不能从 Excel 导入。")
    grid = read_grid(path, sheet)
    known = known_headers(s.conn, fam) | {norm(k) for k in (mapping or {})}
    rows, shape = detect(fam, grid, frozenset(known))
    if shape.header_row < 0:
        raise UserFacingError(f"在“{grid.name}”的前 20 行中找不到{fam.label}的表头（如 "
                              f"{'、'.join(f.label for f in fam.fields if f.required)}）。请检查所选类别和工作表。")
    chosen = remembered(s.conn, shape.layout_key) if mapping is None else None
    if chosen:
        shape.mapping = {c: n for c, n in chosen.items() if c < len(shape.labels)}
    if mapping:
        _apply_mapping(fam, shape, mapping)
    return fam, rows, shape, grid


def import_file(s, path, family_name: str, *, mapping: dict | None = None, sheet: str | None = None,
                dry_run: bool = False, create_missing: bool = False,
                error_report: Path | str | None = None, progress=None,
                replacements: dict[str, str] | None = None) -> ImportSummary:
    """``replacements``: a name in the file -> the name (or "姓名（单位）") the clerk chose
    among the candidates offered for it."""
    authz.require(s, Permission.WRITE_RECORD)
    fam, rows, shape, grid = plan(s, path, family_name, mapping=mapping, sheet=sheet)
    missing = [f.label for f in fam.fields if f.required and f.name not in shape.mapping.values()]
    if missing:
        raise UserFacingError(f"表中没有对应“{'、'.join(missing)}”的列（识别到的表头：{'、'.join(shape.labels)}）；"
                              "请用列对应文件（--mapping）指明。")
    summary = ImportSummary(str(path), fam.name, grid.name, shape.labels, dict(shape.mapping), [],
                            list(grid.notes), shape.skipped, dry_run, sheets=list(grid.sheet_names))
    resolver = Resolver(s.conn, create_missing, replacements)
    # units first: a person's name is told apart by the unit in the same row
    ordered = sorted(((c, n) for c, n in shape.mapping.items() if n != IGNORE),
                     key=lambda kv: kv[1] == "status" or fam.field(kv[1]).ref != "unit")
    for r in shape.data_rows:
        summary.rows.append(_convert_row(fam, shape, ordered, resolver, r, rows[r]))
    _mark_existing(s.conn, fam, summary.rows)
    from desktop_app.reports.import_write import write_rows
    write_rows(s, fam, summary, resolver, shape, progress)
    if summary.errors or error_report:
        summary.report = str(_report_path(s, path, error_report))
        from desktop_app.reports.import_report import write_report
        write_report(summary, summary.report)
    return summary


def _report_path(s, source, given) -> Path:
    if given:
        return Path(given)
    source = Path(source)
    folder = s.data_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{source.stem}-导入检查.xlsx"


def _convert_row(fam: Family, shape: Shape, ordered: list[tuple[int, str]], resolver: Resolver,
                 r: int, cells: list) -> RowResult:
    res = RowResult(r + 1, cells)
    unit_id = None
    for c, name in ordered:
        value = cells[c] if c < len(cells) else ""
        if is_blank(value):
            continue
        if name == "status":
            res.values["status"] = text_of(value)
            continue
        f = fam.field(name)
        try:
            v = convert(value, f)
            if f.kind is Kind.REF and f.ref == "unit":
                v = resolver.unit(v[0])
                unit_id = unit_id or v
            elif f.kind is Kind.REF and f.ref == "person":
                v = resolver.person(v[0], unit_id)
            elif f.kind is Kind.REFS and f.ref == "person":
                v = list(dict.fromkeys(resolver.person(x, unit_id) for x in v))
            elif f.kind in (Kind.REF, Kind.REFS):
                raise CellError(f"{f.label}不能从 Excel 导入，请留空")
            res.values[name] = v
        except CellError as exc:
            res.problems.append(f"{shape.labels[c] or f.label}：{exc}")
            if exc.name:
                res.unknown[exc.name] = exc.candidates
    return res


def _key(fam: Family, values: dict, names: list[str]) -> str:
    out = []
    for n in names:
        v = values.get(n)
        if isinstance(v, (list, tuple)):
            v = sorted(v)
        if fam.field(n).kind is Kind.BOOL and v is not None:
            v = int(bool(v))
        if fam.field(n).kind in (Kind.INT, Kind.FLOAT) and v is not None:
            v = float(v)
        out.append(v if v not in ("", None, []) else None)
    return json.dumps(out, ensure_ascii=False, sort_keys=True)


def _mark_existing(conn, fam: Family, results: list[RowResult]) -> None:
    """Rows equal (in every mapped field) to a stored record, or to an earlier row."""
    names = sorted({n for r in results for n in r.values if n != "status"})
    if not names:
        return
    date = fam.date_field if fam.date_field in names else None
    stored: set[str] = set()
    sql = f"SELECT {', '.join(names)} FROM {fam.name} WHERE voided = 0"
    params: list = []
    if date:
        dates = sorted({r.values[date] for r in results if r.values.get(date)})
        sql += f" AND {date} IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(dates))
    for row in conn.execute(sql, params):
        values = {}
        for n, v in zip(names, row):
            kind = fam.field(n).kind
            values[n] = json.loads(v) if kind in (Kind.REFS, Kind.LIST) and v else v
        stored.add(_key(fam, values, names))
    seen: dict[str, int] = {}
    for r in results:
        if r.problems:
            continue
        k = _key(fam, r.values, names)
        if k in stored:
            r.status = "已存在"
        elif k in seen:
            r.status = "重复"          # the same row twice in one file: imported once
        else:
            seen[k] = r.row


def status_path(workflow: str, target: str) -> list[str]:
    """The shortest chain of status changes from the initial status to ``target``."""
    wf = workflows()[workflow]
    if target == wf.initial:
        return []
    prev = {wf.initial: None}
    queue = deque([wf.initial])
    while queue:
        cur = queue.popleft()
        for nxt in wf.transitions.get(cur, ()):
            if nxt not in prev:
                prev[nxt] = cur
                queue.append(nxt)
    if target not in prev:
        raise ValidationError("status", f"没有“{target}”这个状态（可选：{'、'.join(wf.states)}）。")
    chain = []
    while target != wf.initial:
        chain.append(target)
        target = prev[target]
    return chain[::-1]


def audit_import(s, summary: ImportSummary) -> None:
    audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user, action="导入",
                 family=summary.family, detail={"file": Path(summary.file).name, "sheet": summary.sheet,
                                                "rows": summary.count("已导入"),
                                                "existing": summary.count("已存在")})
