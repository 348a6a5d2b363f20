"""Persons and units named in a ledger, matched to the records the office has.

A name matches exactly (a unit also by its short name); "张三（县财政局）" picks one
of several 张三 by unit. A name with no match gets the closest names as
candidates; it becomes a new record only when the clerk confirms (create_missing).
"""
from __future__ import annotations

import difflib
import re
import uuid
from dataclasses import dataclass, field

from desktop_app.reports.cells import CellError

_WITH_UNIT = re.compile(r"(.+?)[（(](.+)[)）]")


@dataclass
class NewRecords:
    units: dict[str, str] = field(default_factory=dict)               # name -> new id
    persons: dict[tuple[str, str], str] = field(default_factory=dict)  # (name, unit id) -> new id


class Resolver:
    def __init__(self, conn, create_missing: bool = False, replacements: dict[str, str] | None = None):
        self.create_missing = create_missing
        self.replacements = dict(replacements or {})     # a name in the file -> the one chosen
        self.units: dict[str, list[str]] = {}
        self.unit_names: dict[str, str] = {}
        for uid, name, short in conn.execute("SELECT id, name, short_name FROM unit WHERE voided = 0"):
            self.unit_names[uid] = name
            for key in {name, short} - {None, ""}:
                self.units.setdefault(key, []).append(uid)
        self.persons: dict[str, list[tuple[str, str]]] = {}
        for pid, name, unit in conn.execute("SELECT id, name, unit_id FROM person WHERE voided = 0"):
            self.persons.setdefault(name, []).append((pid, unit))
        self.new = NewRecords()
        self._near: dict[tuple[str, str], list[str]] = {}

    def candidates(self, kind: str, name: str) -> list[str]:
        """The closest names the office has; a person as "姓名（单位）", one entry per person."""
        key = (kind, name)
        if key not in self._near:
            pool = self.units if kind == "unit" else self.persons
            close = difflib.get_close_matches(name, [n for n in pool if n and n[0] in name or
                                                     len(set(n) & set(name)) >= 2], n=3, cutoff=0.5)
            if kind == "unit":
                self._near[key] = close
            else:
                self._near[key] = [f"{n}（{self.unit_names.get(u, '')}）" for n in close
                                   for _p, u in self.persons[n]][:5]
        return self._near[key]

    def unit(self, text: str) -> str:
        text = self.replacements.get(text, text)
        ids = self.units.get(text)
        if ids:
            if len(ids) > 1:
                raise CellError(f"有 {len(ids)} 个单位叫“{text}”，请写全称")
            return ids[0]
        if text in self.new.units:
            return self.new.units[text]
        if self.create_missing:
            self.new.units[text] = str(uuid.uuid4())
            return self.new.units[text]
        near = self.candidates("unit", text)
        hint = f"，相近的有：{'；'.join(near)}" if near else ""
        raise CellError(f"库中没有单位“{text}”{hint}（确认是新单位可选择“新建缺少的人员和单位”）",
                        text, tuple(near))

    def person(self, text: str, unit_id: str | None) -> str:
        text = self.replacements.get(text, text)
        name, unit_text = text, None
        m = _WITH_UNIT.fullmatch(text)
        if m and m[1] in self.persons:
            name, unit_text = m[1].strip(), m[2].strip()
        found = self.persons.get(name, [])
        if unit_text:
            uids = set(self.units.get(unit_text, []))
            found = [p for p in found if p[1] in uids]
        elif unit_id and len(found) > 1:
            found = [p for p in found if p[1] == unit_id] or found
        if len(found) == 1:
            return found[0][0]
        if len(found) > 1:
            raise CellError(f"有 {len(found)} 人叫“{name}”，请写成“{name}（单位）”以便区分")
        return self._new_person(name, unit_id)

    def _new_person(self, name: str, unit_id: str | None) -> str:
        for (n, u), pid in self.new.persons.items():
            if n == name and (unit_id is None or u == unit_id):
                return pid
        if not self.create_missing:
            near = self.candidates("person", name)
            hint = f"，相近的有：{'；'.join(near)}" if near else ""
            raise CellError(f"库中没有人员“{name}”{hint}（确认是新人员可选择“新建缺少的人员和单位”）",
                            name, tuple(near))
        if unit_id is None:
            raise CellError(f"新人员“{name}”没有单位，无法新建；请在表中填写所在单位")
        pid = str(uuid.uuid4())
        self.new.persons[(name, unit_id)] = pid
        return pid
