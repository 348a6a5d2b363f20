"""The demo folder's administrator.

The demo data (``taizhang --demo``) is a fictional county, but the program
still starts with a login there, like everywhere. The demo folder therefore
gets one administrator, ``管理员``, with a random password written to
``demo-password.txt`` in the same folder: the GUI's login dialog fills both in
when started with ``--demo``, and ``taizhang --demo <command>`` uses them when
no ``--user`` is given. Only a folder holding the demo office and no account
yet gets one, so a real office's folder is never given a known password.
"""
from __future__ import annotations

import logging
import os
from datetime import datetime
from pathlib import Path

from desktop_app.security import accounts, passwords
from desktop_app.security.roles import Role
from desktop_app.services.session import database_path, open_session
from desktop_app.store.db import transaction

log = logging.getLogger(__name__)

DEMO_ADMIN = "管理员"
PASSWORD_FILE = "demo-password.txt"


def demo_credentials(data_dir: Path | str) -> tuple[str, str] | None:
    """(name, password) from the demo folder's password file, if there is one."""
    path = Path(data_dir) / PASSWORD_FILE
    try:
        text = path.read_text(encoding="utf-8-sig").strip()
    except OSError:
        return None
    return (DEMO_ADMIN, text) if text else None


def ensure_demo_admin(data_dir: Path | str) -> tuple[str, str] | None:
    """Create the demo administrator when the demo office has no account yet."""
    from desktop_app.demo_text import OFFICE_CODE
    data_dir = Path(data_dir)
    if not database_path(data_dir).exists():
        return None
    s = open_session(data_dir, require_office=False)
    try:
        if s.office_code != OFFICE_CODE or accounts.count(s.conn):
            return demo_credentials(data_dir)
        password = passwords.generate_password()
        ts = datetime.now().replace(microsecond=0).isoformat()
        with transaction(s.conn):
            accounts.insert(s.conn, name=DEMO_ADMIN, role=Role.ADMIN, password=password,
                            actor="演示数据", ts=ts, action="创建演示管理员")
    finally:
        s.close()
    _write_password(data_dir / PASSWORD_FILE, password)
    log.info("demo administrator created; password in %s", data_dir / PASSWORD_FILE)
    return DEMO_ADMIN, password


def _write_password(path: Path, password: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(password + "\n")
