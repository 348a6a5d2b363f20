"""Screenshots of the desktop program (run from the repo root):

    QT_QPA_PLATFORM=offscreen python docs/screenshots/make_screenshots.py

Writes the README's and the issue notes' pictures to docs/screenshots/ and the
user guide's to resources/guide/img/ (the guide ships with the program, so its
pictures live beside it). A fresh demo county (3,000 records, "today" fixed)
in a temporary folder; window 1366×768, the most common screen of county
office PCs. Needs CJK fonts (fonts-noto-cjk) or the text is boxes.
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
GUIDE = ROOT / "resources" / "guide" / "img"
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


def save(widget, name: str, *, docs: bool = True, guide: bool = False) -> None:
    """PNG under 300 KB: full colour when it fits, else a 256-colour palette
    (always the palette for the guide: it travels inside the program)."""
    image = widget.grab().toImage()
    targets = ([OUT / name] if docs else []) + ([GUIDE / name] if guide else [])
    for path in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(path), "PNG")
        if path.stat().st_size > MAX_BYTES or path.parent == GUIDE:
            _palette(image, path)
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")


def _palette(image, path: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage
    try:                                      # Pillow (a pdfplumber dependency) keeps tints
        from PIL import Image
        with Image.open(path) as im:
            im.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE,
                                       dither=Image.Dither.NONE).save(path, optimize=True)
    except ImportError:
        flags = Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither
        image.convertToFormat(QImage.Format.Format_Indexed8, flags).save(str(path), "PNG")


def first(ctx, family: str, **flt):
    from desktop_app.services import queries
    s = ctx.open_session()
    try:
        return queries.list_records(s, family, queries.ListFilter(**flt))[0][0]
    finally:
        s.close()


def busiest_person(ctx) -> str:
    s = ctx.open_session()
    try:
        return s.conn.execute("SELECT person_id FROM record_link WHERE field != 'self'"
                              " GROUP BY person_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    finally:
        s.close()


def start_dialogs(app, folder: Path) -> None:
    """首次使用设置 (an empty folder) and 登录 (the demo county)."""
    from ui.security.login import LoginDialog
    from ui.setup_dialog import SetupDialog
    setup = SetupDialog(Path(tempfile.mkdtemp()) / "new")
    setup.show()
    settle(app)
    save(setup, "setup.png", docs=False, guide=True)
    setup.close()
    login = LoginDialog(folder, synchronous=True)
    login.name.setText("管理员")
    login.show()
    settle(app)
    save(login, "login.png", docs=False, guide=True)
    login.close()


def lists_and_forms(app, w, ctx) -> None:
    save(w, "dashboard.png", guide=True)
    w.show_page("rect_item")
    settle(app)
    save(w, "list-rect-items.png")
    page = w.show_page("talk")
    page.filters.search.setText("约谈")
    settle(app)
    save(w, "list-talk-search.png")
    save(w, "list-talk.png", docs=False, guide=True)
    talk = first(ctx, "talk", type_value="约谈")
    dialog = w.open_record("talk", talk.id)
    dialog.resize(1100, 720)
    settle(app)
    save(dialog, "form-talk.png", guide=True)
    dialog.form.editors["reason"].clear()
    dialog.form.editors["talk_date"].set_value("2026-02-17")
    dialog.save()
    settle(app)
    save(dialog, "form-validation.png")
    dialog.form.load(dict(talk.values))
    dialog.close()
    new = w.open_record("talk", None)
    new.resize(1100, 720)
    new.save()
    settle(app)
    save(new, "form-missing.png", guide=True)
    new.close()
    picker(app, ctx)


def picker(app, ctx) -> None:
    from ui.widgets.pickers import PickerDialog
    p = PickerDialog(ctx, "person", multi=True)
    p.show()
    for row in (0, 2):
        p.list.setCurrentRow(row)
        p._tick_current()
    p.search.setText("w")
    p.refill()
    settle(app)
    save(p, "picker.png", guide=True)
    p.reject()


def letters(app, w, ctx) -> None:
    """生成文书, a 发文 listed on its talk, and the rectification made from the talk."""
    from ui.forms.actions import open_letters
    talk = first(ctx, "talk", type_value="约谈")
    dialog = w.open_record("talk", talk.id)
    dialog.resize(1100, 720)
    settle(app)
    editor = open_letters(dialog)
    editor.resize(1280, 760)
    settle(app, 1.0)
    save(editor, "letter-editor.png", guide=True)
    for field in editor.fields.editors.values():        # what the demo record cannot give
        if hasattr(field, "text") and not field.text():
            field.setText("（已填写）")
        elif hasattr(field, "toPlainText") and not field.toPlainText():
            field.setPlainText("一、已填写。")
    editor.refresh()
    editor.issue()
    editor.close()
    dialog.tabs.setCurrentWidget(dialog.documents)
    settle(app)
    save(dialog, "talk-documents.png", guide=True)
    rectification(app, w, ctx, dialog)
    dialog.close()


def rectification(app, w, ctx, talk_dialog) -> None:
    from desktop_app.services import records
    from ui.forms.actions import rectification_prefill
    s = ctx.open_session()
    try:
        values = rectification_prefill(s, records.get(s, "talk", talk_dialog.record.id))
    finally:
        s.close()
    rect = talk_dialog.open_child("rectification", None, values)
    rect.resize(1100, 720)
    rect.form.editors["report_due"].line.setText("+15")        # a deadline typed as a count
    settle(app)
    save(rect, "rect-form.png", guide=True)
    rect.discard_changes()
    rect.close()


def export_and_files(app, w) -> None:
    from PySide6.QtWidgets import QFileDialog
    from ui import dialogs
    from ui.pages.list_page import export_question
    from ui.qt_zh import ChineseColumns
    from ui.xlsx_export import CHOICES
    page = w.show_page("talk")
    box, _ = dialogs.choice_box(w, "导出 Excel", export_question("谈话", page.model.total),
                                list(CHOICES.values()))
    box.show()
    settle(app)
    save(box, "export-choice.png", guide=True)
    box.close()
    folder = Path(tempfile.mkdtemp()) / "导出"
    (folder / "2026年2月").mkdir(parents=True)
    for name, size in (("谈话-2026-02-28.xlsx", 48_213), ("整改-2026-03-02.xlsx", 153_600)):
        (folder / name).write_bytes(b"\0" * size)
    d = QFileDialog(w, "导出 Excel", str(folder), "Excel 工作簿 (*.xlsx)")
    d.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    d.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    d.setProxyModel(ChineseColumns(d))
    d.setViewMode(QFileDialog.ViewMode.Detail)
    d.selectFile("谈话-2026-03-10.xlsx")
    d.resize(860, 520)
    d.show()
    settle(app, 1.0)
    save(d, "file-dialog.png", guide=True)
    d.close()


def other_pages(app, w, ctx, folder: Path) -> None:
    from desktop_app.security.auth import Identity
    from ui.pages.navigation import EXCHANGE, HOLIDAYS, OFFICE, REPORTS
    from ui.security.integrate import SecurityWindow
    dossier = w.show_page("dossier")
    dossier.show_person(busiest_person(ctx))
    settle(app)
    save(w, "dossier.png", guide=True)
    w.show_page(EXCHANGE)
    settle(app, 1.0)
    save(w, "exchange.png", guide=True)
    reports = w.show_page(REPORTS)
    _press(reports, "统计")
    settle(app, 1.5)
    save(w, "reports.png", docs=False, guide=True)
    w.show_page(HOLIDAYS)
    settle(app, 0.6)
    save(w, "holidays.png", docs=False, guide=True)
    w.show_page(OFFICE)
    settle(app, 0.6)
    save(w, "office.png")
    sec = SecurityWindow(Identity(folder, "管理员", "管理员", clock), synchronous=True)
    sec.show()
    backups = sec.show_page("backups")
    _press(backups, "立即备份")
    settle(app, 1.5)
    save(sec, "backups.png", guide=True)
    sec.close()
    guide = w.show_guide()
    guide.show_file("daily-entries.md")
    settle(app, 0.6)
    save(guide, "help.png")
    guide.close()


def _press(widget, text: str) -> None:
    from PySide6.QtWidgets import QPushButton
    next(b for b in widget.findChildren(QPushButton) if b.text() == text).click()


def main() -> int:
    from desktop_app.demo import fill_demo
    from desktop_app.security.demo_account import ensure_demo_admin
    from ui.app import make_application
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui import dialogs
    app = make_application()
    dialogs.ask_yes_no = lambda *a, **k: True          # 发文 asks first; nobody here to answer
    dialogs.show_info = lambda *a, **k: None
    folder = Path(tempfile.mkdtemp()) / "demo"
    fill_demo(folder, records=3000, today=TODAY)
    ensure_demo_admin(folder)
    start_dialogs(app, folder)
    ctx = AppContext.load(folder, clock=clock, synchronous=True, user="王晓燕")
    w = MainWindow(ctx)
    w.resize(*SIZE)
    w.show()
    settle(app)
    lists_and_forms(app, w, ctx)
    letters(app, w, ctx)
    export_and_files(app, w)
    other_pages(app, w, ctx, folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
