"""回避: opening one's own or a relative's 廉政档案 warns or is refused, and is audited."""
from __future__ import annotations

import pytest

from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.security import avoidance, policy
from desktop_app.security.avoidance import AvoidanceRefused
from desktop_app.services import queries, records
from security_testkit import audit_rows, make_unit_person


@pytest.fixture
def people(as_user):
    clerk = as_user("录入员乙")
    unit, me = make_unit_person(clerk, "录入员乙本人")
    spouse = records.create(clerk, "person", {"name": "配偶某", "unit_id": unit.id}).record
    other = records.create(clerk, "person", {"name": "无关某", "unit_id": unit.id}).record
    admin = as_user("管理员甲")
    avoidance.set_self(admin, "录入员乙", me.id)
    avoidance.add_relative(admin, "录入员乙", spouse.id, "配偶")
    return clerk, admin, me, spouse, other


def test_default_rule_warns_and_records(people, office):
    clerk, _, me, spouse, other = people
    d = queries.dossier(clerk, spouse.id)
    assert d.avoidance and "配偶" in d.avoidance and d.entries is not None
    assert audit_rows(office)[-2:] == [("录入员乙", "回避提醒"), ("录入员乙", "查阅廉政档案")]
    assert "本人" in queries.dossier(clerk, me.id).avoidance
    assert queries.dossier(clerk, other.id).avoidance is None


def test_refuse_rule_blocks_and_the_refusal_stays_in_the_log(people, office):
    clerk, admin, me, spouse, other = people
    policy.set_policy(admin, policy.AVOIDANCE, "拦截")
    for pid, who in ((spouse.id, "配偶"), (me.id, "本人")):
        with pytest.raises(AvoidanceRefused, match=who):
            queries.dossier(clerk, pid)
        assert audit_rows(office)[-1] == ("录入员乙", "回避拦截")
    assert queries.dossier(clerk, other.id).avoidance is None
    assert queries.dossier(admin, spouse.id).avoidance is None      # not the admin's relative


def test_rule_off(people):
    clerk, admin, _, spouse, _ = people
    policy.set_policy(admin, policy.AVOIDANCE, "关闭")
    assert queries.dossier(clerk, spouse.id).avoidance is None


def test_relations_are_managed_by_the_account_manager_only(people):
    clerk, admin, _, spouse, other = people
    with pytest.raises(UserFacingError, match="无权"):
        avoidance.add_relative(clerk, "录入员乙", other.id, "子女")
    with pytest.raises(ValidationError):
        avoidance.add_relative(admin, "录入员乙", "no-such-person", "子女")
    with pytest.raises(ValidationError):
        avoidance.add_relative(admin, "录入员乙", other.id, "")
    assert [(r.name, r.relation) for r in avoidance.relatives_of(admin, "录入员乙")] == [("配偶某", "配偶")]
    assert avoidance.find_persons(admin, "配偶")[0][1] == "配偶某"
    avoidance.remove_relative(admin, "录入员乙", spouse.id)
    assert queries.dossier(clerk, spouse.id).avoidance is None


def test_system_sessions_are_not_subject_to_the_rule(people, system):
    _, _, me, _, _ = people
    assert queries.dossier(system, me.id).avoidance is None
