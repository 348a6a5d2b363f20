"""发文字号 (document numbers): ``代字〔年份〕序号号``.

Pure and strict: GB/T 9704-2012 7.2.5 and 《党政机关公文处理工作条例》 want the year
in full inside 六角括号 U+3014/U+3015, the sequence number without padding and without
"第". Clerks type numbers by hand, so every refusal names the exact slip.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from desktop_app.errors import ValidationError

EXAMPLE = "X纪函〔2026〕5号"
GENERAL_MESSAGE = (
    f"文号格式不正确：应为「{EXAMPLE}」，括号须用六角括号〔〕，"
    "序号不加0、不加“第”"
)

_NUMBER_RE = re.compile(r"^(?P<prefix>.+?)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")
# Look-alike brackets people type instead of 〔〕; keyed so the message can name them.
_WRONG_BRACKETS = "[]【】（）()﹝﹞［］〖〗"
_PREFIX_FORBIDDEN = set(_WRONG_BRACKETS) | set("〔〕") | {" ", "\u3000", "\t"}
MIN_YEAR, MAX_YEAR = 1949, 2099


@dataclass(frozen=True)
class DocNumber:
    prefix: str
    year: int
    seq: int

    def __str__(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.seq}号"


def _hint(text: str) -> str:
    """The most specific reason a number failed, or "" when only the general rule helps."""
    wrong = [ch for ch in text if ch in _WRONG_BRACKETS]
    if wrong:
        return f"括号「{wrong[0]}」应改为六角括号「〔」「〕」"
    if "第" in text:
        return "序号前不加“第”"
    if re.search(r"〕0\d*号$", text):
        return "序号不编虚位，如写「5号」而不写「05号」"
    if re.search(r"〔\d{2}〕", text):
        return "年份须写全 4 位，如「2026」"
    if text and not text.endswith("号"):
        return "文号须以“号”结尾"
    if text.startswith("〔"):
        return "缺少机关代字，如「X纪函」"
    return ""


def _refuse(text: str, extra: str = "") -> ValidationError:
    hint = extra or _hint(text)
    message = GENERAL_MESSAGE + (f"（{hint}）" if hint else "") + f"；收到的是「{text}」"
    return ValidationError("number", message)


def parse_doc_number(text: str) -> DocNumber:
    """Parse ``X纪函〔2026〕5号``; raise ValidationError with a Chinese reason otherwise."""
    if not isinstance(text, str):
        raise ValidationError("number", GENERAL_MESSAGE)
    stripped = text.strip()
    match = _NUMBER_RE.match(stripped)
    if not match:
        raise _refuse(stripped)
    prefix = match.group("prefix")
    if _PREFIX_FORBIDDEN & set(prefix) or "第" in prefix:
        raise _refuse(stripped)
    year = int(match.group("year"))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _refuse(stripped, f"年份 {year} 不合理")
    return DocNumber(prefix, year, int(match.group("seq")))


def format_doc_number(prefix: str, year: int, seq: int) -> str:
    """Build a number from its parts, refusing parts that would make a malformed one."""
    if not isinstance(prefix, str) or not prefix.strip():
        raise ValidationError("number", "机关代字不能为空，如「X纪函」")
    prefix = prefix.strip()
    if _PREFIX_FORBIDDEN & set(prefix) or "第" in prefix:
        raise ValidationError(
            "number", f"机关代字「{prefix}」中不能有括号、空格或“第”，如「X纪函」"
        )
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError("number", f"年份须为 4 位数字（{MIN_YEAR}—{MAX_YEAR}），收到的是「{year}」")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise ValidationError("number", f"序号须为正整数，收到的是「{seq}」")
    return str(DocNumber(prefix, year, seq))
