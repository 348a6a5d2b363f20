"""Chinese for Qt's own dialogs where qtbase_zh_CN falls short.

The qtbase_zh_CN.qm that ships with Qt 6.11 predates some of Qt 6.11's own
strings: its file dialog still reads "Look in:" and "Files of type:" because
the source texts became "&Look in:" and "Files of &type:", and the type
column says "Folder" (QAbstractFileIconProvider is newer than the file).
This translator, installed after qtbase, answers those lookups. Any text a
future Qt adds shows up in tests/ui/test_chinese.py, which opens the dialogs
and looks for English.

Qt's file dialog also prints the modified date with the *system* locale
("6 12 2026" under LANG=C) and sizes ("0 bytes"), which ``QLocale.setDefault``
does not change: ``ChineseColumns`` is a proxy model that prints them in Chinese.
"""
from __future__ import annotations

from PySide6.QtCore import QDateTime, QIdentityProxyModel, QLocale, QModelIndex, Qt, QTranslator
from PySide6.QtWidgets import QFileSystemModel

ZH_CN = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
SIZE, MODIFIED = 1, 3          # QFileSystemModel's columns

# (context, source) -> Chinese; disambiguation comments are ignored on purpose.
MISSING: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QFileDialog", "Cancel"): "取消",
    ("QAbstractFileIconProvider", "File"): "文件",
    ("QAbstractFileIconProvider", "%1 File"): "%1 文件",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "File Folder"): "文件夹",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
    ("QAbstractFileIconProvider", "Shortcut"): "快捷方式",
    ("QAbstractFileIconProvider", "Alias"): "替身",
    ("QAbstractFileIconProvider", "Unknown"): "未知",
    ("QPrintSettingsOutput", "Page &Set:"): "页面集(&S)：",
    ("QPrintSettingsOutput", "All Pages"): "所有页面",
    ("QPrintSettingsOutput", "Odd Pages"): "奇数页",
    ("QPrintSettingsOutput", "Even Pages"): "偶数页",
    ("QPrintWidget", "..."): "…",
}


class MissingChinese(QTranslator):
    """Answers only the lookups in ``MISSING``; everything else goes on to qtbase."""

    def translate(self, context, source, disambiguation=None, n=-1):   # noqa: ARG002
        # None is Qt's null string: "not mine, ask the next translator" ("" would
        # be an empty translation and blank every button)
        return MISSING.get((context, source))

    def isEmpty(self) -> bool:
        return False


class ChineseColumns(QIdentityProxyModel):
    """The file dialog's 大小 and 修改日期 columns in Chinese (1.4 kB, 0 字节,
    2026-12-06 16:35), whatever the system locale says."""

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and index.column() in (SIZE, MODIFIED):
            source = self.sourceModel()
            if isinstance(source, QFileSystemModel):
                src = self.mapToSource(index)
                if index.column() == MODIFIED:
                    modified: QDateTime = source.lastModified(src)
                    return modified.toString("yyyy-MM-dd HH:mm") if modified.isValid() else ""
                if not source.isDir(src):
                    return ZH_CN.formattedDataSize(
                        source.size(src), 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)
        return super().data(index, role)
