"""Letters to PDF: warm render, CLI cold start, and LibreOffice converting the same letter.

Run: python benchmarks/bench_letters.py
Targets: one letter warm ≤ 25 ms (ARCHITECTURE.md §6); `taizhang letter render` of a
one-page letter from a cold process ≤ 0.35 s and ≥ 4× faster than LibreOffice converting
the same letter from .docx (issue 11). The cold runs and the LibreOffice runs alternate
in one loop (a *paired* run), so both see the same machine load. LibreOffice is only
measured when installed (`apt-get install libreoffice-writer-nogui`; not a dependency).
Prints a table and writes benchmarks/results/letters.json.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from common import ROOT, med, report, timed

from desktop_app.letters import LetterSpec, render_bytes
from desktop_app.letters.fonts import get_fonts
from desktop_app.letters.samples import sample_spec

DOC_TYPE = "提醒函"  # a two-page 信函 with headings, a 版记 and three font roles
WARM_RUNS = 40
PAIRED_RUNS = 9
ONE_PAGE = {"type": "提醒函", "office": "中共××县纪律检查委员会", "number": "×纪函〔2026〕5号",
            "recipient": "中共××镇委员会", "title": "提醒函", "mark": "内部", "date": "2026-11-29",
            "body": ["经日常监督发现，你镇个别干部在节假日期间存在公车私用苗头，部分村级财务报销手续不全。"
                     "现就以下事项予以提醒：", "一、严格执行中央八项规定精神",
                     "（一）加强公务用车管理。落实派车登记、定点停放和使用情况公示制度。",
                     "请于2026年12月15日前将自查和整改情况书面报告我委。", "特此函告。"],
            "cc": ["中共××镇委员会书记"]}


def run_timed(cmd: list[str], **kw) -> tuple[float, float]:
    """(wall ms, CPU ms of the process and its children): CPU time does not grow when
    other jobs share the cores, so it shows what a quiet machine's wall time would be."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, **kw)
    wall = (time.perf_counter() - t) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return wall, cpu


def cli_env(work: Path) -> dict:
    """As installed: bytecode cached (here in a folder of the run, not in the sources)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def cli_run(spec_path: Path, work: Path) -> tuple[float, float]:
    """`taizhang letter render` as a fresh process."""
    cmd = [sys.executable, "-m", "desktop_app.cli", "--data-dir", str(work / "data"),
           "letter", "render", str(spec_path), "-o", str(work / "cli.pdf")]
    return run_timed(cmd, cwd=ROOT, env=cli_env(work))


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


def libreoffice_cmd(spec, work: Path) -> list[str] | None:
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
    return cmd


def paired(spec_path: Path, spec, work: Path):
    """Cold CLI runs and LibreOffice conversions of the same letter, alternating."""
    first = cli_run(spec_path, work)[0]  # empty caches: font scan, font parse, bytecode
    lo_cmd = libreoffice_cmd(spec, work)
    ours, theirs = [], []
    for _ in range(PAIRED_RUNS):
        ours.append(cli_run(spec_path, work))
        if lo_cmd is not None:
            theirs.append(run_timed(lo_cmd, timeout=300))
    return ours, (theirs if lo_cmd is not None else None), first


def main() -> int:
    spec = sample_spec(DOC_TYPE)
    one = LetterSpec.from_json(ONE_PAGE)
    with tempfile.TemporaryDirectory(prefix="bench-letters-") as tmp:
        work = Path(tmp)
        fonts = get_fonts(cache_dir=work / "warm-cache")
        pages = render_bytes(spec, fonts).count(b"/Type /Page\n")
        assert render_bytes(one, fonts).count(b"/Type /Page\n") == 1
        warm = timed(lambda: render_bytes(spec, fonts), WARM_RUNS)
        warm_cpu = []
        for _ in range(WARM_RUNS):
            t0 = time.process_time()
            render_bytes(spec, fonts)
            warm_cpu.append((time.process_time() - t0) * 1000)
        spec_path = work / "one.json"
        spec_path.write_text(json.dumps(ONE_PAGE, ensure_ascii=False), encoding="utf-8")
        cold, lo, first = paired(spec_path, one, work)
    load = os.getloadavg()[0]
    wall, cpu = [w for w, _c in cold], [c for _w, c in cold]
    rows = [
        (f"一封{DOC_TYPE}（{pages} 页）渲染，预热后，{WARM_RUNS} 次中位数（墙钟）", med(warm), 25.0, "ms"),
        ("同上，CPU 时间", med(warm_cpu), 25.0, "ms"),
        (f"命令行冷启动 letter render（1 页），{PAIRED_RUNS} 次中位数（墙钟）", med(wall), 350.0,
         f"ms，字体缓存已建；测量时 1 分钟负载 {load:.1f}"),
        ("同上，进程 CPU 时间（不受其他任务影响）", med(cpu), 350.0, "ms"),
        ("命令行首次运行（扫描字体、解析字体、编译字节码）", first, None, "ms，只发生一次"),
    ]
    if lo is not None:  # absent: libreoffice_cmd() said so; JSON has no row rather than NaN
        lo_wall, lo_cpu = [w for w, _c in lo], [c for _w, c in lo]
        rows.append((f"LibreOffice 由 .docx 转 PDF（同一封信，与上交替），{PAIRED_RUNS} 次中位数（墙钟）",
                     med(lo_wall), None, "ms"))
        rows.append(("同上，进程 CPU 时间", med(lo_cpu), None, "ms"))
        rows.append(("倍数：LibreOffice ÷ 本程序（冷启动，墙钟，配对）", med(lo_wall) / med(wall), None, "目标 ≥ 4 倍"))
        rows.append(("倍数：LibreOffice ÷ 本程序（冷启动，CPU 时间）", med(lo_cpu) / med(cpu), None, "目标 ≥ 4 倍"))
        rows.append(("倍数：LibreOffice ÷ 本程序（预热）", med(lo_wall) / med(warm), None, "目标 ≥ 20 倍"))
    report("letters", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
