"""The application fields of a package, beyond what the package layer checks.

Manifest fields written by ``export.py`` / ``receipts.py`` (next to the computed
``sha256``/``size``/``counts``/``tables``/``attachments``):

``schema_version``   the writer's database schema (``migrations.LATEST``)
``kind``             "full", "delta" or "receipt" (as in the header)
``sender_node``      the writing workstation's instance id (peer knowledge is per node)
``sender_knowledge`` per scope in the package, what the sender holds completely
``coverage_digest``  ``outgoing.coverage_digest`` of the sender's rows in scope
``split``            ``{"group": uuid, "part": i, "parts": n}``; knowledge is raised only
                     once every part of a group has been imported
``receipt_for``      (receipts) the package id the receipt answers

``acks.json`` is the sender's whole knowledge (scope → vector): what it holds of
every partition, so that the recipient can trim its next export (R4).

Upcasting (R8): a package of an older ``schema_version`` would be upcast table by
table in ``UPCASTERS`` before the rows are checked; there is only schema 1 so far.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Callable

from desktop_app.store import migrations

from . import vectors
from .errors import PackageRejected
from .keys import is_office_code
from .rows import SHA_RE

SCHEMA_VERSION = migrations.LATEST
KNOWN_CAPABILITIES: frozenset[str] = frozenset()
# schema version -> function(table, wire row) -> wire row of the next version
UPCASTERS: dict[int, Callable[[str, dict], dict]] = {}
KINDS = ("full", "delta", "receipt")
MAX_PARTS = 10_000

try:
    APP_VERSION = metadata.version("taizhang")
except metadata.PackageNotFoundError:   # running from a source tree that is not installed
    APP_VERSION = "0.1.0"


@dataclass(frozen=True)
class ManifestInfo:
    kind: str
    sender_node: str
    sender_knowledge: vectors.Knowledge
    coverage_digest: str | None
    group: str
    part: int
    parts: int
    receipt_for: str | None


def _bad(detail: str) -> PackageRejected:
    return PackageRejected("manifest_mismatch", detail)


def read_knowledge(value: Any, what: str) -> vectors.Knowledge:
    if not isinstance(value, dict) or len(value) > 1024:
        raise _bad(f"{what}格式不正确")
    for scope, vector in value.items():
        if not is_office_code(scope) or not vectors.is_vector(vector):
            raise _bad(f"{what}格式不正确")
    return {s: dict(v) for s, v in value.items()}


def _is_uuid(value: Any) -> bool:
    try:
        return str(uuid.UUID(value)) == value
    except (ValueError, TypeError, AttributeError):
        return False


def _split(value: Any) -> tuple[str, int, int]:
    if not isinstance(value, dict) or set(value) != {"group", "part", "parts"}:
        raise _bad("分包信息格式不正确")
    group, part, parts = value["group"], value["part"], value["parts"]
    if not _is_uuid(group) or type(part) is not int or type(parts) is not int \
            or not 1 <= part <= parts <= MAX_PARTS:
        raise _bad("分包信息格式不正确")
    return group, part, parts


def read_manifest(manifest: dict[str, Any], header: dict[str, Any]) -> ManifestInfo:
    """Check the application fields of a verified manifest against its header."""
    kind = manifest.get("kind")
    if kind not in KINDS or kind != header["kind"]:
        raise _bad("数据包类型与头部不符")
    if manifest.get("schema_version") != header["schema_version"]:
        raise _bad("数据版本与头部不符")
    node = manifest.get("sender_node")
    if not isinstance(node, str) or not vectors.INSTANCE_RE.fullmatch(node):
        raise _bad("发件工作站标识不正确")
    knowledge = read_knowledge(manifest.get("sender_knowledge"), "发件方知识向量")
    digest = manifest.get("coverage_digest")
    if digest is not None and not (isinstance(digest, str) and SHA_RE.fullmatch(digest)):
        raise _bad("覆盖摘要格式不正确")
    receipt_for = manifest.get("receipt_for")
    if kind == "receipt":
        group, part, parts = str(uuid.UUID(int=0)), 1, 1
        if not _is_uuid(receipt_for):
            raise _bad("回执缺少所回复的数据包编号，或编号格式不正确")
    else:
        group, part, parts = _split(manifest.get("split"))
    return ManifestInfo(kind, node, knowledge, digest, group, part, parts, receipt_for)


def upcast(schema: int, table: str, row: dict) -> dict:
    for version in range(schema, SCHEMA_VERSION):
        row = UPCASTERS[version](table, row)
    return row
