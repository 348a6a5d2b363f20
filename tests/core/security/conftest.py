"""Fixtures for the security tests: an office with one account per role."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from desktop_app.security import accounts, backup_crypto, passwords  # noqa: E402
from desktop_app.services.office import init_office  # noqa: E402
from desktop_app.services.session import open_session  # noqa: E402
from security_testkit import PASSWORD, ROLE, Clock, login  # noqa: E402


@pytest.fixture(autouse=True)
def _cheap_kdfs(monkeypatch):
    """Hundreds of logins and encrypted backups stay fast; test_auth checks the real cost."""
    monkeypatch.setattr(passwords, "current_cost", passwords.Cost(n=1 << 10, r=8, p=1))
    monkeypatch.setattr(backup_crypto, "KDF_DEFAULT", {"t": 1, "m": 8 * 1024, "p": 1})


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def office(tmp_path, clock) -> Path:
    """A data folder with an administrator, a clerk, a reviewer and an auditor."""
    d = tmp_path / "office"
    s = init_office(d, "中共临川县纪律检查委员会", "LCX", user="初始化",
                    admin=("管理员甲", PASSWORD["管理员甲"]))
    s.close()
    s = login(d, "管理员甲", clock)
    for name in ("录入员乙", "审核人丙", "审计员丁"):
        accounts.add_user(s, name, ROLE[name], PASSWORD[name])
    s.close()
    return d


@pytest.fixture
def as_user(office, clock):
    """``as_user("录入员乙")`` → a logged-in session, closed after the test."""
    opened = []

    def make(name: str):
        s = login(office, name, clock)
        opened.append(s)
        return s
    yield make
    for s in opened:
        s.close()


@pytest.fixture
def system(office, clock):
    s = open_session(office, user="测试", clock=clock)
    yield s
    s.close()
