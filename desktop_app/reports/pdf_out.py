"""A report as a formal table in PDF, laid out by the letters engine (its CJK line
breaking, fonts with per-glyph fallback, page numbers, header rows repeated on
every page), and the annual 通报 made from the year's figures."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop_app.letters.render import render_pdf
from desktop_app.letters.spec import LetterFormat, LetterSpec, TableCell, TableSpec
from desktop_app.reports.due_report import ITEM_COLUMNS
from desktop_app.reports.engine import TOTAL, ReportResult

ITEM_WIDTHS = (1.5, 2.5, 6.0, 2.5, 3.5, 2.2, 2.2, 4.0, 4.0)


def _num(value, ratio: bool) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() and not ratio else f"{value:.1f}"


def _head(text: str) -> TableCell:
    return TableCell(text, header=True, align="center")


def _header_rows(result: ReportResult) -> list[tuple[TableCell, ...]]:
    cols = list(result.columns)
    if not any(c.group for c in cols):
        return [(_head(result.by_label), *(_head(c.label) for c in cols))]
    top, low = [_head(result.by_label)], [_head("")]
    i = 0
    while i < len(cols):
        c = cols[i]
        if c.group:
            j = i
            while j + 1 < len(cols) and cols[j + 1].group == c.group:
                j += 1
            top.append(TableCell(c.group, span=j - i + 1, header=True, align="center"))
            low += [_head(x.label) for x in cols[i:j + 1]]
            i = j + 1
        else:
            top.append(_head(c.label))
            low.append(_head(""))
            i += 1
    return [tuple(top), tuple(low)]


def report_table(result: ReportResult) -> TableSpec:
    caption = f"（{result.period.title}）"
    a = result.scope.as_of
    footer = f"填报单位：{result.office_name}。数据截至{a.year}年{a.month}月{a.day}日。" + (
        f"说明：{result.defn.note}" if result.defn.note else "")
    if result.defn.kind == "deadlines":
        rows = [(_head("序号"), *(_head(h) for _k, h in ITEM_COLUMNS))]
        for n, item in enumerate(result.items, 1):
            rows.append((TableCell(str(n), align="center"),
                         *(TableCell(str(item.get(k, "")), align="center" if k in ("due_date", "days", "level_label")
                                     else "left") for k, _h in ITEM_COLUMNS)))
        if not result.items:
            rows.append((TableCell("无临期或逾期事项", span=len(ITEM_COLUMNS) + 1, align="center"),))
        rows.append((TableCell(footer, span=len(ITEM_COLUMNS) + 1),))
        return TableSpec(ITEM_WIDTHS, tuple(rows), 1, caption)
    head = _header_rows(result)
    rows = list(head)
    for r in [*result.rows, None]:
        key = TOTAL if r is None else r.key
        label = TableCell("合计", header=True) if r is None else TableCell(r.label)
        rows.append((label, *(TableCell(_num(result.value(key, c.key), bool(c.ratio)), align="center")
                              for c in result.columns)))
    rows.append((TableCell(footer, span=len(result.columns) + 1),))
    widths = (4.0,) + tuple(3.0 if c.ratio else 2.0 for c in result.columns)
    return TableSpec(widths, tuple(rows), len(head), caption)


DETAIL_WIDTHS = (1.0, 3.0, 5.0, 3.8, 1.8, 1.8, 3.0)


def _short_office(name: str) -> str:
    """中共临川县纪律检查委员会 → 临川县纪委: a column a quarter of a portrait page wide."""
    return name.removeprefix("中共").replace("纪律检查委员会", "纪委")


def detail_table(result: ReportResult) -> TableSpec:
    """The appended list (整改: 逾期明细清单), as the .xlsx has it on a sheet of its own."""
    from desktop_app.reports.rect_detail import DETAIL_COLUMNS
    heads = [("no", "序号")] + list(DETAIL_COLUMNS)
    narrow = {"overdue_days": "逾期\n工作日", "actions": "督办\n次数", "office": "报送\n机关"}
    rows = [tuple(_head(narrow.get(key, label)) for key, label in heads)]
    for n, item in enumerate(result.detail, 1):
        values = item | {"no": n, "office": _short_office(item.get("office", ""))}
        rows.append(tuple(TableCell(str(values.get(key, "")),
                                    align="left" if key in ("unit", "problem", "office") else "center")
                          for key, _label in heads))
    if not result.detail:
        rows.append((TableCell("无逾期未完成的整改问题", span=len(heads), align="center"),))
    a = result.scope.as_of
    rows.append((TableCell(f"逾期工作日计至{a.year}年{a.month}月{a.day}日；督办次数为该整改的督办记录数。",
                           span=len(heads)),))
    return TableSpec(DETAIL_WIDTHS, tuple(rows), 1, f"（{result.period.title}）")


# more figure columns than stand on A4 upright at 4号 (their headers set a character a line)
STANDING_COLUMNS = 7


def _wide(result: ReportResult) -> bool:
    if result.defn.kind == "deadlines":
        return True                         # nine columns of names, titles and dates
    return len(result.columns) > STANDING_COLUMNS


def report_specs(result: ReportResult) -> tuple[LetterSpec, ...]:
    """The report, then its appended list when the report has one."""
    main = LetterSpec(doc_type="统计报表", format=LetterFormat.FORM, office=result.office_name,
                      title=result.defn.title, table=report_table(result), sealed=False,
                      landscape=_wide(result))
    if not result.defn.detail:
        return (main,)
    appended = LetterSpec(doc_type="统计报表", format=LetterFormat.FORM, office=result.office_name,
                          title=f"{result.defn.title}·逾期明细清单", table=detail_table(result), sealed=False)
    return (main, appended)


def write_pdf(s, result: ReportResult, path: Path | str) -> Path:
    render_pdf(report_specs(result), path)
    return Path(path)


# ---------------------------------------------------------------- 年度通报

def annual_bulletin_spec(s, year: int, on: date | None = None) -> LetterSpec:
    """关于{year}年度日常监督工作情况的通报: the year's figures in the 文件 format."""
    from desktop_app.reports import service
    period = str(year)
    talk = service.run(s, "talk", period)
    letter = service.run(s, "letter", period)
    rect = service.run(s, "rectification", period)
    duty = service.run(s, "duty_report", period)
    warn = service.run(s, "warning_session", period)
    first = service.run(s, "first_form", period)
    t = lambda res, key: _num(res.value(TOTAL, key), False)  # noqa: E731
    ranks = [(c.label, t(talk, c.key)) for c in talk.columns if c.group.startswith("按对象层级")]
    body = [
        f"{year}年，全县各级纪检监察机关坚持把监督挺在前面，持续深化日常监督，现将有关情况通报如下。",
        "一、谈话函询情况",
        f"全年开展各类谈话{t(talk, 'times')}次、{t(talk, 'persons')}人次，其中"
        + "、".join(f"{label}{n}人次" for label, n in ranks if n != "0") + "。"
        f"发出函件{t(letter, 'sent')}件，已回复{t(letter, 'replied')}件，按期回复{t(letter, 'on_time')}件，"
        f"逾期未回复{t(letter, 'overdue')}件。",
        "二、整改落实情况",
        f"年内到期整改问题{t(rect, 'total')}个，已完成{t(rect, 'done')}个，整改率{_num(rect.value(TOTAL, 'rate'), True)}%；"
        f"按期完成{t(rect, 'on_time')}个，按期率{_num(rect.value(TOTAL, 'on_time_rate'), True)}%；"
        f"逾期未完成{t(rect, 'overdue')}个。",
        "三、述责述廉和警示教育情况",
        f"应述责述廉{t(duty, 'expected_n')}人次，按时{t(duty, 'on_time_n')}人次，点评{t(duty, 'reviewed')}人次。"
        f"开展警示教育{t(warn, 'sessions')}场次，受教育{t(warn, 'educated')}人次，覆盖{t(warn, 'units')}个单位。",
        "四、运用监督执纪第一种形态情况",
        "、".join(f"{c.label}{t(first, c.key)}人次" for c in first.columns) + "。",
        "五、下一步工作要求",
        "各单位要对照通报情况，逐项查找差距，对逾期未完成的整改事项和逾期未回复的函件限期办结，"
        "持续推动日常监督走深走实。",
    ]
    table = TableSpec((5.0, 3.0, 3.0, 3.0, 3.0), (
        (_head("项目"), _head("次（件）数"), _head("人次"), _head("已完成/已回复"), _head("逾期")),
        (TableCell("谈话"), TableCell(t(talk, "times"), align="center"), TableCell(t(talk, "persons"), align="center"),
         TableCell("—", align="center"), TableCell("—", align="center")),
        (TableCell("函件"), TableCell(t(letter, "sent"), align="center"), TableCell("—", align="center"),
         TableCell(t(letter, "replied"), align="center"), TableCell(t(letter, "overdue"), align="center")),
        (TableCell("整改问题"), TableCell(t(rect, "total"), align="center"), TableCell("—", align="center"),
         TableCell(t(rect, "done"), align="center"), TableCell(t(rect, "overdue"), align="center")),
    ), 1, f"{year}年度日常监督主要数据")
    return LetterSpec(doc_type="通报", format=LetterFormat.FILE, office=s.office_name,
                      title=f"关于{year}年度日常监督工作情况的通报", recipient="各乡镇纪委，县纪委监委各派驻纪检监察组",
                      body=tuple(body), date=on or s.today(), sealed=True, table=table, mark="内部")


def write_bulletin(s, year: int, path: Path | str, on: date | None = None) -> Path:
    from desktop_app.services.outputs import record_output
    render_pdf(annual_bulletin_spec(s, year, on), path)
    record_output(s, "导出", f"{year}年度日常监督工作情况通报", detail={"file": Path(path).name})
    return Path(path)
