"""One sample of every document type, each made from a real record of the data folder."""
from __future__ import annotations

from pathlib import Path

from desktop_app.errors import UserFacingError
from desktop_app.services import documents
from desktop_app.services.document_values import BUILDERS
from desktop_app.letters.documents import MissingFields

SLUGS = {"谈话提醒通知书": "tanhua_tixing", "约谈通知书": "yuetan", "提醒函": "tixinghan",
         "制止函": "zhizhihan", "函询通知书": "hanxun", "函询结果反馈函": "hanxun_fankui",
         "限期整改通知书": "xianqi_zhenggai", "纪律检查建议书": "jilv_jianyi",
         "监察建议书": "jiancha_jianyi", "监督建议书": "jiandu_jianyi", "谈话记录": "tanhua_jilu"}
CANDIDATES = 40


def _candidates(s, doc_name: str):
    for family, (_builder, names) in BUILDERS.items():
        if doc_name in names:
            yield from ((family, r[0]) for r in s.conn.execute(
                f"SELECT id FROM {family} WHERE voided = 0 ORDER BY updated_at DESC LIMIT ?",
                (CANDIDATES * 10,)))


def render_samples(s, out_dir: Path) -> list[tuple[str, Path]]:
    made = []
    for doc_name, slug in SLUGS.items():
        last: Exception | None = None
        for family, rid in _candidates(s, doc_name):
            try:
                path = out_dir / f"{slug}.pdf"
                documents.preview(s, family, rid, doc_name, path)
                made.append((doc_name, path))
                break
            except (MissingFields, UserFacingError) as exc:
                last = exc
        else:
            raise UserFacingError(f"演示数据中没有能生成「{doc_name}」的记录：{last}")
    return made
