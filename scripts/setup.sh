#!/usr/bin/env bash
# Installs the system packages pdet-tui needs when they are missing (Debian/Ubuntu):
# libncurses-dev (the terminal backend), zlib1g-dev (the gzipped digits data), tmux (terminal tests),
# man-db and groff-base (the install test renders the man page with `man -l`), binutils (objdump and
# nm for scripts/codegen-check.sh).
set -euo pipefail
missing=()
[ -f /usr/include/ncursesw/ncurses.h ] || missing+=(libncurses-dev)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v man >/dev/null 2>&1 || missing+=(man-db)
command -v groff >/dev/null 2>&1 || missing+=(groff-base)
command -v objdump >/dev/null 2>&1 || missing+=(binutils)
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}" >&2
    SUDO=""
    if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
