"""Fixtures for the core tests: real SQLite files in temporary folders."""
from __future__ import annotations

import os
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from desktop_app.services.office import init_office
from desktop_app.services.session import open_session
from desktop_app.store.dump import canonical_dump

TODAY = date(2026, 11, 27)   # a Friday


@pytest.fixture(autouse=True)
def _no_real_data_dir(tmp_path, monkeypatch):
    """Keep every test out of the user's real data folder."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "localappdata"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def fixed_clock(day: date = TODAY):
    t = [datetime(day.year, day.month, day.day, 9, 0, 0)]
    def clock():
        return t[0]
    return clock


@pytest.fixture
def data_dir(tmp_path) -> Path:
    d = tmp_path / "data"
    s = init_office(d, "中共临川县纪律检查委员会", "LCX", user="录入员甲")
    s.close()
    return d


@pytest.fixture
def session(data_dir):
    s = open_session(data_dir, user="录入员甲", clock=fixed_clock())
    yield s
    s.close()


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory) -> Path:
    from desktop_app.demo import fill_demo
    d = tmp_path_factory.mktemp("demo") / "data"
    fill_demo(d, records=1500, seed=7, today=TODAY)
    return d


@pytest.fixture
def demo_dir(demo_master, tmp_path) -> Path:
    d = tmp_path / "demo"
    shutil.copytree(demo_master, d)
    return d


@pytest.fixture
def demo_session(demo_dir):
    s = open_session(demo_dir, user="录入员甲", clock=fixed_clock())
    yield s
    s.close()


def dump(s) -> str:
    return canonical_dump(s.conn)


@pytest.fixture
def unit(session):
    from desktop_app.services import records
    return records.create(session, "unit", {"name": "城关镇", "category": "乡镇"}).record


@pytest.fixture
def person(session, unit):
    from desktop_app.services import records
    return records.create(session, "person", {"name": "王建国", "unit_id": unit.id,
                                              "position": "党委书记", "is_top_leader": True}).record
