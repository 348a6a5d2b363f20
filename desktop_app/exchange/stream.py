"""AES-256-GCM in the STREAM construction (exchange.md §3.2; age / C2SP style).

The plaintext is cut into 64 KiB chunks; chunk ``i`` is sealed with
``nonce = prefix(7) ‖ u32be(i) ‖ last_flag(1)`` and the header AAD.  The last flag makes a
clean cut at a chunk boundary (or extra chunks appended after the final one) fail
authentication, which a plain chunk-by-chunk GCM would not notice.  An empty plaintext is
one empty final chunk; an empty final chunk anywhere else is refused.

Memory stays at two chunks whatever the payload size.
"""
from __future__ import annotations

import hashlib
from typing import BinaryIO, Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import PackageRejected
from .limits import CHUNK_CIPHER, CHUNK_PLAIN, NONCE_PREFIX_LEN, TAG_LEN

MAX_CHUNKS = 1 << 32
ChunkFn = Callable[[int], None]


class SourceChanged(RuntimeError):
    """The plaintext source did not hold exactly the announced number of bytes."""


def chunk_count(plain_len: int) -> int:
    return max(1, -(-plain_len // CHUNK_PLAIN))


def cipher_len(plain_len: int) -> int:
    return plain_len + TAG_LEN * chunk_count(plain_len)


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    if index >= MAX_CHUNKS:
        raise PackageRejected("too_large", "分块数超过上限")
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def read_exact(src: BinaryIO, size: int) -> bytes:
    """Read up to ``size`` bytes, looping over short reads; shorter only at EOF."""
    parts = []
    left = size
    while left > 0:
        data = src.read(left)
        if not data:
            break
        parts.append(data)
        left -= len(data)
    return b"".join(parts)


def encrypt_stream(key: bytes, prefix: bytes, aad: bytes, src: BinaryIO, dst: BinaryIO,
                   plain_len: int, on_chunk: ChunkFn | None = None) -> str:
    """Seal exactly ``plain_len`` bytes of ``src`` into ``dst``; returns SHA-256 hex of
    the ciphertext written."""
    assert len(prefix) == NONCE_PREFIX_LEN
    aead = AESGCM(key)
    digest = hashlib.sha256()
    count = chunk_count(plain_len)
    for index in range(count):
        want = min(CHUNK_PLAIN, plain_len - index * CHUNK_PLAIN)
        data = read_exact(src, want)
        if len(data) != want:
            raise SourceChanged("明文来源比预期短")
        sealed = aead.encrypt(_nonce(prefix, index, index == count - 1), data, aad)
        dst.write(sealed)
        digest.update(sealed)
        if on_chunk is not None:
            on_chunk(len(sealed))
    if src.read(1):
        raise SourceChanged("明文来源比预期长")
    return digest.hexdigest()


def _open_chunk(aead: AESGCM, prefix: bytes, index: int, sealed: bytes, aad: bytes,
                last: bool) -> bytes:
    try:
        return aead.decrypt(_nonce(prefix, index, last), sealed, aad)
    except InvalidTag:
        pass
    # Tell a clean truncation or an extension from a wrong key: the chunk opens with
    # the other flag only if the key is right and the stream was cut or extended.
    try:
        aead.decrypt(_nonce(prefix, index, not last), sealed, aad)
    except InvalidTag:
        raise PackageRejected("wrong_passphrase_or_corrupt") from None
    if last:
        raise PackageRejected("truncated", "缺少最后的数据块")
    raise PackageRejected("payload_mismatch", "结束块之后还有数据")


def decrypt_stream(key: bytes, prefix: bytes, aad: bytes, src: BinaryIO, dst: BinaryIO,
                   on_chunk: ChunkFn | None = None) -> int:
    """Open every chunk of ``src`` (to EOF) into ``dst``; returns the plaintext length.
    Raises ``PackageRejected`` on any authentication failure."""
    aead = AESGCM(key)
    current = read_exact(src, CHUNK_CIPHER)
    index = 0
    total = 0
    while True:
        if len(current) < TAG_LEN:
            raise PackageRejected("truncated", "数据块不完整")
        following = read_exact(src, CHUNK_CIPHER) if len(current) == CHUNK_CIPHER else b""
        last = not following
        plain = _open_chunk(aead, prefix, index, current, aad, last)
        if last and index > 0 and not plain:
            raise PackageRejected("wrong_passphrase_or_corrupt", "空的结束块")
        dst.write(plain)
        total += len(plain)
        if on_chunk is not None:
            on_chunk(len(current))
        if last:
            return total
        current = following
        index += 1
