"""Declarations of record families: one description drives the table, the
validation, the search text, the deadlines and (later) the GUI forms.

Why declarations instead of twenty hand-written dataclasses and repositories:
the families differ in their fields, not in how they are stored, audited,
revised, searched or shown. One declaration per family keeps the differences
in one place and the machinery written once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from enum import StrEnum
from typing import Any

from desktop_app.domain.deadlines import Rule


class Kind(StrEnum):
    TEXT = "text"          # one line
    LONGTEXT = "longtext"  # paragraphs
    DATE = "date"          # ISO yyyy-mm-dd
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    CHOICE = "choice"      # one value of a vocabulary
    REF = "ref"            # id of a record of another family
    REFS = "refs"          # JSON list of ids (e.g. attendees)
    LIST = "list"          # JSON list of short texts (e.g. 抄送)


SQL_TYPES = {
    Kind.TEXT: "TEXT", Kind.LONGTEXT: "TEXT", Kind.DATE: "TEXT", Kind.INT: "INTEGER",
    Kind.FLOAT: "REAL", Kind.BOOL: "INTEGER", Kind.CHOICE: "TEXT", Kind.REF: "TEXT",
    Kind.REFS: "TEXT", Kind.LIST: "TEXT",
}

DEFAULT_MAX_LEN = {Kind.TEXT: 200, Kind.LONGTEXT: 20000, Kind.LIST: 2000, Kind.REFS: 40000}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind = Kind.TEXT
    required: bool = False
    max_len: int | None = None
    vocab: str | None = None          # vocabulary name for CHOICE / LIST
    ref: str | None = None            # target family for REF / REFS
    searchable: bool | None = None    # default: text-like fields are searched
    min_value: float | None = None
    max_value: float | None = None
    help: str = ""

    @property
    def limit(self) -> int | None:
        return self.max_len or DEFAULT_MAX_LEN.get(self.kind)

    @property
    def is_searchable(self) -> bool:
        if self.searchable is not None:
            return self.searchable
        return self.kind in (Kind.TEXT, Kind.LONGTEXT, Kind.LIST, Kind.CHOICE)


@dataclass(frozen=True)
class Deadline:
    """A deadline of a record: computed from ``start`` by ``rule``, or typed
    into ``due_field``; met once ``done_field`` holds a date."""

    kind: str
    label: str
    done_field: str
    start: str | None = None
    rule: Rule | None = None
    due_field: str | None = None
    n_field: str | None = None      # a field that overrides the rule's count
    when: tuple[tuple[str, tuple[Any, ...]], ...] = ()   # (field, allowed values)
    working_day_due: bool = False   # a typed due date must fall on a working day
    # A typed due date's starting point: the date it is counted from ("+10" in the
    # form) and must not precede without confirmation. "field" or a path through
    # references, "ref_field>field"; alternatives "a|b" (the first with a date).
    anchor: str | None = None

    def applies(self, values: dict) -> bool:
        return all(values.get(f) in allowed for f, allowed in self.when)


@dataclass(frozen=True)
class Family:
    name: str                 # table name, ASCII
    label: str                # Chinese name shown to users
    fields: tuple[Field, ...]
    title: tuple[str, ...]    # fields joined to make the record's title
    date_field: str           # the record's main date (lists, dossier order)
    workflow: str             # name in resources/vocab/workflows.json
    ledger_prefix: str = ""   # 台账编号 prefix, e.g. TH; empty: no number
    parent: str | None = None          # field referring to the parent record
    type_field: str | None = None      # the field the lists filter as "类型"
    unit_field: str | None = None
    deadlines: tuple[Deadline, ...] = ()
    list_columns: tuple[str, ...] = ()
    master: bool = False      # person / unit: the subjects of the ledgers
    extra: dict = field(default_factory=dict)

    @cached_property
    def _by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    def field(self, name: str) -> Field:
        # a dict, not a scan: the write path asks for fields millions of times in a bulk load
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(name) from None

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    @property
    def person_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.ref == "person")


# Columns every family's table has, in this order (exchange.md §3.1).
COMMON_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "TEXT PRIMARY KEY"),
    ("ledger_no", "TEXT"),
    ("owner_office", "TEXT NOT NULL"),
    ("status", "TEXT NOT NULL"),
    ("sensitivity", "TEXT NOT NULL DEFAULT '一般'"),
    ("voided", "INTEGER NOT NULL DEFAULT 0"),
    ("void_reason", "TEXT"),
    ("created_at", "TEXT NOT NULL"),
    ("created_by", "TEXT NOT NULL"),
    ("updated_at", "TEXT NOT NULL"),
    ("updated_by", "TEXT NOT NULL"),
    ("_origin", "TEXT NOT NULL"),
    ("_counter", "INTEGER NOT NULL"),
    ("_hlc", "TEXT NOT NULL"),
    ("_vv", "TEXT NOT NULL"),
)
COMMON_NAMES = tuple(c for c, _ in COMMON_COLUMNS)
SENSITIVITIES = ("一般", "内部")
