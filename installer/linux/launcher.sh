#!/bin/sh
# 调解台 MediationDesk launcher: the package's own Python (built for glibc 2.28) in isolated
# mode (-I: no PYTHONPATH, no user site-packages), running the app from files/app.
FILES=$(dirname "$(dirname "$(readlink -f "$0")")")

# Chinese input: the bundled Qt carries the IBus input-context plugin but not fcitx's (that one
# is built against the system's Qt and cannot load into ours). UOS/Kylin desktops run fcitx;
# fcitx5 also answers the IBus protocol, so route Qt to it when fcitx5 is running.
case "${QT_IM_MODULE:-}" in
    fcitx*)
        if [ ! -e "$FILES/python/lib/python3.11/site-packages/PySide6/Qt/plugins/platforminputcontexts/libfcitx5platforminputcontextplugin.so" ] \
           && ps -C fcitx5 >/dev/null 2>&1; then
            QT_IM_MODULE=ibus
            export QT_IM_MODULE
        fi
        ;;
esac
exec "$FILES/python/bin/python3.11" -I -m desktop "$@"
