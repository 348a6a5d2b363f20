"""The printable per-import report (exchange.md §3.6, R10): sender, sequence, hash,
counts, conflicts, gaps, rejections, operator — one HTML file per import, which any
browser prints, in ``<data_dir>/exchange/reports/<package_id>.html``."""
from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from desktop_app.filenames import clean_name, inside

from . import housekeeping

_ROWS = (("new", "新增"), ("updated", "更新"), ("unchanged", "未变"), ("conflicts", "冲突"),
         ("rejected", "拒绝"))
_KINDS = {"concurrent": "同时修改", "edit_void": "修改与作废", "duplicate_key": "台账编号重复"}


def report_path(data_dir: Path, package_id: str) -> Path:
    """The package id is a checked UUID; the path is still proven inside the folder."""
    return inside(housekeeping.reports_dir(data_dir), clean_name(f"{package_id}.html"))


def _table(head: list[str], rows: list[list[Any]]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{cells}</tr>{body}</table>"


def render(summary: dict[str, Any], operator: str) -> str:
    e = html.escape
    facts = [["发件单位", summary["sender"]], ["序号", summary["seq"]],
             ["数据包编号", summary["package_id"]], ["SHA-256", summary.get("sha256", "")],
             ["生成时间（UTC）", summary.get("created_utc", "")],
             ["导入时间（UTC）", summary.get("imported_utc", "")], ["操作人", operator]]
    parts = ["<h1>数据包导入报告</h1>", _table(["项目", "内容"], facts),
             "<h2>汇总</h2>", _table([label for _, label in _ROWS],
                                    [[summary.get(k, 0) for k, _ in _ROWS]])]
    if summary.get("warnings"):
        parts.append("<h2>提示</h2><ul>" + "".join(f"<li>{e(w)}</li>"
                                                  for w in summary["warnings"]) + "</ul>")
    if summary.get("conflict_list"):
        parts += ["<h2>冲突</h2>", _table(["类别", "记录", "类型", "不同的字段"], [
            [c["label"], c["title"], _KINDS.get(c["kind"], c["kind"]), "、".join(c["fields"])]
            for c in summary["conflict_list"]])]
    if summary.get("rejections"):
        parts += ["<h2>拒绝</h2>", _table(["类别", "记录编号", "原因"], [
            [r["label"], r["id"], r["reason"]] for r in summary["rejections"]])]
    style = ("body{font-family:sans-serif}table{border-collapse:collapse}"
             "td,th{border:1px solid #888;padding:2px 8px}")
    return (f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>数据包导入报告</title><style>{style}</style></head>"
            f"<body>{''.join(parts)}</body></html>")


def write_report(data_dir: Path, summary: dict[str, Any], operator: str) -> Path:
    path = report_path(data_dir, summary["package_id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(render(summary, operator))
    return path
