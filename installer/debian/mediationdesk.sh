#!/bin/sh
# 调解台 MediationDesk launcher. The application is a self-contained bundle (its own Python,
# Qt and fonts) in /opt/mediationdesk; the system libraries it uses are the package's Depends.

# Chinese input: the bundled Qt carries the IBus input-context plugin but not fcitx's (that
# one is built against the system's Qt and cannot load into ours). UOS/Kylin desktops run
# fcitx; fcitx5 also answers the IBus protocol, so route Qt to it when fcitx5 is running.
case "${QT_IM_MODULE:-}" in
    fcitx*)
        if [ ! -e /opt/mediationdesk/_internal/PySide6/Qt/plugins/platforminputcontexts/libfcitx5platforminputcontextplugin.so ] \
           && ps -C fcitx5 >/dev/null 2>&1; then
            QT_IM_MODULE=ibus
            export QT_IM_MODULE
        fi
        ;;
esac
exec /opt/mediationdesk/mediationdesk "$@"
