"""Roles and what each may do (domain.md §6.2 item 3).

Four everyday roles: 录入员 enters and edits, 审核人 also approves and issues
documents, 管理员 runs the installation (accounts, settings, keys, backups,
restore) and 审计员 only reads the audit log. An office that practises 三员分立
(the "three separate administrators" of Party and government procurement)
switches the ``security.three_admins`` setting on: then the all-powerful
管理员 can no longer log in, and its powers are split between 系统管理员
(settings, keys, backups, restore), 安全保密管理员 (accounts, 回避 relations,
security policy) and 审计员 (the audit log). Neither administrator of that
trio can read records: that is the point of the practice.

``系统`` is the built-in role of ``open_session`` (tests, the demo generator,
internal jobs). No account can hold it, so the CLI and the GUI, which always
authenticate, can never obtain it.
"""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    CLERK = "录入员"
    REVIEWER = "审核人"
    ADMIN = "管理员"
    AUDITOR = "审计员"
    SYSTEM_ADMIN = "系统管理员"
    SECURITY_ADMIN = "安全保密管理员"
    SYSTEM = "系统"


class Permission(StrEnum):
    READ_RECORD = "查看记录"
    WRITE_RECORD = "录入和修改记录"
    APPROVE = "审核审批"
    ISSUE_DOCUMENT = "签发文书"
    MANAGE_ACCOUNTS = "管理账户"
    MANAGE_SECURITY = "设置安全策略"
    MANAGE_SETTINGS = "修改设置"
    MANAGE_KEYS = "管理密钥"
    BACKUP = "备份"
    RESTORE = "恢复备份"
    READ_AUDIT = "查看审计日志"


P = Permission
_RECORDS = frozenset({P.READ_RECORD, P.WRITE_RECORD})
_SYSTEM_ADMIN = frozenset({P.MANAGE_SETTINGS, P.MANAGE_KEYS, P.BACKUP, P.RESTORE})
_SECURITY_ADMIN = frozenset({P.MANAGE_ACCOUNTS, P.MANAGE_SECURITY})

PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CLERK: _RECORDS,
    Role.REVIEWER: _RECORDS | {P.APPROVE, P.ISSUE_DOCUMENT},
    Role.ADMIN: frozenset(Permission),
    Role.AUDITOR: frozenset({P.READ_AUDIT}),
    Role.SYSTEM_ADMIN: _SYSTEM_ADMIN,
    Role.SECURITY_ADMIN: _SECURITY_ADMIN,
    Role.SYSTEM: frozenset(Permission),
}

# Roles an account may be given in each mode (系统 never). Before switching 三员分立
# on, the 管理员 creates the three administrators, so every role is available then.
EVERYDAY_ROLES = (Role.CLERK, Role.REVIEWER, Role.ADMIN, Role.AUDITOR, Role.SYSTEM_ADMIN,
                  Role.SECURITY_ADMIN)
THREE_ADMIN_ROLES = (Role.CLERK, Role.REVIEWER, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN,
                     Role.AUDITOR)
ACCOUNT_ROLES = (Role.CLERK, Role.REVIEWER, Role.ADMIN, Role.AUDITOR, Role.SYSTEM_ADMIN,
                 Role.SECURITY_ADMIN)

# Status changes that are a leader's decision, not a clerk's: (workflow, target).
APPROVALS: dict[tuple[str, str], Permission] = {
    ("entry", "已审"): P.APPROVE,
    ("letter", "已发出"): P.ISSUE_DOCUMENT,
    ("letter", "已审核"): P.APPROVE,
    ("rectification", "已销号"): P.APPROVE,
    ("extension", "批准"): P.APPROVE,
    ("extension", "不批准"): P.APPROVE,
    ("duty", "已点评"): P.APPROVE,
}

THREE_ADMINS_SETTING = "security.three_admins"


def parse_role(text: str) -> Role:
    from desktop_app.errors import ValidationError
    try:
        role = Role((text or "").strip())
    except ValueError:
        role = None
    if role is None or role is Role.SYSTEM:
        names = "、".join(r.value for r in ACCOUNT_ROLES)
        raise ValidationError("role", f"没有“{text}”这个角色。可选：{names}。")
    return role


def permissions_of(role: str, three_admins: bool = False) -> frozenset[Permission]:
    """What ``role`` may do; under 三员分立 the combined 管理员 may do nothing."""
    try:
        r = Role(role)
    except ValueError:
        return frozenset()
    if three_admins and r is Role.ADMIN:
        return frozenset()
    return PERMISSIONS[r]


def roles_for_mode(three_admins: bool) -> tuple[Role, ...]:
    return THREE_ADMIN_ROLES if three_admins else EVERYDAY_ROLES
