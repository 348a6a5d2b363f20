import sys
from pathlib import Path

import pytest

# The sync test kit (offices with keys, exports with a tiny KDF) lives beside the core tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "core" / "exchange"))


@pytest.fixture
def pair(tmp_path, qapp):
    """A county and its city, trusting each other; the county holds some records."""
    from sync_kit import county_records, make_node, trust
    county = make_node(tmp_path, "county", "CNTY-A", "甲县纪委监委")
    city = make_node(tmp_path, "city", "CITY", "乙市纪委监委")
    trust(county, city)
    ids = county_records(county)
    yield county, city, ids, tmp_path
    county.close()
    city.close()


@pytest.fixture
def answers(monkeypatch):
    """The exchange pages' dialogs, answered by the test."""
    from ui.exchange import prompts
    state = {"errors": [], "infos": [], "yes": [], "passphrase": None, "file": None,
             "dir": None}
    monkeypatch.setattr(prompts, "show_error", lambda parent, m: state["errors"].append(m))
    monkeypatch.setattr(prompts, "show_info", lambda parent, m: state["infos"].append(m))
    monkeypatch.setattr(prompts, "ask_yes_no",
                        lambda parent, q: state["yes"].pop(0) if state["yes"] else False)
    monkeypatch.setattr(prompts, "ask_passphrase", lambda parent, p: state["passphrase"])
    monkeypatch.setattr(prompts, "ask_open_file", lambda parent, t, p: state["file"])
    monkeypatch.setattr(prompts, "ask_save_file", lambda parent, t, n, p: state["file"])
    monkeypatch.setattr(prompts, "ask_directory", lambda parent, t: state["dir"])
    return state


@pytest.fixture(autouse=True)
def _workers_finish(qapp):
    """No exchange thread outlives its test."""
    yield
    from ui.exchange.worker import wait_all
    assert wait_all(30000)
    qapp.processEvents()
