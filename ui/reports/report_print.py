"""A report as HTML for printing: the table as offices lay it out, then its chart."""
from __future__ import annotations

import html

from desktop_app.reports.due_report import ITEM_COLUMNS
from desktop_app.reports.engine import TOTAL, ReportResult
from ui.reports.report_model import cell_text

CHART_URL = "report-chart.png"
STYLE = ("table{border-collapse:collapse;width:100%} td,th{border:1px solid #000;padding:3px 5px;"
         "text-align:center;font-size:10pt} th{font-weight:bold} td.l{text-align:left}"
         "h1{text-align:center;font-size:16pt} p.m{font-size:10pt}")


def _header(result: ReportResult) -> str:
    cols = list(result.columns)
    two = any(c.group for c in cols)
    top, low = [f"<th{' rowspan=2' if two else ''}>{html.escape(result.by_label)}</th>"], []
    i = 0
    while i < len(cols):
        c = cols[i]
        if two and c.group:
            j = i
            while j + 1 < len(cols) and cols[j + 1].group == c.group:
                j += 1
            top.append(f"<th colspan={j - i + 1}>{html.escape(c.group)}</th>")
            low += [f"<th>{html.escape(x.label)}</th>" for x in cols[i:j + 1]]
            i = j + 1
        else:
            top.append(f"<th{' rowspan=2' if two else ''}>{html.escape(c.label)}</th>")
            i += 1
    return f"<tr>{''.join(top)}</tr>" + (f"<tr>{''.join(low)}</tr>" if two else "")


def _detail_html(result: ReportResult) -> str:
    """The appended list (整改: 逾期明细清单) under the table."""
    from desktop_app.reports.rect_detail import DETAIL_COLUMNS
    heads = "".join(f"<th>{h}</th>" for _k, h in DETAIL_COLUMNS)
    rows = [f"<h2 style=\"font-size:12pt\">逾期明细清单（{len(result.detail)} 项）</h2>",
            f"<table><tr><th>序号</th>{heads}</tr>"]
    for n, item in enumerate(result.detail, 1):
        rows.append(f"<tr><td>{n}</td>" + "".join(
            f"<td{' class=l' if k in ('unit', 'problem', 'office') else ''}>{html.escape(str(item.get(k, '')))}</td>"
            for k, _h in DETAIL_COLUMNS) + "</tr>")
    if not result.detail:
        rows.append(f"<tr><td colspan={len(DETAIL_COLUMNS) + 1}>无逾期未完成的整改问题</td></tr>")
    rows.append("</table>")
    return "".join(rows)


def report_html(result: ReportResult, chart_png: bytes | None) -> str:
    parts = [f"<html><head><style>{STYLE}</style></head><body>",
             f"<h1>{html.escape(result.defn.title)}</h1>",
             f"<p class=m>填报单位：{html.escape(result.office_name)}　　统计期间：{html.escape(result.period.title)}"
             f"（截至{result.scope.as_of.isoformat()}）</p><table>"]
    if result.defn.kind == "deadlines":
        parts.append("<tr><th>序号</th>" + "".join(f"<th>{h}</th>" for _k, h in ITEM_COLUMNS) + "</tr>")
        for n, item in enumerate(result.items, 1):
            parts.append(f"<tr><td>{n}</td>" + "".join(
                f"<td class=l>{html.escape(str(item.get(k, '')))}</td>" for k, _h in ITEM_COLUMNS) + "</tr>")
    else:
        parts.append(_header(result))
        for r in [*result.rows, None]:
            key = TOTAL if r is None else r.key
            label = "合计" if r is None else r.label
            cells = "".join(f"<td>{cell_text(result.value(key, c.key), bool(c.ratio))}</td>" for c in result.columns)
            parts.append(f"<tr><td class=l>{'<b>' if r is None else ''}{html.escape(label)}</td>{cells}</tr>")
    parts.append("</table>")
    if result.defn.detail:
        parts.append(_detail_html(result))
    if result.defn.note:
        parts.append(f"<p class=m>说明：{html.escape(result.defn.note)}</p>")
    if chart_png:
        parts.append(f"<p><img src=\"{CHART_URL}\" width=640></p>")
    parts.append("</body></html>")
    return "".join(parts)


def report_document(result: ReportResult, chart_png: bytes | None):
    """The QTextDocument to print (the chart added as an image resource); safe in a worker."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QImage, QTextDocument
    from ui.dossier_doc import make_document
    doc = make_document(report_html(result, chart_png))
    if chart_png:
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(CHART_URL), QImage.fromData(chart_png))
        doc.setHtml(report_html(result, chart_png))
    return doc
