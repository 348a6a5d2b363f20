"""A first ``--demo`` start killed during the fill leaves a half-filled folder: the
next start rebuilds it instead of opening it."""
from __future__ import annotations


import pytest

from desktop_app import demo
from desktop_app.demo_text import OFFICE_CODE, OFFICE_NAME
from desktop_app.services.office import init_office
from desktop_app.services.session import database_path, open_session
from ui import app as app_module

from uihelp import clock


# the program installs its log file handler on start; each test takes it off again
pytestmark = pytest.mark.usefixtures("drop_log_handlers")


def test_half_filled_demo_folder_is_rebuilt_on_start(app, tmp_path, monkeypatch, qtbot):
    folder = tmp_path / "demo"
    # what a killed first fill leaves: the office and its marker, no records
    init_office(folder, OFFICE_NAME, OFFICE_CODE, settings={demo.FILLING: "1"}).close()
    real = demo.fill_demo
    monkeypatch.setattr(demo, "fill_demo", lambda d, **kw: real(d, records=300, **kw))
    st = app_module.Startup(folder, True, clock=clock, synchronous=True, install_hooks=False)
    ended = []
    st.failed.connect(ended.append)
    st.begin()
    qtbot.addWidget(st.window)
    assert not ended and st.window is not None
    s = open_session(folder)
    try:
        assert s.setting(demo.FILLING) is None
        assert s.conn.execute("SELECT count(*) FROM talk").fetchone()[0] >= 3
    finally:
        s.close()
    assert database_path(folder).exists()
