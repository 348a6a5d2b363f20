"""The generic lazily loaded table model: Qt's model tester, paging, SQL sort and filters."""
from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.services import queries
from desktop_app.services.queries import ListFilter
from ui.models.record_model import RECORD_ID_ROLE, RecordTableModel
from ui.models.rows_model import Row, RowsModel


def _count(ctx, family, flt=ListFilter()):
    s = ctx.open_session()
    try:
        return queries.count_records(s, family, flt)
    finally:
        s.close()


def test_model_tester_on_record_model(ctx, qtmodeltester):
    model = RecordTableModel("talk", ctx.jobs, page_size=20)
    model.set_query(ListFilter(), sort_key="talk_date")
    assert model.rowCount() == 20 and model.canFetchMore()
    qtmodeltester.check(model)


def test_model_tester_on_every_family(ctx, qtmodeltester):
    for family in ("person", "rectification", "rect_item", "letter", "duty_report"):
        model = RecordTableModel(family, ctx.jobs, page_size=15)
        model.set_query(ListFilter())
        qtmodeltester.check(model)


def test_fetch_more_pages_through_everything(ctx):
    model = RecordTableModel("rect_item", ctx.jobs, page_size=25)
    model.set_query(ListFilter())
    while model.canFetchMore():
        model.fetchMore()
    ids = [model.index(r, 0).data(RECORD_ID_ROLE) for r in range(model.rowCount())]
    assert len(ids) == len(set(ids)) == _count(ctx, "rect_item") == model.total


def test_sorting_is_done_in_sql(ctx):
    model = RecordTableModel("talk", ctx.jobs, page_size=10)
    model.set_query(ListFilter())
    col = next(i for i, c in enumerate(model.columns) if c.key == "talk_date")
    model.sort(col, Qt.SortOrder.AscendingOrder)
    first = [r.get("talk_date") for r in model.rows]
    assert first == sorted(first)
    while model.canFetchMore():
        model.fetchMore()
    everything = [r.get("talk_date") for r in model.rows]
    assert everything == sorted(everything) and first == everything[:10]


def test_person_column_is_not_sortable(ctx):
    model = RecordTableModel("talk", ctx.jobs)
    model.set_query(ListFilter())
    before = [r.id for r in model.rows]
    col = next(i for i, c in enumerate(model.columns) if c.key == "person_ids")
    model.sort(col, Qt.SortOrder.AscendingOrder)
    assert [r.id for r in model.rows] == before


def test_names_not_ids_in_person_and_unit_columns(ctx):
    model = RecordTableModel("talk", ctx.jobs)
    model.set_query(ListFilter())
    col = next(i for i, c in enumerate(model.columns) if c.key == "person_ids")
    text = model.index(0, col).data()
    assert text and "-" not in text          # a name, not a UUID


def test_text_filter_two_characters(ctx):
    model = RecordTableModel("talk", ctx.jobs)
    model.set_query(ListFilter(text="约谈"))
    assert model.rowCount() == model.total == _count(ctx, "talk", ListFilter(text="约谈")) > 0


def test_level_filter_and_colours(ctx):
    model = RecordTableModel("rect_item", ctx.jobs)
    model.set_query(ListFilter(level="red"))
    assert model.rowCount() > 0
    brush = model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole)
    assert brush is not None
    due_col = next(i for i, c in enumerate(model.columns) if c.key == "_due")
    assert "逾期" in model.index(0, due_col).data()


def test_stale_page_is_dropped(ctx):
    model = RecordTableModel("talk", ctx.jobs)
    model.set_query(ListFilter())
    gen = model.generation
    model.set_query(ListFilter(text="不会有这种文字"))
    assert model.rowCount() == 0
    from ui.listing import Page
    model._append(gen, Page([object()], None))          # a late page of the old query
    assert model.rowCount() == 0


def test_rows_model(qtmodeltester):
    model = RowsModel(("甲", "乙"))
    model.set_rows([Row(("1", "2"), payload=("talk", "x")), Row(("3", "4"))])
    qtmodeltester.check(model)
    assert model.payload(0) == ("talk", "x") and model.payload(5) is None
