"""Password hashing and the password policy.

Hashes are scrypt (memory-hard, in the standard library) with a fresh 16-byte
salt per hash, stored as ``scrypt$n$r$p$salt$hash`` so that a later version can
raise the cost and still check old hashes (and rehash them at the next login).
Default cost n=2^15, r=8, p=1: 32 MiB and about 0.1 s on the reference
machine, enough to make guessing a stolen database slow while a login stays
instant. Passwords are NFC-normalised first, so the same password typed through
different input methods matches.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import string
import unicodedata
from dataclasses import dataclass

from desktop_app.errors import ValidationError

MIN_LENGTH = 8
MAX_LENGTH = 128
MIN_KINDS = 3
SALT_LEN = 16
KEY_LEN = 32
MAX_MEM = 1 << 28            # accept hashes up to n=2^17, r=8 (128 MiB) when checking


@dataclass(frozen=True)
class Cost:
    n: int = 1 << 15
    r: int = 8
    p: int = 1


DEFAULT_COST = Cost()
# Tests lower this to keep hundreds of logins fast; one test checks the default.
current_cost = DEFAULT_COST


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _normalize(password: str) -> bytes:
    return unicodedata.normalize("NFC", password).encode("utf-8")


def hash_password(password: str, cost: Cost | None = None) -> str:
    cost = cost or current_cost
    salt = os.urandom(SALT_LEN)
    key = hashlib.scrypt(_normalize(password), salt=salt, n=cost.n, r=cost.r, p=cost.p,
                         maxmem=MAX_MEM, dklen=KEY_LEN)
    return f"scrypt${cost.n}${cost.r}${cost.p}${_b64(salt)}${_b64(key)}"


def _parse(stored: str) -> tuple[Cost, bytes, bytes] | None:
    try:
        alg, n, r, p, salt, key = stored.split("$")
        if alg != "scrypt":
            return None
        cost = Cost(int(n), int(r), int(p))
        if cost.n & (cost.n - 1) or not 2 <= cost.n <= 1 << 17 or not 1 <= cost.r <= 16 \
                or not 1 <= cost.p <= 4:
            return None
        return cost, base64.b64decode(salt), base64.b64decode(key)
    except (ValueError, TypeError):
        return None


def verify_password(password: str, stored: str) -> bool:
    """True when ``password`` matches; compares in constant time."""
    parsed = _parse(stored or "")
    if parsed is None:
        return False
    cost, salt, key = parsed
    got = hashlib.scrypt(_normalize(password), salt=salt, n=cost.n, r=cost.r, p=cost.p,
                         maxmem=MAX_MEM, dklen=len(key))
    return hmac.compare_digest(got, key)


def needs_rehash(stored: str) -> bool:
    parsed = _parse(stored or "")
    return parsed is None or parsed[0] != current_cost


def burn_time(password: str) -> None:
    """The work of one check, for unknown users: a wrong name takes as long as a
    wrong password, so timing does not tell which names exist."""
    verify_password(password, _DUMMY)


_DUMMY = "scrypt$32768$8$1$" + _b64(b"\0" * SALT_LEN) + "$" + _b64(b"\0" * KEY_LEN)


def _kinds(password: str) -> int:
    kinds = set()
    for ch in password:
        if ch in string.ascii_lowercase:
            kinds.add("lower")
        elif ch in string.ascii_uppercase:
            kinds.add("upper")
        elif ch.isdigit():
            kinds.add("digit")
        else:
            kinds.add("other")
    return len(kinds)


def check_policy(password: str, name: str = "") -> str:
    """The office's password rule (等保 practice): at least 8 characters of at
    least three kinds (lower case, upper case, digits, other signs), not the
    account name. Returns the password; raises ``ValidationError``."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        raise ValidationError("password", f"口令至少 {MIN_LENGTH} 位。")
    if len(password) > MAX_LENGTH:
        raise ValidationError("password", f"口令最多 {MAX_LENGTH} 位。")
    if any(unicodedata.category(ch).startswith("C") for ch in password):
        raise ValidationError("password", "口令中不能有控制字符（如换行、制表符）。")
    if _kinds(password) < MIN_KINDS:
        raise ValidationError(
            "password", "口令须包含小写字母、大写字母、数字、其他符号中的至少三类。")
    if name and unicodedata.normalize("NFC", name) in unicodedata.normalize("NFC", password):
        raise ValidationError("password", "口令中不能包含账户名。")
    return password


def generate_password(length: int = 14) -> str:
    """A random password that passes the policy (the demo administrator's)."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(length - 1))
        candidate = body[:4] + "-" + body[4:]
        if _kinds(candidate) >= 4:
            return candidate
