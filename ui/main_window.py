"""The main window only composes pages and routes signals (ARCHITECTURE.md §4)."""
from __future__ import annotations

import logging
import time

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QInputDialog, QLabel, QMainWindow, QMessageBox, QSplitter,
                               QStackedWidget, QWidget)

from desktop_app.domain.record import Changes, RecordRef
from desktop_app.domain.registry import FAMILIES
from ui import dialogs
from ui.columns import cn_date
from ui.forms.record_dialog import open_record_dialog
from ui.pages.navigation import (CONFLICTS, DASHBOARD, DOSSIER, EXCEL_IMPORT, EXCHANGE, FONTS, HOLIDAYS,
                                 OFFICE, REPORTS, SEARCH, Navigation, grouped_families)

log = logging.getLogger(__name__)


def version() -> str:
    from importlib.metadata import PackageNotFoundError, version as v
    try:
        return v("taizhang")
    except PackageNotFoundError:
        return "开发版"


class MainWindow(QMainWindow):
    closed = Signal()          # the window really closes (after the clerk agreed)

    def __init__(self, ctx):
        super().__init__()
        self.ctx = ctx
        self.pages: dict[str, QWidget] = {}
        self.guide = None
        self.setWindowTitle(ctx.title)
        self.nav = Navigation()
        self.stack = QStackedWidget()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.nav)
        split.addWidget(self.stack)
        split.setStretchFactor(1, 1)
        split.setSizes([190, 1000])
        split.setChildrenCollapsible(False)
        self.setCentralWidget(split)
        self._build_menus()
        self._build_status_bar()
        self.nav.page_requested.connect(self.show_page)
        bus = ctx.bus
        bus.open_record.connect(lambda fam, rid: self.open_record(fam, rid))
        bus.new_record.connect(lambda fam, prefill: self.open_record(fam, None, prefill))
        bus.open_dossier.connect(self.open_dossier)
        bus.show_list.connect(lambda fam, flt: self.show_page(fam).show_filter(flt))
        if not ctx.settings.restore_geometry("main", self):
            self.resize(1280, 800)
        self.nav.select(DASHBOARD)

    # -- pages ----------------------------------------------------------------
    def _make_page(self, key: str) -> QWidget:
        if key == DASHBOARD:
            from ui.pages.dashboard import DashboardPage
            return DashboardPage(self.ctx)
        if key == SEARCH:
            from ui.pages.search_page import SearchPage
            return SearchPage(self.ctx)
        if key == DOSSIER:
            from ui.pages.dossier_page import DossierPage
            return DossierPage(self.ctx)
        if key in (EXCHANGE, CONFLICTS):
            return self._exchange_page(key)
        if key in (REPORTS, EXCEL_IMPORT):
            from ui.reports import pages
            return pages.make(key, self.ctx)
        if key == OFFICE:
            from ui.pages.office_page import OfficePage
            return OfficePage(self.ctx)
        if key == HOLIDAYS:
            from ui.pages.holidays import HolidaysPage
            return HolidaysPage(self.ctx)
        if key == FONTS:
            from ui.fonts_dialog import FontsPanel
            return FontsPanel(self.ctx)
        from ui.pages.list_page import ListPage
        return ListPage(self.ctx, key)

    def _exchange_page(self, key: str) -> QWidget:
        """The USB exchange's pages (ui.exchange): records they import refresh the lists."""
        from ui.exchange import ConflictsPage, ExchangePage
        kind = ExchangePage if key == EXCHANGE else ConflictsPage
        page = kind(self.ctx.data_dir, open_session=self.ctx.open_session)
        page.families_changed.connect(lambda families: self.ctx.bus.changed.emit(
            Changes(updated=tuple(RecordRef(f, "") for f in families))))
        return page

    def show_page(self, key: str) -> QWidget:
        """Pages are made on first visit, so that the window opens at once."""
        page = self.pages.get(key)
        if page is None:
            started = time.perf_counter()
            page = self.pages[key] = self._make_page(key)
            self.stack.addWidget(page)
            log.debug("page %s built in %.0f ms", key, (time.perf_counter() - started) * 1000)
        self.stack.setCurrentWidget(page)
        self.nav.select(key)
        return page

    def current_key(self) -> str | None:
        page = self.stack.currentWidget()
        return next((k for k, p in self.pages.items() if p is page), None)

    def open_record(self, family: str, record_id: str | None, prefill: dict | None = None):
        return open_record_dialog(self.ctx, family, record_id, prefill, parent=self)

    def open_dossier(self, person_id: str) -> None:
        if not self.ctx.record_windows.close_all(self._ask_discard):
            return
        page = self.show_page(DOSSIER)
        page.show_person(person_id)

    def _ask_discard(self, n: int) -> bool:
        where = "一个记录窗口" if n == 1 else f"{n} 个记录窗口"
        return dialogs.ask_yes_no(self, f"{where}中有尚未保存的修改。不保存就关闭吗？", "尚未保存")

    # -- menus ----------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        f = bar.addMenu("文件(&F)")
        self.new_action = self._action(f, "新建记录…", self.new_record, QKeySequence.StandardKey.New,
                                       "在当前台账中新建一条记录")
        self.print_action = self._action(f, "打印…", self.print_current, QKeySequence.StandardKey.Print)
        self._action(f, "导出当前列表为 Excel…", self.export_current)
        f.addSeparator()
        self._action(f, "退出", self.close, QKeySequence("Ctrl+Q"))
        v = bar.addMenu("查看(&V)")
        self._action(v, "工作台", lambda: self.show_page(DASHBOARD), QKeySequence("Ctrl+1"))
        self.search_action = self._action(v, "搜索", self.focus_search, QKeySequence.StandardKey.Find)
        self._action(v, "全文搜索", lambda: self.show_page(SEARCH).focus_search(),
                     QKeySequence("Ctrl+Shift+F"))
        self._action(v, "廉政档案", lambda: self.show_page(DOSSIER), QKeySequence("Ctrl+D"))
        h = bar.addMenu("帮助(&H)")
        self._action(h, "使用说明", self.show_guide, QKeySequence.StandardKey.HelpContents,
                     "按任务讲解的使用说明（F1），离线可读")
        h.addSeparator()
        self._action(h, "打开日志文件夹", lambda: self._open_folder(self.ctx.log_path.parent))
        self._action(h, "打开数据文件夹", lambda: self._open_folder(self.ctx.data_dir))
        h.addSeparator()
        self._action(h, "关于监督台账", self.about)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        today = self.ctx.today()
        who = QLabel(f"录入人：{self.ctx.user}　　{cn_date(today)}")
        where = QLabel(f"数据文件夹：{self.ctx.data_dir}")
        where.setObjectName("muted")
        bar.addWidget(who)
        bar.addPermanentWidget(where)

    def _open_folder(self, path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        dialogs.open_path(path)

    # -- actions --------------------------------------------------------------
    def new_record(self) -> None:
        page = self.stack.currentWidget()
        if hasattr(page, "new_record"):
            page.new_record()
            return
        labels = [FAMILIES[n].label for n in grouped_families() if n != "attachment"]
        label, ok = QInputDialog.getItem(self, "新建记录", "要新建哪一类记录？", labels, 0, False)
        if ok:
            name = next(n for n in FAMILIES if FAMILIES[n].label == label)
            self.open_record(name, None)

    def focus_search(self) -> None:
        page = self.stack.currentWidget()
        if hasattr(page, "focus_search"):
            page.focus_search()
        else:
            self.show_page(SEARCH).focus_search()

    def print_current(self) -> None:
        page = self.stack.currentWidget()
        if hasattr(page, "print_dossier"):
            page.print_dossier()
        elif hasattr(page, "print_list"):
            page.print_list()
        else:
            self.statusBar().showMessage("此页面没有可打印的内容。可在各台账列表或廉政档案中打印。", 5000)

    def export_current(self) -> None:
        page = self.stack.currentWidget()
        if hasattr(page, "export"):
            page.export()
        else:
            self.statusBar().showMessage("请先打开一个台账列表，再导出。", 5000)

    def show_guide(self):
        """One guide window, raised when asked for again."""
        from ui.help_viewer import HelpWindow
        if self.guide is None:
            self.guide = HelpWindow(self)
        self.guide.show()
        self.guide.raise_()
        self.guide.activateWindow()
        return self.guide

    def about(self) -> None:
        QMessageBox.about(self, "关于",
                          f"<h3>监督台账</h3><p>版本 {version()}</p>"
                          f"<p>县级纪委监委日常监督工作台账（离线使用，不连接网络）。</p>"
                          f"<p>机关：{self.ctx.office_name}（{self.ctx.office_code}）<br>"
                          f"数据文件夹：{self.ctx.data_dir}<br>日志：{self.ctx.log_path}</p>"
                          "<p>本系统为非涉密系统，严禁录入涉密信息。</p>")

    def closeEvent(self, event) -> None:
        if not self.ctx.record_windows.close_all(self._ask_discard):
            event.ignore()
            return
        from ui.exchange.worker import wait_all
        wait_all(5000, cancel=True)      # an export or import is stopped cleanly, not cut off
        self.ctx.settings.save_geometry("main", self)
        self.ctx.settings.sync()
        self.ctx.jobs.shutdown()
        super().closeEvent(event)
        self.closed.emit()
