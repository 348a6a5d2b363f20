"""Passphrase → AES-256 key, with bounded, attacker-visible parameters.

The parameters travel in the (signed) header as ``kdf``:
``{"alg": "argon2id", "salt": b64, "t": iterations, "m": memory KiB, "p": lanes}`` or,
as a fallback reader for old builds, ``{"alg": "scrypt", "salt": b64, "n", "r", "p"}``.
``check_kdf`` validates them against ``KdfBounds`` *before* any derivation, because a
hostile header could otherwise ask for 4 GiB of memory or hours of CPU (exchange.md
§4.A-11).  A fresh random salt per package gives a fresh key per package.

Default cost (``DEFAULT_COST``): 128 MiB, 5 passes, 4 lanes — about 0.37 s on the 2-core
reference machine; half of the reader's memory bound, and well inside the app's 300 MB
budget together with the streaming buffers.
"""
from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from .errors import PackageRejected
from .keys import normalize_passphrase
from .limits import DEFAULT_KDF_BOUNDS, KdfBounds

KEY_LEN = 32
SALT_LEN = 16


@dataclass(frozen=True)
class Argon2Cost:
    """Writer-side Argon2id cost.  Tests pass a tiny one to stay fast."""
    iterations: int = 5
    memory_kib: int = 128 * 1024
    lanes: int = 4


DEFAULT_COST = Argon2Cost()


def new_kdf_params(cost: Argon2Cost = DEFAULT_COST) -> dict[str, Any]:
    """Header ``kdf`` object for a new package, with a fresh salt."""
    salt = base64.b64encode(os.urandom(SALT_LEN)).decode("ascii")
    return {"alg": "argon2id", "salt": salt, "t": cost.iterations,
            "m": cost.memory_kib, "p": cost.lanes}


def _int_in(params: dict, name: str, low: int, high: int) -> int:
    value = params.get(name)
    if type(value) is not int or not low <= value <= high:
        raise PackageRejected("kdf_out_of_bounds", f"{name}={value!r}")
    return value


def _salt(params: dict, bounds: KdfBounds) -> bytes:
    text = params.get("salt")
    if not isinstance(text, str) or len(text) > 4 * bounds.max_salt:
        raise PackageRejected("kdf_out_of_bounds", "salt")
    try:
        salt = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PackageRejected("kdf_out_of_bounds", "salt") from exc
    if not bounds.min_salt <= len(salt) <= bounds.max_salt:
        raise PackageRejected("kdf_out_of_bounds", f"salt 长度 {len(salt)}")
    return salt


def check_kdf(params: Any, bounds: KdfBounds = DEFAULT_KDF_BOUNDS) -> dict[str, Any]:
    """Validate header ``kdf`` against ``bounds``; returns it unchanged.  Never derives."""
    if not isinstance(params, dict):
        raise PackageRejected("kdf_out_of_bounds", "kdf")
    alg = params.get("alg")
    _salt(params, bounds)
    if alg == "argon2id":
        if set(params) != {"alg", "salt", "t", "m", "p"}:
            raise PackageRejected("kdf_out_of_bounds", "字段")
        lanes = _int_in(params, "p", 1, bounds.max_lanes)
        _int_in(params, "t", 1, bounds.max_iterations)
        _int_in(params, "m", 8 * lanes, bounds.max_memory_kib)   # Argon2: m >= 8p
    elif alg == "scrypt":
        if set(params) != {"alg", "salt", "n", "r", "p"}:
            raise PackageRejected("kdf_out_of_bounds", "字段")
        n = _int_in(params, "n", 2, 1 << bounds.max_scrypt_log2_n)
        r = _int_in(params, "r", 1, bounds.max_scrypt_r)
        _int_in(params, "p", 1, bounds.max_scrypt_p)
        if n & (n - 1) or 128 * n * r > bounds.max_memory_kib * 1024:
            raise PackageRejected("kdf_out_of_bounds", f"n={n} r={r}")
    else:
        raise PackageRejected("kdf_out_of_bounds", f"alg={alg!r}")
    return params


def derive_key(params: dict[str, Any], passphrase: str,
               bounds: KdfBounds = DEFAULT_KDF_BOUNDS) -> bytes:
    """AES-256 key from ``passphrase`` (NFC) under already-checked ``params``."""
    check_kdf(params, bounds)
    salt = base64.b64decode(params["salt"])
    secret = normalize_passphrase(passphrase)
    if params["alg"] == "argon2id":
        kdf = Argon2id(salt=salt, length=KEY_LEN, iterations=params["t"],
                       lanes=params["p"], memory_cost=params["m"])
    else:
        kdf = Scrypt(salt=salt, length=KEY_LEN, n=params["n"], r=params["r"],
                     p=params["p"])
    return kdf.derive(secret)
