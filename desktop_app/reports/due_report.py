"""预警清单: every unmet deadline that is overdue (red) or close (yellow, orange)
on the report's day, with the unit and the office it belongs to, ready to print
for the leader who presses for it (督办)."""
from __future__ import annotations

from datetime import date

from desktop_app.domain.deadlines import warning_level, yellow_cutoff
from desktop_app.domain.registry import FAMILIES
from desktop_app.services.queries import thresholds

ITEM_COLUMNS = (("family_label", "类别"), ("title", "事项"), ("label", "期限"), ("due_date", "到期日"),
                ("days", "剩余工作日"), ("level_label", "预警"), ("unit", "单位"), ("office", "报送机关"))


def _owners(conn, family: str, ids: list[str]) -> dict[str, tuple[str, str]]:
    """Each record's office and unit name ("" without one), read together: one lookup
    per record (the annual list at 1M has tens of thousands of lines)."""
    fam = FAMILIES[family]
    unit = (f"(SELECT u.name FROM unit u WHERE u.id = t.{fam.unit_field})" if fam.unit_field else "NULL")
    out = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for rid, office, name in conn.execute(
                f"SELECT t.id, t.owner_office, {unit} FROM {fam.name} t"
                f" WHERE t.id IN ({','.join('?' * len(chunk))})", chunk):
            out[rid] = (office, name or "")
    return out


def due_items(s, defn, result) -> list[dict]:
    as_of = result.scope.as_of
    limits = thresholds(s)             # a setting read once, not once per line (56k lines at 1M)
    cutoff = yellow_cutoff(as_of, s.calendar, limits)
    sql = ("SELECT d.family, d.id, d.label, d.due_date, ri.title FROM deadline d"
           " JOIN record_index ri ON ri.family = d.family AND ri.id = d.id"
           " WHERE d.active = 1 AND d.done_date IS NULL AND d.due_date <= ? AND ri.voided = 0"
           " ORDER BY d.due_date, d.family, d.id")
    rows = s.conn.execute(sql, (cutoff.isoformat(),)).fetchall()
    by_family: dict[str, dict[str, None]] = {}
    for r in rows:
        by_family.setdefault(r[0], {})[r[1]] = None       # a record with two deadlines once
    owners: dict[str, tuple[str, str]] = {}
    for fam_name, ids in by_family.items():
        owners.update(_owners(s.conn, fam_name, list(ids)))
    names = dict(s.conn.execute("SELECT code, name FROM office").fetchall())
    scope_office = result.scope.office
    items = []
    by_day: dict[str, tuple] = {}          # (days left, level) of each due day, worked out once
    for fam_name, rid, label, due, title in rows:
        office, unit = owners.get(rid, (None, ""))
        if scope_office and office != scope_office:
            continue
        if due not in by_day:
            due_d = date.fromisoformat(due)
            by_day[due] = (s.calendar.working_days_left(as_of, due_d),
                           warning_level(due_d, as_of, s.calendar, limits))
        days, level = by_day[due]
        items.append({"family": fam_name, "id": rid, "family_label": FAMILIES[fam_name].label,
                      "title": title, "label": label, "due_date": due,
                      "days": days, "level": level.value,
                      "level_label": level.label, "unit": unit,
                      "office": names.get(office, office or "")})
    group = {"unit": "unit", "office": "office"}.get(result.by, "family_label")
    items.sort(key=lambda it: (it[group] or "", it["due_date"]))
    return items
