"""Fixtures for the security GUI tests: the demo county with one account per role."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from secui import PASSWORD, ROLE  # noqa: E402


@pytest.fixture(autouse=True)
def _cheap_kdfs(monkeypatch):
    from desktop_app.security import backup_crypto, passwords
    monkeypatch.setattr(passwords, "current_cost", passwords.Cost(n=1 << 10, r=8, p=1))
    monkeypatch.setattr(backup_crypto, "KDF_DEFAULT", {"t": 1, "m": 8 * 1024, "p": 1})


@pytest.fixture
def office(demo_dir) -> Path:
    """The demo folder with 管理员甲, 录入员乙, 审核人丙 and 审计员丁."""
    from desktop_app.security import accounts
    from desktop_app.security.roles import Role
    from desktop_app.services.session import open_session
    from desktop_app.store.db import transaction
    s = open_session(demo_dir)
    try:
        with transaction(s.conn):
            for name, password in PASSWORD.items():
                accounts.insert(s.conn, name=name, role=Role(ROLE[name]), password=password,
                                actor="测试", ts="2026-03-10T08:00:00")
    finally:
        s.close()
    return demo_dir


@pytest.fixture
def identity(office):
    from desktop_app.security import auth
    from secui import clock

    def make(name: str = "管理员甲"):
        return auth.authenticate(office, name, PASSWORD[name], clock=clock)
    return make
