"""Title lines (GB/T 9704 7.3.1): wrapped only between words, lines of near-equal length
in a 梯形 (each line no longer than the next, or no shorter) or 菱形 shape, never
long-short-long. A line break the clerk typed in the title field is kept as typed.

Words come from a phrase list (``resources/letters/title_words.txt``) by forward
maximum matching; characters outside it count as one-character words, and a break
between two of them costs more than a break between listed words or after "的",
"和", "与", "及". Why a list and not a segmentation library: the one well-known library
(jieba) was last released in 2020 and loads a 20 MB dictionary in about a second,
which alone would triple the letter command's cold start, for titles that are a
dozen words of 公文 vocabulary an office can extend in a text file.
"""
from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Callable, Sequence

from .justify import Unit, legal, natural, tokenize
from .linebreak import clean_text, is_halfwidth

WORDS_FILE = "title_words.txt"
EASY_AFTER = frozenset("的和与及、")
COST_WORD, COST_CHAR, COST_EASY = 1.0, 6.0, 0.0
INSIDE_WORD = None


@lru_cache(maxsize=1)
def phrase_list() -> frozenset[str]:
    from .documents import TEMPLATE_DIR

    words: set[str] = set()
    with open(TEMPLATE_DIR / WORDS_FILE, encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                words.update(line.split())
    return frozenset(words)


def word_starts(text: str, words: frozenset[str]) -> set[int]:
    """Offsets where a word begins (forward maximum matching over the phrase list)."""
    longest = max((len(w) for w in words), default=1)
    starts, i = set(), 0
    while i < len(text):
        starts.add(i)
        for size in range(min(longest, len(text) - i), 1, -1):
            if text[i:i + size] in words:
                i += size
                break
        else:
            i += 1
    return starts


def _break_cost(units: Sequence[Unit], b: int, starts: set[int], known: set[int]) -> float | None:
    if not legal(units, b):
        return None
    start = units[b].start
    if start not in starts:
        return None                        # inside a listed word
    before = units[b - 1].text[-1]
    if before in EASY_AFTER or units[b - 1].kind != "cjk" or units[b].kind != "cjk":
        return COST_EASY
    return COST_WORD if start in known else COST_CHAR


def _shape_penalty(widths: list[float]) -> float:
    if len(widths) >= 3:
        for a, b, c in zip(widths, widths[1:], widths[2:]):
            if b < a and b < c:            # long-short-long (沙漏形) is discouraged
                return 1000.0
    return 0.0


def title_lines(text: str, max_width: float, cell: float, measure: Callable[[str, int], float],
                narrow: Callable[[str], bool] = is_halfwidth) -> list[str]:
    """The title's lines; explicit line breaks first, then balanced automatic ones."""
    out: list[str] = []
    for part in text.replace("\r", "").split("\n"):
        if part.strip():
            out.extend(_wrap(clean_text(part).strip(), max_width, cell, measure, narrow))
    return out


def _wrap(text: str, max_width: float, cell: float, measure, narrow) -> list[str]:
    units = tokenize(text, cell, measure, narrow)
    if natural(units) <= max_width + 0.01 or len(units) < 2:
        return [text]
    words = phrase_list()
    starts = word_starts(text, words)
    # offsets where a *listed* word starts or ends: breaks there are cheap
    known = {i for i in starts if any(text.startswith(w, i) for w in words if len(w) > 1)}
    known |= {i + len(w) for i in starts for w in words if len(w) > 1 and text.startswith(w, i)}
    costs = {b: c for b in range(1, len(units)) if (c := _break_cost(units, b, starts, known)) is not None}
    lines_needed = max(2, -(-natural(units) // max_width))
    for count in range(int(lines_needed), len(units) + 1):
        best = _best(units, costs, count, max_width, cell)
        if best is not None:
            return ["".join(u.text for u in units[s:e]).strip() for s, e in best]
    return [text]


def _best(units, costs: dict[int, float], count: int, max_width: float, cell: float):
    candidates = sorted(costs)
    if count - 1 > len(candidates):
        return None
    pool = candidates if count <= 3 else candidates[:: max(1, len(candidates) // 40)]
    best, best_score = None, None
    for cut in itertools.combinations(pool, count - 1):
        bounds = [0, *cut, len(units)]
        spans = list(zip(bounds, bounds[1:]))
        widths = [natural(units[s:e]) for s, e in spans]
        if max(widths) > max_width + 0.01:
            continue
        score = (max(widths) - min(widths)) / cell + sum(costs[b] for b in cut) * 1.5 + _shape_penalty(widths)
        if best_score is None or score < best_score:
            best, best_score = spans, score
    return best
