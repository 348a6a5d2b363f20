"""The pages of 统计 in the main window's navigation (made on first visit)."""
from __future__ import annotations


def make(key: str, ctx):
    if key == "reports":
        from ui.reports.report_page import ReportPage
        return ReportPage(ctx)
    from ui.reports.import_page import ImportPage
    return ImportPage(ctx)
