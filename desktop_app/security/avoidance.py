"""回避: a user should not open the 廉政档案 of themselves or of a relative.

Each account may be tied to its own person record and to a list of relatives
(person, relation). The office setting ``security.avoidance`` says what happens
when a user opens such a file: 关闭 (nothing), 提醒 (the file opens, the user
sees a warning and the audit log gets a 回避提醒 entry) or 拦截 (refused, and
the refusal is audited as 回避拦截).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from desktop_app.errors import UserFacingError, ValidationError
from desktop_app.security import authz, policy
from desktop_app.security.roles import Permission, Role
from desktop_app.store import audit
from desktop_app.store.db import transaction

SELF = "本人"


class AvoidanceRefused(UserFacingError):
    """The office refuses opening a file the user must keep away from."""


@dataclass(frozen=True)
class Relative:
    person_id: str
    name: str
    relation: str


def relation_to(conn, account: str, person_id: str) -> str | None:
    """本人, the recorded relation, or None."""
    row = conn.execute("SELECT person_id FROM account WHERE name = ?", (account,)).fetchone()
    if row and row[0] == person_id:
        return SELF
    row = conn.execute("SELECT relation FROM account_relative WHERE account = ? AND person_id = ?",
                       (account, person_id)).fetchone()
    return row[0] if row else None


def check_open(s, person_id: str, person_name: str, what: str = "查阅廉政档案") -> str | None:
    """Apply the rule before a file is shown; returns the warning to show, if any.

    Call it outside any transaction: the 回避拦截 or 回避提醒 entry is committed
    on its own, so that a refusal stays in the log although nothing is shown.
    """
    if s.role == Role.SYSTEM:
        return None
    mode = policy.get(s.conn, policy.AVOIDANCE)
    relation = None if mode == "关闭" else relation_to(s.conn, s.user, person_id)
    if relation is None:
        return None
    refuse = mode == "拦截"
    with transaction(s.conn):
        audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user,
                     action="回避拦截" if refuse else "回避提醒", family="person",
                     record_id=person_id, detail={"name": person_name, "relation": relation,
                                                  "what": what})
    whose = "您本人" if relation == SELF else f"您的{relation}"
    if refuse:
        raise AvoidanceRefused(f"按回避规定，您不能查阅{whose}（{person_name}）的廉政档案。")
    return (f"回避提醒：{person_name}是{whose}。按回避规定，本人及亲属的档案应由他人查阅；"
            "本次查阅已记入审计日志。")


def _person_name(s, person_id: str) -> str:
    with authz.unguarded(s) as conn:
        row = conn.execute("SELECT name FROM person WHERE id = ? AND voided = 0",
                           (person_id,)).fetchone()
    if row is None:
        raise ValidationError("person_id", f"找不到人员（{person_id}）。")
    return row[0]


def find_persons(s, text: str, limit: int = 20) -> list[tuple[str, str, str]]:
    """(id, name, position) of persons whose name contains ``text``: what an account
    manager needs to pick a relative, and nothing more of their records."""
    authz.require(s, Permission.MANAGE_ACCOUNTS, "设置回避关系")
    text = unicodedata.normalize("NFC", (text or "").strip())
    if not text:
        return []
    with authz.unguarded(s) as conn:
        rows = conn.execute("SELECT id, name, coalesce(position, '') FROM person WHERE voided = 0"
                            " AND (instr(name, ?) > 0 OR id = ?) ORDER BY name LIMIT ?",
                            (text, text, limit)).fetchall()
    return [tuple(r) for r in rows]


def _audit(s, action: str, account: str, detail: dict) -> None:
    audit.append(s.conn, ts=s.now().isoformat(timespec="seconds"), actor=s.user, action=action,
                 detail={"account": account} | detail)


def _account_name(s, account: str) -> str:
    row = s.conn.execute("SELECT name FROM account WHERE name = ?", (account,)).fetchone()
    if row is None:
        raise UserFacingError(f"没有账户“{account}”。")
    return row[0]


def set_self(s, account: str, person_id: str | None) -> None:
    """Tie an account to its own person record (or untie it with None)."""
    authz.require(s, Permission.MANAGE_ACCOUNTS, "设置回避关系")
    account = _account_name(s, account)
    name = _person_name(s, person_id) if person_id else None
    with transaction(s.conn):
        s.conn.execute("UPDATE account SET person_id = ? WHERE name = ?", (person_id, account))
        _audit(s, "设置回避关系", account, {"person_id": person_id, "name": name, "relation": SELF})


def add_relative(s, account: str, person_id: str, relation: str) -> None:
    authz.require(s, Permission.MANAGE_ACCOUNTS, "设置回避关系")
    account = _account_name(s, account)
    relation = (relation or "").strip()
    if not relation or len(relation) > 20 or relation == SELF:
        raise ValidationError("relation", "请填写亲属关系（如 配偶、子女、父母），最多 20 字。")
    name = _person_name(s, person_id)
    with transaction(s.conn):
        s.conn.execute("INSERT OR REPLACE INTO account_relative (account, person_id, relation)"
                       " VALUES (?, ?, ?)", (account, person_id, relation))
        _audit(s, "设置回避关系", account, {"person_id": person_id, "name": name, "relation": relation})


def remove_relative(s, account: str, person_id: str) -> None:
    authz.require(s, Permission.MANAGE_ACCOUNTS, "设置回避关系")
    account = _account_name(s, account)
    with transaction(s.conn):
        gone = s.conn.execute("DELETE FROM account_relative WHERE account = ? AND person_id = ?",
                              (account, person_id)).rowcount
        if not gone:
            raise UserFacingError("没有这条回避关系。")
        _audit(s, "删除回避关系", account, {"person_id": person_id})


def relatives_of(s, account: str) -> list[Relative]:
    authz.require(s, Permission.MANAGE_ACCOUNTS, "查看回避关系")
    rows = s.conn.execute("SELECT person_id, relation FROM account_relative WHERE account = ?"
                          " ORDER BY relation", (account,)).fetchall()
    out = []
    for person_id, relation in rows:
        try:
            name = _person_name(s, person_id)
        except ValidationError:
            name = "（人员记录已作废或不存在）"
        out.append(Relative(person_id, name, relation))
    return out
