"""Chinese for the few Qt strings that qtbase_zh_CN (Qt 6.12) leaves in English or words
oddly, found by recording every lookup while Qt's own dialogs were shown (file, print, message
box, input, wizard; see tests/ui/test_qt_dialogs_chinese.py). Installed after qtbase's
catalogue so it is asked first; anything not listed falls through to qtbase."""

from __future__ import annotations

from desktop.ui.qt import QTranslator

#: (context, source) → Chinese. The keys are Qt's own source texts, stable across Qt 6.
FIXES: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QAbstractFileIconProvider", "Folder"): "文件夹",
    ("QAbstractFileIconProvider", "Drive"): "驱动器",
    ("QFileSystemModel", "Size"): "大小",  # qtbase says 体积 (volume)
    ("QPrintSettingsOutput", "Page &Set:"): "页面范围(&S)：",
}


class QtChineseFixes(QTranslator):
    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        # None, not "": an empty string is a translation (every other text went blank)
        return FIXES.get((context, source))

    def isEmpty(self) -> bool:
        return False
