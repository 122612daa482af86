#!/usr/bin/env bash
# Helpers for real-terminal tests: run a program in an interactive shell inside a detached tmux
# session (a private server on its own socket), type at it, wait for text, resize, check the
# terminal was restored. Source this file; call tl_start first and tl_stop at the end (trap).
# Nothing here can hang: every wait polls with a deadline and fails with the pane printed.
#
#   source scripts/tmux-lib.sh
#   tl_start 120 40; trap tl_stop EXIT
#   tl_run "pdet-tui demo"; tl_wait_for "Size: 120×40" || tl_fail "no size"
#   tl_keys q; tl_wait_exit || tl_fail "did not quit"; tl_check_restored || tl_fail "terminal left dirty"

# tl_setup NAME SECONDS "$@": the preamble every real-terminal test shares. BIN: $PDET_TUI, else the
# release build, else the debug build (slow: timeouts may hit), as an absolute path (exit 1 when there is none). Re-runs the
# calling script once under `timeout SECONDS` (its SIGTERM ends the script through the EXIT trap). WORK:
# a scratch folder. Traps: EXIT stops tmux and removes WORK; TERM/INT say the test was interrupted.
tl_setup() {
    local name="$1" seconds="$2"
    shift 2
    BIN="${PDET_TUI:-}"
    if [ -z "$BIN" ]; then
        for candidate in .build/release/pdet-tui .build/debug/pdet-tui; do
            if [ -x "$candidate" ]; then BIN="$candidate"; break; fi
        done
    fi
    if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
        echo "$name: no pdet-tui binary (run: swift build --product pdet-tui, or set PDET_TUI)" >&2
        exit 1
    fi
    BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
    if [ -z "${TL_UNDER_TIMEOUT:-}" ]; then
        TL_UNDER_TIMEOUT=1 exec timeout -k 5 "$seconds" bash "$0" "$@"
    fi
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/$name.XXXXXX")"
    TL_TEST_NAME="$name"
    trap 'tl_stop; rm -rf "$WORK"' EXIT
    trap 'echo "$TL_TEST_NAME: interrupted (timeout?)" >&2; exit 1' TERM INT
}

# tl_expect_exit STATUS WHAT: the app ends (after WHAT: "q", "SIGTERM", …) with STATUS and leaves the
# terminal restored; else tl_fail.
tl_expect_exit() {
    local want="$1" what="$2" status
    status="$(tl_wait_exit)" || tl_fail "$what did not end the app"
    [ "$status" = "$want" ] || tl_fail "exit status $status after $what (want $want)"
    tl_check_restored || tl_fail "terminal not restored after $what"
}

TL_SOCKET=""
TL_TARGET="tl:0.0"
TL_TIMEOUT="${TL_TIMEOUT:-10}"     # seconds, default for every wait
TL_CONF=""
TL_EXIT_MARK="TL_EXIT="            # the shell prints TL_EXIT=<status> before each prompt

tl_tmux() { tmux -L "$TL_SOCKET" "$@"; }

# tl_start W H: a private tmux server with one W×H pane running an interactive bash (prompt
# "tl$ ", UTF-8 locale, TERM=tmux-256color unless TL_TERM says otherwise, NO_COLOR unset).
tl_start() {
    local width="$1" height="$2"
    command -v tmux >/dev/null || { echo "tmux-lib: tmux is not installed (run scripts/setup.sh)" >&2; return 1; }
    TL_SOCKET="pdet-tl-$$-${RANDOM}"
    TL_CONF="$(mktemp "${TMPDIR:-/tmp}/tmux-lib.XXXXXX")"
    printf '%s\n' "set -g default-terminal \"${TL_TERM:-tmux-256color}\"" \
        "set -g status off" "set -g escape-time 0" >"$TL_CONF"
    printf '%s\n' "PS1='tl\$ '" "PROMPT_COMMAND='echo $TL_EXIT_MARK\$?'" "unset NO_COLOR" >"$TL_CONF.bashrc"
    tl_tmux -f "$TL_CONF" new-session -d -s tl -x "$width" -y "$height" \
        -e LANG=C.UTF-8 -e LC_ALL=C.UTF-8 \
        "bash --noprofile --rcfile '$TL_CONF.bashrc' -i" || return 1
    tl_wait_for 'tl$' || return 1
}

# tl_stop: kills the private server (safe to call twice, and from a trap).
tl_stop() {
    if [ -n "$TL_SOCKET" ]; then
        local socket_path
        socket_path="$(tl_tmux display-message -p '#{socket_path}' 2>/dev/null)"
        tl_tmux kill-server >/dev/null 2>&1 || true
        if [ -n "$socket_path" ]; then rm -f "$socket_path"; fi
    fi
    if [ -n "$TL_CONF" ]; then rm -f "$TL_CONF" "$TL_CONF.bashrc"; fi
    TL_SOCKET=""
    TL_CONF=""
}

# tl_run "command": types the command at the shell and presses Enter.
tl_run() {
    tl_tmux send-keys -t "$TL_TARGET" -l "$1"
    tl_tmux send-keys -t "$TL_TARGET" Enter
}

# tl_keys KEY...: tmux key names (q, Up, Tab, BTab, C-c, C-z, Escape, Enter, NPage, ...).
tl_keys() { tl_tmux send-keys -t "$TL_TARGET" "$@"; }

# tl_type "text": literal text, no key-name lookup.
tl_type() { tl_tmux send-keys -t "$TL_TARGET" -l "$1"; }

tl_capture() { tl_tmux capture-pane -p -t "$TL_TARGET"; }

# tl_format '#{...}': a tmux format for the pane, e.g. '#{alternate_on}', '#{cursor_flag}'.
tl_format() { tl_tmux display-message -p -t "$TL_TARGET" "$1"; }

# tl_wait_for "text" [seconds]: polls the pane until it contains the text (fixed string).
tl_wait_for() {
    local text="$1" deadline=$((SECONDS + ${2:-$TL_TIMEOUT}))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if tl_capture | grep -qF -- "$text"; then return 0; fi
        sleep 0.1
    done
    echo "tmux-lib: timed out after ${2:-$TL_TIMEOUT}s waiting for '$text'; the pane shows:" >&2
    tl_capture | sed 's/^/  | /' >&2
    return 1
}

# tl_wait_gone "text" [seconds]: polls until the pane no longer contains the text.
tl_wait_gone() {
    local text="$1" deadline=$((SECONDS + ${2:-$TL_TIMEOUT}))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if ! tl_capture | grep -qF -- "$text"; then return 0; fi
        sleep 0.1
    done
    echo "tmux-lib: timed out after ${2:-$TL_TIMEOUT}s waiting for '$text' to disappear; the pane shows:" >&2
    tl_capture | sed 's/^/  | /' >&2
    return 1
}

# tl_resize W H: resizes the window (the app gets SIGWINCH).
tl_resize() { tl_tmux resize-window -t tl -x "$1" -y "$2"; }

# tl_app_pid: the pid of the shell's foreground child (the app), empty when none.
tl_app_pid() { pgrep -P "$(tl_format '#{pane_pid}')" | head -n 1; }

# tl_wait_app [seconds]: waits until the shell has a child (the app started).
tl_wait_app() {
    local deadline=$((SECONDS + ${1:-$TL_TIMEOUT}))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if [ -n "$(tl_app_pid)" ]; then return 0; fi
        sleep 0.1
    done
    echo "tmux-lib: no process started in the pane within ${1:-$TL_TIMEOUT}s" >&2
    return 1
}

# tl_wait_exit [seconds]: waits until the command has exited: the shell has no child left (a job
# stopped by Ctrl-Z still is one) and the screen ends with "TL_EXIT=<status>" then the prompt.
# Prints the status.
tl_wait_exit() {
    local deadline=$((SECONDS + ${1:-$TL_TIMEOUT})) tail2
    while [ "$SECONDS" -lt "$deadline" ]; do
        if [ -z "$(tl_app_pid)" ]; then
            tail2="$(tl_capture | sed 's/[[:space:]]*$//' | grep -v '^$' | tail -n 2 | tr '\n' ' ')"
            if [[ "$tail2" =~ ^${TL_EXIT_MARK}([0-9]+)\ tl\$\ $ ]]; then
                echo "${BASH_REMATCH[1]}"
                return 0
            fi
        fi
        sleep 0.1
    done
    echo "tmux-lib: the command did not exit within ${1:-$TL_TIMEOUT}s; the pane shows:" >&2
    tl_capture | sed 's/^/  | /' >&2
    return 1
}

# tl_check_restored: after the app exited, the terminal is back to normal: main screen (not the
# alternate one), cursor visible, the shell's prompt showing, echo and canonical mode on.
tl_check_restored() {
    local ok=0
    if [ "$(tl_format '#{alternate_on}')" != 0 ]; then echo "tmux-lib: still on the alternate screen" >&2; ok=1; fi
    if [ "$(tl_format '#{cursor_flag}')" != 1 ]; then echo "tmux-lib: cursor still hidden" >&2; ok=1; fi
    tl_tmux clear-history -t "$TL_TARGET"
    # A fresh marker each time, and the answer line itself waited for: the typed command line also
    # contains the marker (and "stty"), and an earlier check's answer may still be on the screen.
    local marker="TL_STTY_${RANDOM}${RANDOM}"
    tl_type "clear; stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(echo|icanon)' | tr '\n' ' '; echo $marker"
    tl_keys Enter
    local modes="" deadline=$((SECONDS + TL_TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ]; do
        modes="$(tl_capture | grep -F "$marker" | grep -v stty | head -n 1)"
        [ -n "$modes" ] && break
        sleep 0.1
    done
    if [ -z "$modes" ]; then echo "tmux-lib: the shell does not answer" >&2; return 1; fi
    case "$modes" in
        *"-echo "* | *"-icanon "*) echo "tmux-lib: tty modes not restored: $modes" >&2; ok=1 ;;
        *"echo "*"icanon "* | *"icanon "*"echo "*) ;;
        *) echo "tmux-lib: could not read tty modes: '$modes'" >&2; ok=1 ;;
    esac
    return $ok
}

# tl_fail "message": prints the message and the pane, then exits 1 (the EXIT trap cleans up).
tl_fail() {
    echo "FAIL: $1" >&2
    if [ -n "$TL_SOCKET" ]; then tl_capture 2>/dev/null | sed 's/^/  | /' >&2; fi
    exit 1
}
