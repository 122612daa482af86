#!/usr/bin/env bash
# Real-terminal test of the explorer: runs `pdet-tui` (no arguments) inside tmux at 120×40 in a
# scratch working directory, presses r, l, p, s, ?, Esc, then b, r, Tab, s, b (the A/B split), M, r, i, d, M (the simulator) and q,
# and checks the screen after each (header toggles, snapshot files, help overlay, split panes), that q exits 0 with the terminal restored; a second run
# resizes to 40×10 ("Terminal too small") and back (panels return) and quits with Ctrl-C; a third
# runs under NO_COLOR with --ascii, suspends with Ctrl-Z, resumes with fg, survives Ctrl-S (flow control off) and ends
# with SIGTERM (status 143); a fourth ends by Ctrl-\\ (131, no runtime crash banner) and by SIGUSR1 (138), restored.
# Uses $PDET_TUI, else the release build, else the debug build. Every wait has a timeout, the whole
# test is limited to 240 s, and the tmux server is killed on every exit path.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/tmux-lib.sh

tl_setup pdet-explorer-test 240 "$@"
TL_TIMEOUT=30     # the first frame may need a model built and a checkpoint read on a busy machine

step() { echo "· $1"; }
# header_has TEXT: the two header rows (the top of the screen) contain TEXT.
header_has() { tl_capture | head -n 3 | grep -qF -- "$1"; }
wait_header() {
    local deadline=$((SECONDS + TL_TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if header_has "$1"; then return 0; fi
        sleep 0.1
    done
    echo "tmux-explorer-test: header never showed '$1'; the pane shows:" >&2
    tl_capture | sed 's/^/  | /' >&2
    return 1
}

# MARK: run 1 — toggles, snapshot, help, quit
tl_start 120 40 || tl_fail "could not start tmux"
tl_run "cd '$WORK' && '$BIN'"
step "opens with the header and the five panels"
wait_header "Residual ON" || tl_fail "no header"
for title in Attention Norms Drift Diffusion Training; do
    tl_wait_for "┌ $title " || tl_fail "panel $title missing"
done
tl_wait_for "? help" || tl_fail "no key bar"
[ "$(tl_format '#{alternate_on}')" = 1 ] || tl_fail "not on the alternate screen"

step "r: residual off"
tl_keys r; wait_header "Residual OFF" || tl_fail "r did not turn residuals off"
step "l: norm pre → post"
tl_keys l; wait_header "Norm post" || tl_fail "l did not move the norm to post"
step "p: diffusion site after-embedding"
tl_keys p; wait_header "PDE after-embedding" || tl_fail "p did not choose after-embedding"
tl_wait_gone "diffusion off" || tl_fail "the Diffusion panel still says off"
tl_wait_for "|H(k)|" || tl_fail "the Diffusion panel shows no filter"

step "s: snapshot files"
tl_keys s
tl_wait_for "snapshot saved: snapshots/0001.txt" || tl_fail "no 'snapshot saved' status"
[ -s "$WORK/snapshots/0001.txt" ] || tl_fail "snapshots/0001.txt missing"
[ -s "$WORK/snapshots/0001.ansi" ] || tl_fail "snapshots/0001.ansi missing"
head -n 1 "$WORK/snapshots/0001.txt" | grep -q "^# pdet-tui .* snapshot 0001$" || tl_fail "snapshot header line 1 wrong"
grep -q "^# reproduce: pdet-tui snapshot " "$WORK/snapshots/0001.txt" || tl_fail "no reproduce line"
grep -q "Residual OFF  Norm post  PDE after-embedding" "$WORK/snapshots/0001.txt" || tl_fail "snapshot lacks the header toggles"
grep -q $'\e' "$WORK/snapshots/0001.txt" && tl_fail "escape codes in the .txt snapshot"
grep -q $'\e\\[' "$WORK/snapshots/0001.ansi" || tl_fail "no colour codes in the .ansi snapshot"

step "?: help overlay, Esc closes it"
tl_keys '?'; tl_wait_for "┏ Help " || tl_fail "no help overlay"
tl_wait_for "Esc closes" || tl_fail "help overlay lacks its footer"
tl_keys Escape; tl_wait_gone "┏ Help " || tl_fail "Esc did not close the help"
tl_wait_for "┌ Attention " || tl_fail "panels not back after the help"

step "b: the A/B split (B a copy of A, focused)"
tl_keys b
tl_wait_for "┏ B ▸ focused " || tl_fail "b did not open pane B with the focus"
tl_wait_for "A/B differences" || tl_fail "no A/B differences panel"
tl_wait_for "o B loss" || tl_fail "no B loss legend"
step "r in B only: the differences title names it"
tl_keys r
tl_wait_for "B: residual on (A off)" || tl_fail "r did not toggle residuals in B only"
step "Tab: focus A"
tl_keys Tab
tl_wait_for "┏ A ▸ focused " || tl_fail "Tab did not move the focus to A"
step "s in the split: an A/B snapshot"
tl_keys s
tl_wait_for "snapshot saved: snapshots/0002.txt" || tl_fail "no split snapshot"
head -n 1 "$WORK/snapshots/0002.txt" | grep -q "snapshot 0002 A/B split$" || tl_fail "split snapshot header wrong"
step "b again: back to the single view"
tl_keys b
tl_wait_gone "A/B differences" || tl_fail "b did not close the split"
tl_wait_for "┌ Attention " || tl_fail "single view not back"

step "M: the PDE simulator, header and panels say so"
tl_keys M
wait_header "PDE SIMULATOR" || tl_fail "M did not switch the header to the simulator"
for title in Trajectory Convergence; do
    tl_wait_for "┌ $title " || tl_fail "simulator panel $title missing"
done
tl_wait_for "diff " || tl_fail "the Convergence panel shows no differences"
step "r, i and d in the simulator: residual on, Heun, dt halved"
tl_keys r; wait_header "Residual ON" || tl_fail "r did not turn the simulator residual on"
tl_keys i; wait_header "heun" || tl_fail "i did not switch to Heun"
tl_keys d; wait_header "dt 0.5" || tl_fail "d did not halve dt"
tl_wait_for "dt 0.125" || tl_fail "the Convergence panel shows no study at dt/4"
step "M again: the discrete model"
tl_keys M
wait_header "discrete" || tl_fail "M did not switch back"
tl_wait_for "┌ Attention " || tl_fail "Attention panel not back after M"

step "q quits with the terminal restored"
tl_keys q
tl_expect_exit 0 "q"
tl_stop

# MARK: run 2 — resize below the minimum and back, Ctrl-C
tl_start 120 40 || tl_fail "could not start tmux"
tl_run "cd '$WORK' && '$BIN'"
wait_header "Residual ON" || tl_fail "no header (run 2)"
step "resize to 40×10: 'Terminal too small'"
tl_resize 40 10
tl_wait_for "Terminal too small: 40×10, need 80×24" || tl_fail "no 'Terminal too small' at 40×10"
step "resize back to 120×40: panels return"
tl_resize 120 40
tl_wait_gone "Terminal too small" || tl_fail "'Terminal too small' left on screen"
for title in Attention Norms Drift Diffusion Training; do
    tl_wait_for "┌ $title " || tl_fail "panel $title did not come back"
done
step "Ctrl-C quits with the terminal restored"
tl_keys C-c
tl_expect_exit 130 "Ctrl-C"

tl_stop

# MARK: run 3 — NO_COLOR and --ascii, Ctrl-Z / fg, SIGTERM
tl_start 100 30 || tl_fail "could not start tmux"
tl_run "cd '$WORK' && NO_COLOR=1 '$BIN' --ascii"
step "NO_COLOR and --ascii: ASCII borders, no colour escapes"
tl_wait_for "+ Attention " || tl_fail "--ascii borders not drawn"
tl_tmux capture-pane -e -p -t "$TL_TARGET" | grep -qE $'\e\\[([34][0-7]|[34]8;|9[0-7]|10[0-7])' && tl_fail "colour escapes drawn under NO_COLOR"
tl_capture | LC_ALL=C grep -q '[^ -~]' && tl_fail "non-ASCII glyphs under --ascii"
step "Ctrl-Z suspends with the terminal restored, fg repaints and keys work"
tl_keys C-z
tl_wait_for "Stopped" || tl_fail "Ctrl-Z did not stop the explorer"
[ "$(tl_format '#{alternate_on}')" = 0 ] || tl_fail "still on the alternate screen while stopped"
tl_keys -l fg; tl_keys Enter
tl_wait_for "+ Attention " || tl_fail "not repainted after fg"
tl_keys r; wait_header "Residual OFF" || tl_fail "keys do not work after fg"
step "Ctrl-S does not freeze the screen (flow control is off)"
tl_keys C-s
tl_keys r; wait_header "Residual ON" || tl_fail "the screen froze after Ctrl-S"
step "SIGTERM quits with the terminal restored"
tl_wait_app || tl_fail "no explorer process"
kill -TERM "$(tl_app_pid)"
tl_expect_exit 143 "SIGTERM"
tl_stop

# MARK: run 4 — Ctrl-\ (SIGQUIT) and SIGUSR1: the terminal restored, no runtime crash banner
tl_start 120 40 || tl_fail "could not start tmux"
tl_run "cd '$WORK' && '$BIN'"
wait_header "Residual ON" || tl_fail "no header (run 4)"
step "Ctrl-\\ quits like a signal: status 131, no crash banner or backtrace prompt"
tl_tmux send-keys -t "$TL_TARGET" -H 1c      # Ctrl-\ as the raw byte 0x1C
tl_expect_exit 131 "SIGQUIT"
tl_capture | grep -qiE "crash|backtrace" && tl_fail "the runtime's crash banner appeared"
tl_run "cd '$WORK' && '$BIN'"
wait_header "Residual ON" || tl_fail "no header (run 4, second start)"
step "SIGUSR1 ends the explorer with the terminal restored"
tl_wait_app || tl_fail "no explorer process"
kill -USR1 "$(tl_app_pid)"
tl_expect_exit 138 "SIGUSR1"

echo "tmux-explorer-test: all checks passed"
