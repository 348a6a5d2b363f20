"""Errors of the USB exchange package layer.

Every refusal carries a machine ``reason`` (for tests, logs and the import report) and a
Chinese message that the GUI and the CLI show as is.  One class per kind of trouble:

* ``PackageRejected`` — the package itself is refused (bad format, untrusted, tampered,
  wrong passphrase, unsafe archive…).  The database must be left untouched.
* ``MediaError`` — the drive or the local disk failed us (full, yanked, read-back mismatch).
  Nothing is wrong with the data; the user can retry.
* ``KeyMaterialError`` — a key file, an office card or a passphrase cannot be used.
"""
from __future__ import annotations

import errno

from desktop_app.errors import UserFacingError

# reason -> Chinese message.  Kept in one table so the import report and the tests name
# the same reasons, and so a new reason cannot be raised without a message.
REJECT_MESSAGES: dict[str, str] = {
    "truncated": "数据包不完整（文件被截断），请让对方重新导出。",
    "bad_magic": "这不是台账交换数据包。",
    "format_unsupported": "数据包格式版本不受支持，请升级本程序。",
    "header_too_large": "数据包头部过大，已拒绝。",
    "bad_header": "数据包头部损坏或格式不正确。",
    "capability_unsupported": "数据包需要本程序尚不支持的功能，请升级本程序。",
    "untrusted_sender": "发件单位未登记为可信单位，已拒绝。",
    "sender_key_mismatch": "发件单位的签名密钥与登记的不一致，已拒绝。",
    "bad_signature": "数据包签名无效，可能已被篡改。",
    "wrong_recipient": "数据包不是发给本单位的。",
    "payload_mismatch": "数据包内容与签名记录不符（文件损坏或被篡改）。",
    "schema_too_new": "数据包来自更新版本的程序，请先升级本程序。",
    "kdf_out_of_bounds": "数据包的口令参数超出安全范围，已拒绝。",
    "wrong_passphrase_or_corrupt": "交换口令错误，或数据包已损坏。",
    "bad_archive": "数据包内部归档不安全或已损坏，已拒绝。",
    "bad_entry_name": "数据包内含有不允许的文件名，已拒绝。",
    "too_large": "数据包内容超过大小限制，已拒绝。",
    "manifest_mismatch": "数据包清单与内容不一致，已拒绝。",
}


class PackageRejected(UserFacingError):
    """The package is refused; ``reason`` is one of ``REJECT_MESSAGES``."""

    def __init__(self, reason: str, detail: str = ""):
        message = REJECT_MESSAGES[reason]
        if detail:
            message = f"{message}（{detail}）"
        super().__init__(message)
        self.reason = reason
        self.detail = detail


class MediaError(UserFacingError):
    """Writing to or reading from the drive / local disk failed; ``reason`` is a code."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class KeyMaterialError(UserFacingError):
    """A private key, an office card or a passphrase is unusable."""


def disk_error(exc: OSError, where: str) -> MediaError:
    """A Chinese ``MediaError`` for an ``OSError`` met while reading or writing ``where``."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return MediaError("disk_full", f"{where}空间不足，操作已取消，未留下残余文件。")
    reason = exc.strerror or exc.__class__.__name__
    return MediaError("io_error", f"{where}读写失败（{reason}），操作已取消。")
