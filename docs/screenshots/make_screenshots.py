"""Screenshots of the desktop program for docs/screenshots (run from the repo root):

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_screenshots.py

A fresh demo county (3,000 records, "today" fixed) in a temporary folder;
window 1366×768, the most common screen of county office PCs. Needs CJK fonts
(fonts-noto-cjk) or the text is boxes.
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).resolve().parent
TODAY = date(2026, 3, 10)
SIZE = (1366, 768)
MAX_BYTES = 290_000           # under 300 KB however KB is counted


def clock() -> datetime:
    return datetime(2026, 3, 10, 9, 30)


def settle(app, seconds: float = 0.4) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def save(widget, name: str) -> None:
    """PNG under 300 KB: full colour when it fits, else a 256-colour palette."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage
    path = OUT / name
    image = widget.grab().toImage()
    image.save(str(path), "PNG")
    if path.stat().st_size > MAX_BYTES:
        try:                                  # Pillow (a pdfplumber dependency) keeps tints
            from PIL import Image
            with Image.open(path) as im:
                im.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE,
                                           dither=Image.Dither.NONE).save(path, optimize=True)
        except ImportError:
            flags = Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither
            image.convertToFormat(QImage.Format.Format_Indexed8, flags).save(str(path), "PNG")
    print(f"{path.name}: {path.stat().st_size // 1024} KB")


def busiest_person(ctx) -> str:
    s = ctx.open_session()
    try:
        return s.conn.execute("SELECT person_id FROM record_link WHERE field != 'self'"
                              " GROUP BY person_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    finally:
        s.close()


def main() -> int:
    from desktop_app.demo import fill_demo
    from ui.app import make_application
    from ui.context import AppContext
    from ui.forms.actions import open_letters
    from ui.main_window import MainWindow
    from desktop_app.services import queries
    app = make_application()
    folder = Path(tempfile.mkdtemp()) / "demo"
    fill_demo(folder, records=3000, today=TODAY)
    ctx = AppContext.load(folder, clock=clock, synchronous=True, user="王晓燕")
    w = MainWindow(ctx)
    w.resize(*SIZE)
    w.show()
    settle(app)
    save(w, "dashboard.png")
    page = w.show_page("rect_item")
    settle(app)
    save(w, "list-rect-items.png")
    page = w.show_page("talk")
    page.filters.search.setText("约谈")
    settle(app)
    save(w, "list-talk-search.png")
    s = ctx.open_session()
    talk = queries.list_records(s, "talk", queries.ListFilter(type_value="约谈"))[0][0]
    s.close()
    dialog = w.open_record("talk", talk.id)
    dialog.resize(1100, 720)
    settle(app)
    save(dialog, "form-talk.png")
    dialog.form.editors["reason"].clear()
    dialog.form.editors["talk_date"].set_value("2026-02-17")
    dialog.save()
    settle(app)
    save(dialog, "form-validation.png")
    editor = open_letters(dialog)
    editor.resize(1280, 760)
    dialog.form.editors["reason"].setText(talk.get("reason"))
    settle(app, 1.0)
    save(editor, "letter-editor.png")
    editor.close()
    dialog.form.load(dict(talk.values))
    dialog.close()
    dossier = w.show_page("dossier")
    dossier.show_person(busiest_person(ctx))
    settle(app)
    save(w, "dossier.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
