"""Regenerate the sample pages in this folder: page 1 of every document type at 80 dpi.

Run from the repository root: python docs/letters/make_samples.py  (needs pdftoppm)
The texts are the fictional values of resources/letters/samples.json.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from desktop_app.letters import render_pdf  # noqa: E402
from desktop_app.letters.documents import TEMPLATE_DIR  # noqa: E402
from desktop_app.letters.samples import sample_spec, sample_values  # noqa: E402


def main() -> int:
    slugs = {}
    for path in TEMPLATE_DIR.glob("*.json"):
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if "type" in data:
            slugs[data["type"]] = path.stem
    out = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as tmp:
        for name in sample_values():
            pdf = Path(tmp) / f"{slugs[name]}.pdf"
            result = render_pdf(sample_spec(name), pdf)
            subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "1", "-singlefile",
                            str(pdf), str(out / slugs[name])], check=True)
            print(f"{slugs[name]}.png  {name}（共 {result.pages} 页）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
