"""Every family's page opens and lists the demo data; the other pages open too."""
from __future__ import annotations

import pytest

from desktop_app.domain.registry import FAMILIES
from desktop_app.services import queries
from ui.pages.list_page import ListPage
from ui.pages.navigation import DASHBOARD, DOSSIER, SEARCH, grouped_families

# The demo county has no attachments, issued documents or office templates:
# a clerk makes those. Their pages must open all the same.
NOT_IN_DEMO = {"attachment", "document", "letter_template", "report_def"}


def test_navigation_offers_every_family(window):
    assert set(grouped_families()) == set(FAMILIES)
    assert set(window.nav.items) >= set(FAMILIES) | {"dashboard", "search", "dossier", "exchange",
                                                      "conflicts"}
    assert all(name in window.nav.items for name in FAMILIES)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_family_page_lists_demo_data(window, ctx, family):
    page = window.show_page(family)
    assert isinstance(page, ListPage) and window.stack.currentWidget() is page
    s = ctx.open_session()
    total = queries.count_records(s, family)
    s.close()
    assert total > 0 or family in NOT_IN_DEMO
    assert page.model.rowCount() == min(total, 200)
    assert page.model.total == total
    assert f"共 {total} 条" in page.count_label.text()
    if total:
        assert page.model.index(0, 0).data() is not None


def test_dashboard_search_and_dossier_pages(window):
    dash = window.show_page(DASHBOARD)
    assert dash.data is not None and dash.due_model.rowCount() > 0
    assert window.show_page(SEARCH).model.rowCount() == 0
    dossier = window.show_page(DOSSIER)
    assert dossier.dossier is None and not dossier.print_button.isEnabled()


def test_exchange_pages_open_from_the_navigation(window, qtbot):
    from desktop_app.domain.record import Changes, RecordRef
    from ui.pages.navigation import CONFLICTS, EXCHANGE
    talks = window.show_page("talk")
    for key in (EXCHANGE, CONFLICTS):
        page = window.show_page(key)
        assert window.stack.currentWidget() is page
        qtbot.waitSignal(page.loaded, timeout=5000, raising=False).wait()
    refreshed = []
    talks.model.page_loaded.connect(refreshed.append)
    talks.dirty = False
    window.pages[EXCHANGE].families_changed.emit(frozenset({"talk"}))   # an import brought talks
    assert talks.dirty or refreshed


def test_page_switching_keeps_pages(window):
    first = window.show_page("talk")
    window.show_page("letter")
    assert window.show_page("talk") is first
    window.nav.select("letter")
    assert window.current_key() == "letter"


def test_window_title_shows_office(window, ctx):
    assert ctx.office_name in window.windowTitle() and "监督台账" not in window.windowTitle()


def test_dossier_shows_the_avoidance_warning(window, answers):
    import dataclasses
    from desktop_app.services import queries
    page = window.show_page(DOSSIER)
    s = window.ctx.open_session()
    try:
        person = s.conn.execute("SELECT id FROM person LIMIT 1").fetchone()[0]
        d = queries.dossier(s, person)
    finally:
        s.close()
    page._show(dataclasses.replace(d, avoidance="回避提醒：测试人是您的配偶。"))
    assert answers.infos[-1] == "回避提醒：测试人是您的配偶。"
    assert page.note.text() == "回避提醒：测试人是您的配偶。"
