"""A filtered list as an HTML table for the printer (made in a worker; Qt-free):
the same columns and texts as on screen, landscape-friendly, with who printed
it and when."""
from __future__ import annotations

import html

from desktop_app.domain.registry import family as get_family
from desktop_app.services import queries
from desktop_app.services.queries import ListFilter
from ui import listing
from ui.columns import cn_date, columns_for

PRINT_LIMIT = 2000


def list_html(s, job, family: str, flt: ListFilter, sort: str | None, descending: bool) -> tuple[str, int]:
    """(html, rows printed)."""
    cols = columns_for(family)
    total = queries.count_records(s, family, flt)
    rows, after = [], None
    while len(rows) < min(total, PRINT_LIMIT):
        page = listing.load_page(s, family, flt, sort, descending, after, 500)
        rows.extend(page.texts)
        job.progress(len(rows), min(total, PRINT_LIMIT), f"{len(rows)} 条")
        after = page.next_key
        if after is None:
            break
    rows = rows[:PRINT_LIMIT]
    e = html.escape
    head = "".join(f"<th>{e(c.header)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{e(t)}</td>" for t in r) + "</tr>" for r in rows)
    more = f"（共 {total} 条，只打印前 {PRINT_LIMIT} 条）" if total > PRINT_LIMIT else f"（共 {total} 条）"
    now = s.now()
    return (f"<html><body style='font-size:9pt'><h2 style='text-align:center'>"
            f"{e(get_family(family).label)}台账</h2><p>{e(s.office_name)}　{more}</p>"
            f"<table width='100%' border='1' cellspacing='0' cellpadding='3'>"
            f"<tr style='background:#eee'>{head}</tr>{body}</table>"
            f"<p style='color:#555'>打印人：{e(s.user)}　打印时间：{cn_date(now.date())} {now:%H:%M}"
            "　工作秘密，注意保管。</p></body></html>", len(rows))
