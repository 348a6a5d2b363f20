"""Helpers of the security GUI tests (a module of its own, see tests/ui/uihelp.py)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

PASSWORD = {"管理员甲": "Admin-pass-1", "录入员乙": "Clerk-pass-1", "审核人丙": "Review-pass-1",
            "审计员丁": "Audit-pass-1"}
ROLE = {"管理员甲": "管理员", "录入员乙": "录入员", "审核人丙": "审核人", "审计员丁": "审计员"}


def clock() -> datetime:
    return datetime(2026, 3, 10, 9, 0, 0)


def audit_tail(data_dir: Path, n: int = 5) -> list[tuple[str, str]]:
    import sqlite3
    conn = sqlite3.connect(data_dir / "taizhang.db")
    try:
        rows = conn.execute("SELECT actor, action FROM audit_log ORDER BY seq DESC LIMIT ?", (n,)).fetchall()
    finally:
        conn.close()
    return [tuple(r) for r in reversed(rows)]


def shoot(widget, name: str) -> Path:
    """A PNG of the widget, to look at (in the system's temporary folder, not the repository)."""
    import tempfile
    folder = Path(tempfile.gettempdir()) / "taizhang-shots"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.png"
    widget.grab().save(str(path))
    return path
