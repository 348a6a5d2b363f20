"""The record as the rest of the program sees it: a frozen value."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping, NewType

RecordId = NewType("RecordId", str)


@dataclass(frozen=True)
class Revision:
    origin: str
    counter: int
    hlc: str
    vv: str


@dataclass(frozen=True)
class Record:
    family: str
    id: RecordId
    ledger_no: str | None
    owner_office: str
    status: str
    sensitivity: str
    voided: bool
    void_reason: str | None
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    revision: Revision
    values: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    title: str = ""

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)


@dataclass(frozen=True)
class RecordRef:
    family: str
    id: str


@dataclass(frozen=True)
class Changes:
    """What one service call changed; the GUI refreshes what it names."""
    created: tuple[RecordRef, ...] = ()
    updated: tuple[RecordRef, ...] = ()
    voided: tuple[RecordRef, ...] = ()

    @property
    def families(self) -> frozenset[str]:
        return frozenset(r.family for r in self.created + self.updated + self.voided)

    def __add__(self, other: "Changes") -> "Changes":
        return Changes(self.created + other.created, self.updated + other.updated,
                       self.voided + other.voided)


@dataclass(frozen=True)
class Saved:
    record: Record
    changes: Changes
