"""Vocabularies and status workflows, loaded from ``resources/vocab``."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from desktop_app.errors import ValidationError
from desktop_app.paths import resource_dir

RESOURCES = resource_dir()


def _load(name: str) -> dict:
    with open(RESOURCES / "vocab" / name, encoding="utf-8") as fh:
        data = json.load(fh)
    return {k: v for k, v in data.items() if not k.startswith("_")}


@cache
def vocabularies() -> dict[str, tuple[str, ...]]:
    return {k: tuple(v) for k, v in _load("vocabularies.json").items()}


def choices(vocab: str) -> tuple[str, ...]:
    return vocabularies()[vocab]


@dataclass(frozen=True)
class Workflow:
    name: str
    initial: str
    transitions: dict[str, tuple[str, ...]]

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(self.transitions)

    def check(self, current: str, target: str) -> None:
        if target not in self.transitions:
            raise ValidationError("status", f"没有“{target}”这个状态。")
        if target not in self.transitions.get(current, ()):
            allowed = "、".join(self.transitions.get(current, ())) or "无"
            raise ValidationError(
                "status", f"状态不能从“{current}”改为“{target}”。当前状态可改为：{allowed}。")


@cache
def workflows() -> dict[str, Workflow]:
    return {name: Workflow(name, spec["initial"],
                           {k: tuple(v) for k, v in spec["transitions"].items()})
            for name, spec in _load("workflows.json").items()}
