#!/usr/bin/env bash
# Real-terminal test of the ncurses backend: runs `pdet-tui demo` inside tmux and checks drawing,
# keys, resize (down to "Terminal too small" and back), Ctrl-Z/fg, quitting with q, and that
# SIGTERM restores the terminal. Uses $PDET_TUI, else the release build, else the debug build.
# Every wait has a timeout, the whole test is limited to 120 s, and the tmux server is
# killed on every exit path.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/tmux-lib.sh

tl_setup pdet-demo-test 120 "$@"

step() { echo "· $1"; }

# MARK: run 1 — draw, keys, resize, suspend/resume, quit with q
tl_start 120 40 || tl_fail "could not start tmux"
tl_run "'$BIN' demo"
step "draws the border and the size"
tl_wait_for "Size: 120×40" || tl_fail "size 120×40 not shown"
tl_wait_for "┌─ pdet-tui demo" || tl_fail "top border not shown"
tl_capture | tail -n 1 | grep -q "^└─*┘$" || tl_fail "bottom border (with its bottom-right corner) not shown"
[ "$(tl_format '#{alternate_on}')" = 1 ] || tl_fail "not on the alternate screen"
[ "$(tl_format '#{cursor_flag}')" = 0 ] || tl_fail "cursor not hidden"
tl_wait_for "Colours: 256" || tl_fail "256 colours not detected under tmux-256color"

step "ticks while idle"
tl_wait_for "Ticks: 5" || tl_fail "tick counter does not advance"

step "shows the keys pressed"
tl_keys x;      tl_wait_for "Last key: 'x'" || tl_fail "key x not seen"
tl_keys Up;     tl_wait_for "Last key: Up" || tl_fail "Up not seen"
tl_keys NPage;  tl_wait_for "Last key: PgDn" || tl_fail "PgDn not seen"
tl_keys BTab;   tl_wait_for "Last key: BackTab" || tl_fail "BackTab not seen"
tl_keys Escape; tl_wait_for "Last key: Esc" || tl_fail "Esc alone not seen"
tl_keys C-w;    tl_wait_for "Last key: Ctrl-W" || tl_fail "Ctrl-W not seen"
tl_keys Enter;  tl_wait_for "Last key: Enter" || tl_fail "Enter not seen"

step "a burst of 300 keys is drained at once (input never lags)"
tl_type "$(printf 'k%.0s' {1..300})z"
tl_wait_for "Last key: 'z'" 3 || tl_fail "the last of 300 keys not shown within 3 s"

step "resize to 30×8 shows 'Terminal too small', and back recovers"
tl_resize 30 8
tl_wait_for "Terminal too small: 30×8" || tl_fail "no 'Terminal too small' at 30×8"
tl_resize 120 40
tl_wait_for "Size: 120×40" || tl_fail "did not recover after resizing back"
tl_wait_gone "Terminal too small" || tl_fail "'Terminal too small' left on screen"
tl_capture | tail -n 1 | grep -q "^└─*┘$" || tl_fail "bottom border not repainted after resize"

step "Ctrl-Z suspends (terminal restored), fg resumes (repainted, keys work)"
tl_keys C-z
tl_wait_for "Stopped" || tl_fail "Ctrl-Z did not stop the demo"
[ "$(tl_format '#{alternate_on}')" = 0 ] || tl_fail "still on the alternate screen while stopped"
tl_keys -l fg; tl_keys Enter
tl_wait_for "Size: 120×40" || tl_fail "not repainted after fg"
tl_wait_for "┌─ pdet-tui demo" || tl_fail "border not repainted after fg"
[ "$(tl_format '#{alternate_on}')" = 1 ] || tl_fail "not back on the alternate screen after fg"
tl_keys y; tl_wait_for "Last key: 'y'" || tl_fail "keys do not work after fg"

step "q quits and restores the terminal"
tl_keys q
tl_expect_exit 0 "q"
tl_stop

# MARK: run 2 — SIGTERM restores the terminal
tl_start 80 24 || tl_fail "could not start tmux"
tl_run "'$BIN' demo"
tl_wait_for "Size: 80×24" || tl_fail "demo did not start (run 2)"
tl_wait_app || tl_fail "no demo process"
step "SIGTERM quits and restores the terminal"
kill -TERM "$(tl_app_pid)"
tl_expect_exit 143 "SIGTERM"

step "a fatal signal (SIGSEGV) restores the terminal, then dies with the default action"
tl_run "'$BIN' demo"
tl_wait_for "Size: 80×24" || tl_fail "demo did not start again (run 2)"
tl_wait_app || tl_fail "no demo process"
kill -SEGV "$(tl_app_pid)"
tl_expect_exit 139 "SIGSEGV"
tl_stop

# MARK: run 3 — no colour, ASCII
tl_start 80 24 || tl_fail "could not start tmux"
step "an unknown TERM and TERM=dumb give a clear error and exit 1"
tl_run "TERM=bogus-term '$BIN' demo"
status="$(tl_wait_exit)" || tl_fail "TERM=bogus-term did not exit"
[ "$status" = 1 ] || tl_fail "exit status $status with an unknown TERM (want 1)"
tl_wait_for "cannot use the terminal type 'bogus-term'" || tl_fail "no error for an unknown TERM"
tl_run "clear; TERM=dumb '$BIN' demo"
status="$(tl_wait_exit)" || tl_fail "TERM=dumb did not exit"
[ "$status" = 1 ] || tl_fail "exit status $status with TERM=dumb (want 1)"
tl_wait_for "cannot move the cursor" || tl_fail "no error for TERM=dumb"
tl_check_restored || tl_fail "terminal not restored after TERM=dumb"

tl_run "clear; NO_COLOR=1 '$BIN' demo --ascii"
step "NO_COLOR and --ascii"
tl_wait_for "Colours: none" || tl_fail "NO_COLOR not honoured"
tl_wait_for "+- pdet-tui demo" || tl_fail "--ascii border not drawn"
tl_tmux capture-pane -e -p -t "$TL_TARGET" | grep -qE $'\e\\[([34][0-7]|[34]8;|9[0-7]|10[0-7])' && tl_fail "colour escapes drawn under NO_COLOR"
tl_keys C-c
tl_expect_exit 130 "Ctrl-C"

echo "tmux-demo-test: all checks passed"
