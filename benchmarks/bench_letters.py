"""Letters to PDF: warm render, CLI cold start, and LibreOffice converting the same letter.

Run: python benchmarks/bench_letters.py
Targets (ARCHITECTURE.md §6): one letter warm ≤ 25 ms and ≥ 20× faster than LibreOffice
converting the same letter from .docx; `python -m desktop_app.cli letter render` start
to finish ≤ 0.5 s. Prints a table and writes benchmarks/results/letters.json.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from common import ROOT, med, report, timed

from desktop_app.letters import render_bytes
from desktop_app.letters.fonts import get_fonts
from desktop_app.letters.samples import sample_spec

DOC_TYPE = "提醒函"  # a two-page 信函 with headings, a 版记 and three font roles
WARM_RUNS = 40
COLD_RUNS = 7


def spec_json(spec) -> dict:
    return {"type": spec.doc_type, "office": spec.office, "number": spec.number,
            "recipient": spec.recipient, "title": spec.title, "body": list(spec.body),
            "date": spec.date.isoformat(), "cc": list(spec.cc), "mark": spec.mark, "sealed": spec.sealed}


def cold_start(spec_path: Path, work: Path) -> tuple[list[float], float]:
    """Wall time of the CLI as a fresh process; the first run fills the font caches."""
    cmd = [sys.executable, "-m", "desktop_app.cli", "--data-dir", str(work / "data"),
           "letter", "render", str(spec_path), "-o", str(work / "cli.pdf")]

    def run() -> float:
        t = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
        return (time.perf_counter() - t) * 1000

    first = run()  # empty caches: scans the font folders and parses the fonts
    return [run() for _ in range(COLD_RUNS)], first


def _paragraph(text: str, centre: bool = False) -> str:
    props = '<w:pPr><w:jc w:val="center"/></w:pPr>' if centre else ""
    return (f"<w:p>{props}<w:r><w:rPr><w:rFonts w:eastAsia=\"仿宋\"/><w:sz w:val=\"32\"/></w:rPr>"
            f"<w:t xml:space=\"preserve\">{escape(text)}</w:t></w:r></w:p>")


def write_docx(spec, path: Path) -> None:
    """A minimal WordprocessingML file with the same text (python-docx is not a dependency)."""
    paras = [_paragraph(spec.office, True), _paragraph(spec.number or "", True),
             _paragraph(spec.title, True), _paragraph(spec.recipient + "：")]
    paras += [_paragraph("\u3000\u3000" + p) for p in spec.body]
    paras += [_paragraph(spec.office), _paragraph(f"{spec.date.year}年{spec.date.month}月{spec.date.day}日")]
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" '
            'w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>')
    document = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{ns}"><w:body>{"".join(paras)}{body}</w:body></w:document>'
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/document.xml", document)


def libreoffice(spec, work: Path) -> list[float] | None:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        print("未找到 LibreOffice（soffice/libreoffice），跳过对比测量。")
        return None
    docx = work / "letter.docx"
    write_docx(spec, docx)
    profile = (work / "lo-profile").as_uri()
    cmd = [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
           "--outdir", str(work / "lo"), str(docx)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)  # first start sets up the profile
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, timeout=300)
        times.append((time.perf_counter() - t) * 1000)
    return times


def main() -> int:
    spec = sample_spec(DOC_TYPE)
    with tempfile.TemporaryDirectory(prefix="bench-letters-") as tmp:
        work = Path(tmp)
        fonts = get_fonts(cache_dir=work / "warm-cache")
        pages = render_bytes(spec, fonts).count(b"/Type /Page\n")
        warm = timed(lambda: render_bytes(spec, fonts), WARM_RUNS)
        spec_path = work / "spec.json"
        spec_path.write_text(json.dumps(spec_json(spec), ensure_ascii=False), encoding="utf-8")
        cold, first = cold_start(spec_path, work)
        lo = libreoffice(spec, work)
    rows = [
        (f"一封{DOC_TYPE}（{pages} 页）渲染，预热后，{WARM_RUNS} 次中位数", med(warm), 25.0, "ms"),
        (f"命令行冷启动 letter render，{COLD_RUNS} 次中位数", med(cold), 500.0, "ms，字体缓存已建"),
        ("命令行首次运行（扫描字体、解析字体）", first, None, "ms，只发生一次"),
    ]
    if lo is not None:  # absent: libreoffice() said so; JSON has no row rather than NaN
        rows.append(("LibreOffice 由 .docx 转 PDF，3 次中位数", med(lo), None, "ms"))
        rows.append(("倍数：LibreOffice ÷ 本程序（预热）", med(lo) / med(warm), None, "目标 ≥ 20 倍"))
    report("letters", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
