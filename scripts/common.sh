# Shared by scripts/run and scripts/test: system packages through apt (as root or with sudo),
# then the project in a virtual environment at .venv.

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1; then sudo "$@"
    else echo "需要 root 或 sudo 来安装系统软件包：$*" >&2; return 1
    fi
}

apt_install() {
    command -v apt-get >/dev/null 2>&1 || { echo "（非 Debian/Ubuntu 系统：请自行安装 $*）" >&2; return 0; }
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "安装系统软件包：${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# What Qt's xcb platform plugin and the fonts need to show Chinese in a real window.
RUNTIME_PACKAGES=(python3 python3-venv python3-pip libegl1 libgl1 libfontconfig1 libdbus-1-3
    libxkbcommon0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
    libxcb-render-util0 libxcb-xinerama0 libxcb-randr0 libxcb-shape0 libxcb-xkb1 libxcb-cursor0
    libxcb-xfixes0 libxrender1 libxi6 libglib2.0-0 fonts-noto-cjk)

venv_install() {  # $1: pip extras spec, e.g. ".[test]"
    local py="${PYTHON:-python3}"
    if [ ! -x .venv/bin/python ]; then
        "$py" -m venv .venv
    fi
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e "$1"
}
