"""The 廉政档案 of one person: every record that names them, in date order."""
from __future__ import annotations

import sqlite3


def dossier_rows(conn: sqlite3.Connection, person_id: str, include_voided: bool = False):
    sql = ("SELECT ri.family, ri.id, ri.title, ri.main_date, ri.status, ri.voided,"
           " group_concat(l.field) AS roles"
           " FROM record_link l JOIN record_index ri ON ri.family = l.family AND ri.id = l.id"
           " WHERE l.person_id = ? AND l.field != 'self'")
    if not include_voided:
        sql += " AND ri.voided = 0"
    sql += " GROUP BY ri.family, ri.id ORDER BY ri.main_date, ri.family, ri.id"
    return conn.execute(sql, (person_id,)).fetchall()


def find_persons(conn: sqlite3.Connection, text: str, limit: int = 20) -> list[sqlite3.Row]:
    """Persons by exact id, else by name (exact matches first)."""
    row = conn.execute("SELECT * FROM person WHERE id = ?", (text,)).fetchone()
    if row:
        return [row]
    return conn.execute(
        "SELECT * FROM person WHERE voided = 0 AND instr(name, ?) > 0"
        " ORDER BY name != ?, name LIMIT ?", (text, text, limit)).fetchall()
