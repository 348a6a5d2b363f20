"""Typing in a list's search box with the real (threaded) jobs: the rows shown
stay until the new first page replaces them in one model reset, a stale page
is dropped, and the count follows the rows."""
from __future__ import annotations

import threading

import pytest

from desktop_app.services import queries
from desktop_app.services.queries import ListFilter
from ui import listing
from ui.pages.list_page import ListPage

from uihelp import make_ctx, type_text


@pytest.fixture
def threaded(app, demo_dir):
    ctx = make_ctx(demo_dir, synchronous=False)
    yield ctx
    ctx.jobs.shutdown()


def _expected(ctx, text):
    s = ctx.open_session()
    try:
        return ([r.id for r in queries.list_records(s, "talk", ListFilter(text=text))[0]],
                queries.count_records(s, "talk", ListFilter(text=text)))
    finally:
        s.close()


def test_typing_replaces_rows_in_one_reset(threaded, qtbot, monkeypatch):
    page = ListPage(threaded, "talk")
    qtbot.addWidget(page)
    page.show()
    model = page.model
    qtbot.waitUntil(lambda: model.rowCount() > 0 and model.total is not None and not model.loading)
    before = [model.record_at(i).id for i in range(model.rowCount())]
    gate, real = threading.Event(), listing.load_page

    def held(*args, **kw):                 # the worker waits until the test has looked
        gate.wait(30)
        return real(*args, **kw)
    monkeypatch.setattr(listing, "load_page", held)
    resets, inserts = [], []
    model.modelReset.connect(lambda: resets.append(model.rowCount()))
    model.rowsInserted.connect(lambda *a: inserts.append(a))
    type_text(qtbot, page.filters.search, "约谈")
    qtbot.waitUntil(lambda: model.flt.text == "约谈" and model.loading)
    assert [model.record_at(i).id for i in range(model.rowCount())] == before   # not emptied
    assert not model.canFetchMore() and resets == []
    gate.set()
    want_ids, want_total = _expected(threaded, "约谈")
    qtbot.waitUntil(lambda: not model.loading and model.total is not None)
    assert [model.record_at(i).id for i in range(model.rowCount())] == want_ids
    assert model.total == want_total and resets == [len(want_ids)] and inserts == []
    assert f"{want_total}" in page.count_label.text()


def test_no_count_for_half_typed_words(threaded, qtbot, monkeypatch):
    """The count follows the rows only when no newer query came meanwhile: a
    word typed character by character is counted once, for the whole word."""
    page = ListPage(threaded, "talk")
    qtbot.addWidget(page)
    page.show()
    model = page.model
    qtbot.waitUntil(lambda: model.total is not None and not model.loading)
    want_ids, want_total = _expected(threaded, "约谈")
    counted, real = [], queries.count_records

    def count(s, family, flt):
        counted.append(flt.text)
        return real(s, family, flt)
    monkeypatch.setattr(queries, "count_records", count)
    model._count_timer.setInterval(600_000)          # the clerk keeps typing
    type_text(qtbot, page.filters.search, "约")
    qtbot.waitUntil(lambda: model.flt.text == "约" and not model.loading)
    assert model._count_timer.isActive() and model.total is None
    gate, load = threading.Event(), listing.load_page
    monkeypatch.setattr(listing, "load_page", lambda *a, **kw: gate.wait(30) and load(*a, **kw))
    type_text(qtbot, page.filters.search, "谈")
    qtbot.waitUntil(lambda: model.flt.text == "约谈" and model.loading)
    assert not model._count_timer.isActive()          # the count of 约 is not coming
    model._count_timer.setInterval(1)                 # … and the clerk stops typing
    gate.set()
    qtbot.waitUntil(lambda: model.total is not None)
    assert counted == ["约谈"] and model.total == want_total
    assert [model.record_at(i).id for i in range(model.rowCount())] == want_ids
