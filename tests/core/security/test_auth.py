"""Logging in: passwords, the policy, lockout that survives restarts, the screen lock."""
from __future__ import annotations

import hashlib

import pytest

from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.security import accounts, auth, passwords, policy
from desktop_app.security.auth import LoginFailed
from desktop_app.services.session import open_session
from desktop_app.store.dump import dump_digest
from security_testkit import PASSWORD, audit_rows, login


def test_login_gives_the_account_role_and_is_audited(office, clock):
    s = login(office, "审核人丙", clock)
    try:
        assert (s.user, s.role) == ("审核人丙", "审核人")
    finally:
        s.close()
    assert audit_rows(office)[-1] == ("审核人丙", "登录")


@pytest.mark.parametrize("name, password", [("审核人丙", "wrong-Pass-1"), ("没有这人", "Whatever-1"),
                                            ("", ""), ("审核人丙", "")])
def test_wrong_name_or_password_is_one_line_and_audited(office, clock, name, password):
    with pytest.raises(LoginFailed) as e:
        auth.login(office, name, password, clock=clock)
    assert "\n" not in str(e.value) and "不正确" in str(e.value)
    assert audit_rows(office)[-1] == (name or "（空）", "登录失败")


def test_five_failures_lock_the_account_across_restarts_until_the_period_ends(office, clock):
    for i in range(4):
        with pytest.raises(LoginFailed, match=f"再输错 {4 - i} 次"):
            auth.login(office, "录入员乙", "Wrong-pass-1", clock=clock)
    with pytest.raises(LoginFailed, match="锁定 30 分钟"):
        auth.login(office, "录入员乙", "Wrong-pass-1", clock=clock)
    assert audit_rows(office)[-2:] == [("录入员乙", "登录失败"), ("录入员乙", "账户锁定")]
    # a fresh process sees the lock: it is in the database, and the right password does not help
    with pytest.raises(LoginFailed, match="已被锁定"):
        login(office, "录入员乙", clock)
    assert audit_rows(office)[-1] == ("录入员乙", "登录被拒")
    clock.advance(minutes=29)
    with pytest.raises(LoginFailed, match="已被锁定"):
        login(office, "录入员乙", clock)
    clock.advance(minutes=2)
    login(office, "录入员乙", clock).close()
    with pytest.raises(LoginFailed, match="再输错 4 次"):     # counting starts afresh
        auth.login(office, "录入员乙", "Wrong-pass-1", clock=clock)


def test_success_resets_the_count(office, clock):
    for _ in range(4):
        with pytest.raises(LoginFailed):
            auth.login(office, "录入员乙", "Wrong-pass-1", clock=clock)
    login(office, "录入员乙", clock).close()
    with pytest.raises(LoginFailed, match="再输错 4 次"):
        auth.login(office, "录入员乙", "Wrong-pass-1", clock=clock)


def test_administrator_unlocks_and_lockout_period_is_a_setting(office, clock, as_user):
    admin = as_user("管理员甲")
    policy.set_policy(admin, policy.LOCKOUT_MINUTES, "5")
    for _ in range(5):
        with pytest.raises(LoginFailed):
            auth.login(office, "录入员乙", "Wrong-pass-1", clock=clock)
    clock.advance(minutes=6)
    login(office, "录入员乙", clock).close()
    for _ in range(5):
        with pytest.raises(LoginFailed):
            auth.login(office, "录入员乙", "Wrong-pass-1", clock=clock)
    accounts.unlock(admin, "录入员乙")
    login(office, "录入员乙", clock).close()
    assert ("管理员甲", "解除锁定") in audit_rows(office)


def test_disabled_account_cannot_log_in(office, clock, as_user):
    accounts.set_active(as_user("管理员甲"), "录入员乙", False)
    with pytest.raises(LoginFailed, match="已停用"):
        login(office, "录入员乙", clock)
    with pytest.raises(LoginFailed, match="不正确"):            # no hint without the password
        auth.login(office, "录入员乙", "Wrong-pass-1", clock=clock)


@pytest.mark.parametrize("password, why", [
    ("Ab1-", "至少 8 位"), ("abcdefgh", "至少三类"), ("abcd1234", "至少三类"), ("ABCDabcd", "至少三类"),
    ("Abcd\n1234", "控制字符"), ("x" * 129, "最多"), ("新录入员Ab-12", "账户名")])
def test_password_policy(as_user, password, why):
    admin = as_user("管理员甲")
    before = dump_digest(admin.conn)
    with pytest.raises(ValidationError, match=why):
        accounts.add_user(admin, "新录入员", "录入员", password)
    assert dump_digest(admin.conn) == before


def test_policy_accepts_three_kinds_including_chinese_signs():
    for ok in ("abcd1234!", "Abcd1234", "密码abcd12", "ABCD-1234"):
        assert passwords.check_policy(ok) == ok


def test_change_own_password_needs_the_old_one(as_user, office, clock):
    s = as_user("录入员乙")
    with pytest.raises(ValidationError, match="原口令不正确"):
        accounts.change_own_password(s, "Wrong-pass-1", "Brand-new-1")
    with pytest.raises(ValidationError, match="不能与原口令相同"):
        accounts.change_own_password(s, PASSWORD["录入员乙"], PASSWORD["录入员乙"])
    accounts.change_own_password(s, PASSWORD["录入员乙"], "Brand-new-1")
    auth.login(office, "录入员乙", "Brand-new-1", clock=clock).close()
    with pytest.raises(LoginFailed):
        login(office, "录入员乙", clock)


def test_reset_password_by_the_administrator(as_user, office, clock):
    accounts.reset_password(as_user("管理员甲"), "录入员乙", "Reset-pass-1")
    auth.login(office, "录入员乙", "Reset-pass-1", clock=clock).close()
    assert ("管理员甲", "重置口令") in audit_rows(office)


def test_hashes_are_salted_memory_hard_and_nfc():
    a, b = passwords.hash_password("Same-pass-1"), passwords.hash_password("Same-pass-1")
    assert a != b and a.startswith("scrypt$") and passwords.verify_password("Same-pass-1", a)
    assert passwords.DEFAULT_COST == passwords.Cost(1 << 15, 8, 1)     # 32 MiB per check
    decomposed = "Cafe\u0301-pass-1"
    assert passwords.verify_password("Caf\u00e9-pass-1", passwords.hash_password(decomposed))
    assert not passwords.verify_password("x", "md5$whatever") and not passwords.verify_password("x", "")
    assert hashlib.sha256(b"Same-pass-1").hexdigest() not in a


def test_the_default_cost_hash_verifies(monkeypatch):
    monkeypatch.setattr(passwords, "current_cost", passwords.DEFAULT_COST)
    stored = passwords.hash_password("Real-cost-1")
    assert stored.startswith("scrypt$32768$8$1$") and passwords.verify_password("Real-cost-1", stored)


def test_cheaper_old_hash_is_upgraded_at_login(office, clock, monkeypatch):
    monkeypatch.setattr(passwords, "current_cost", passwords.Cost(n=1 << 11, r=8, p=1))
    login(office, "录入员乙", clock).close()
    s = open_session(office)
    try:
        stored = s.conn.execute("SELECT password FROM account WHERE name = '录入员乙'").fetchone()[0]
    finally:
        s.close()
    assert stored.startswith("scrypt$2048$")


def test_identity_opens_worker_sessions_and_notices_a_disabled_account(office, clock, as_user):
    who = auth.authenticate(office, "录入员乙", PASSWORD["录入员乙"], clock=clock)
    s = who.open_session()
    assert (s.user, s.role) == ("录入员乙", "录入员")
    s.close()
    accounts.set_active(as_user("管理员甲"), "录入员乙", False)
    with pytest.raises(UserFacingError, match="已停用"):
        who.open_session()


def test_screen_lock_and_unlock_are_audited_and_count_failures(office, clock):
    who = auth.authenticate(office, "录入员乙", PASSWORD["录入员乙"], clock=clock)
    s = who.open_session()
    auth.lock_screen(s, minutes_idle=10)
    s.close()
    with pytest.raises(LoginFailed):
        auth.unlock_screen(who, "Wrong-pass-1")
    auth.unlock_screen(who, PASSWORD["录入员乙"])
    assert audit_rows(office)[-3:] == [("录入员乙", "锁屏"), ("录入员乙", "登录失败"), ("录入员乙", "解除锁屏")]


def test_idle_minutes_setting_is_checked(as_user):
    admin = as_user("管理员甲")
    assert policy.get_int(admin.conn, policy.IDLE_MINUTES) == 10
    policy.set_policy(admin, policy.IDLE_MINUTES, "3")
    assert policy.get_int(admin.conn, policy.IDLE_MINUTES) == 3
    with pytest.raises(ValidationError):
        policy.set_policy(admin, policy.IDLE_MINUTES, "0")
    with pytest.raises(ValidationError):
        policy.set_policy(admin, "security.nonsense", "1")


def test_first_administrator_only_once(office):
    with pytest.raises(UserFacingError, match="已有账户"):
        accounts.create_first_admin(office, "第二个管理员", "Second-admin-1")


def test_init_refuses_a_weak_admin_password_before_creating_anything(tmp_path):
    from desktop_app.services.office import init_office
    with pytest.raises(ValidationError):
        init_office(tmp_path / "d", "某县纪委", "TEST", admin=("管理员", "weak"))
    assert not (tmp_path / "d" / "taizhang.db").exists()
