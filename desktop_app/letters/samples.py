"""Fictional sample values for every document type (``resources/letters/samples.json``).

Used for the sample PDFs in docs/letters, by the tests and by the benchmark; the
future ``taizhang letter samples`` command can print them for an office to check its
printer and fonts.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from .documents import TEMPLATE_DIR, fill_template
from .spec import LetterSpec


@lru_cache(maxsize=1)
def sample_values() -> dict[str, dict[str, Any]]:
    with open(TEMPLATE_DIR / "samples.json", encoding="utf-8") as fh:
        return json.load(fh)["samples"]


def sample_spec(doc_type: str) -> LetterSpec:
    return fill_template(doc_type, sample_values()[doc_type])
