"""The 廉政档案 as a printable document: HTML laid out by ``QTextDocument``,
written to PDF with ``QPdfWriter`` (in a worker: no widget is involved) or
printed through ``QPrintDialog`` on the GUI thread."""
from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from desktop_app.domain.registry import FAMILIES
from desktop_app.services.queries import Dossier
from ui.columns import cn_date
from ui.style import UI_FONTS

PERSON_FIELDS = ("gender", "birth", "ethnicity", "political_status", "party_join_date",
                 "native_place", "education", "position", "rank", "position_since", "management")


def role_labels(family: str, roles: str | None) -> str:
    fam = FAMILIES[family]
    out = []
    for name in (roles or "").split(","):
        try:
            out.append(fam.field(name).label)
        except KeyError:
            continue
    return "、".join(dict.fromkeys(out))


def _value_text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        return cn_date(value)
    return str(value)


def dossier_html(d: Dossier, entries, office: str, printed_by: str, now: datetime) -> str:
    """The whole 廉政档案 (``entries``: every record, ``queries.dossier_entries``)."""
    p, fam = d.person, FAMILIES["person"]
    e = html.escape
    cells = [f"<td class='k' width='12%'>{e(fam.field(n).label)}</td>"
             f"<td width='21%'>{e(_value_text(p.get(n)))}</td>"
             for n in PERSON_FIELDS]
    rows = "".join("<tr>" + "".join(cells[i:i + 3]) + "</tr>" for i in range(0, len(cells), 3))
    body = "".join(
        f"<tr><td>{e(cn_date(x.date) if x.date else '')}</td><td>{e(x.family_label)}</td>"
        f"<td>{e(x.title)}</td><td>{e(role_labels(x.family, x.roles))}</td><td>{e(x.status)}</td></tr>"
        for x in entries) or "<tr><td colspan='5'>暂无记录</td></tr>"
    return f"""
<html><head><style>
body {{ font-size: 10.5pt; }}
h1 {{ font-size: 18pt; text-align: center; margin-bottom: 2px; }}
p.sub {{ text-align: center; color: #444; }}
table {{ border-collapse: collapse; border-color: #888; }}
th {{ background: #eee; }}
td.k {{ background: #f4f4f4; white-space: nowrap; }}
p.foot {{ color: #555; font-size: 9pt; }}
</style></head><body>
<h1>廉政档案</h1>
<p class="sub">{e(p['name'])}　{e(d.unit_name)}　{e(p.get('position') or '')}</p>
<h3>基本情况</h3>
<table width="100%" border="1" cellspacing="0" cellpadding="4">{rows}</table>
<h3>监督记录（按日期排列，共 {len(entries)} 条）</h3>
<table width="100%" border="1" cellspacing="0" cellpadding="4"><tr><th width="17%">日期</th>
<th width="17%">类别</th><th>事项</th><th width="14%">身份</th><th width="9%">状态</th></tr>{body}</table>
<p class="foot">{e(office)}　打印人：{e(printed_by)}　打印时间：{cn_date(now.date())} {now:%H:%M}　
工作秘密，注意保管，不得擅自复制、传播。</p>
</body></html>"""


def make_document(html_text: str) -> QTextDocument:
    doc = QTextDocument()
    font = QFont()
    font.setFamilies(list(UI_FONTS))
    font.setPointSizeF(10.5)
    doc.setDefaultFont(font)
    doc.setHtml(html_text)
    return doc


def write_pdf(html_text: str, path: Path) -> Path:
    """A4 with 2 cm margins; safe to call in a worker thread."""
    writer = QPdfWriter(str(path))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    # QTextDocument.print_ adds 2 cm margins of its own inside the page layout
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    writer.setTitle("廉政档案")
    doc = make_document(html_text)
    doc.print_(writer)
    return path
