#!/usr/bin/env bash
# Real-terminal test of the mouse: `pdet-tui` inside tmux with TERM=xterm-256color (whose terminfo
# makes ncurses ask for SGR 1006 reports), fed real SGR mouse sequences (ESC [ < b ; x ; y M for a
# press, m for the release, b = 64 / 65 for the wheel) as if typed by the terminal. Checks that the
# terminal was asked for SGR mode, and that each click and wheel step changes the frame like its key:
# the header toggles (Residual, Norm, PDE, scales, clamp), a layer row in Norms and in Drift, the head
# label and the wheel over Attention, the wheel over Training (speed), focusing a pane in the A/B
# split; then at 300 columns a wheel step beyond column 223 (what X10 reports cannot carry). q exits 0
# with mouse reporting off again; `--no-mouse` never turns it on. A third run checks the light theme
# against COLORFGBG. Every wait has a timeout; the test is limited to 180 s.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/tmux-lib.sh

tl_setup pdet-mouse-test 180 "$@"
TL_TIMEOUT=30
TL_TERM=xterm-256color

step() { echo "· $1"; }

# where TEXT [FIRST_ROW LAST_ROW [FIRST_COL LAST_COL]]: "x y" (1-based, as SGR reports count) of the
# first cell of TEXT on the screen, searching rows and columns in the given ranges; nothing if absent.
where() {
    tl_capture | PYTHONIOENCODING=utf-8 python3 -c '
import sys
text, r0, r1, c0, c1 = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
for y, line in enumerate(sys.stdin.read().split("\n"), start=1):
    if not r0 <= y <= r1: continue
    x = line.find(text, c0 - 1)
    if x >= 0 and x + len(text) <= c1:
        print(x + 1, y); break
' "$1" "${2:-1}" "${3:-9999}" "${4:-1}" "${5:-9999}"
}
# click X Y: a left press and its release; wheel up|down X Y: one wheel step.
click() { tl_type $'\e[<0;'"$1;$2"'M'$'\e[<0;'"$1;$2"'m'; }
wheel() { local b=64; [ "$1" = down ] && b=65; tl_type $'\e[<'"$b;$2;$3"'M'; }
header_has() { tl_capture | head -n 3 | grep -qF -- "$1"; }
wait_header() {
    local deadline=$((SECONDS + TL_TIMEOUT))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if header_has "$1"; then return 0; fi
        sleep 0.1
    done
    echo "tmux-mouse-test: header never showed '$1'; the pane shows:" >&2
    tl_capture | sed 's/^/  | /' >&2
    return 1
}
click_text() {   # click_text TEXT [rows/cols as for where]: clicks the first cell of TEXT
    local at
    at="$(where "$@")"
    [ -n "$at" ] || tl_fail "'$1' is not on the screen"
    click $at
}

# MARK: run 1 — clicks and the wheel at 120×40
tl_start 120 40 || tl_fail "could not start tmux"
tl_run "cd '$WORK' && '$BIN' --task sort --layers 4 --d-model 16 --heads 4 --d-ff 32 --seq-len 16 --batch 4"
wait_header "Residual ON" || tl_fail "no header"
tl_wait_for "┌ Training " || tl_fail "no Training panel"
step "the terminal was asked for SGR (1006) mouse reports"
[ "$(tl_format '#{mouse_sgr_flag}')" = 1 ] || tl_fail "SGR mouse mode is off (mouse_sgr_flag)"
[ "$(tl_format '#{mouse_standard_flag}')" = 1 ] || tl_fail "button reporting is off (mouse_standard_flag)"
wait_header "PAUSED" || tl_fail "the explorer should open paused (a teacher talks first)"
tl_keys Space; wait_header "RUNNING" || tl_fail "Space did not run"
tl_keys Space; wait_header "PAUSED" || tl_fail "Space did not pause"

step "header toggles: a click is the toggle's key"
click_text "Residual ON" 1 3; wait_header "Residual OFF" || tl_fail "click on Residual"
click_text "Norm pre" 1 3; wait_header "Norm post" || tl_fail "click on Norm"
click_text "PDE off" 1 3; wait_header "PDE after-embedding" || tl_fail "click on PDE"
click_text "scales 1" 1 3; wait_header "scales 1,2,4" || tl_fail "click on scales"
click_text "clamp on" 1 3; wait_header "clamp off" || tl_fail "click on clamp"
click_text "clamp off" 1 3; wait_header "clamp on" || tl_fail "a second click cycles back"

step "a layer row in Norms, then in Drift, selects that layer"
# Norms is the middle column and Drift the right one (columns 46-83 and 84-120 at 120x40).
click_text " L3 " 4 25 46 83; wait_header "layer 3/4" || tl_fail "click on L3 in Norms"
click_text "L2 " 4 25 84 120; wait_header "layer 2/4" || tl_fail "click on L2 in Drift"
click_text "emb" 4 25 46 83; sleep 0.5; header_has "layer 2/4" || tl_fail "the embedding row changed the layer"

step "the head label and the wheel over Attention change the head"
click_text "H1 " 4 6 1 46; wait_header "head 2/4" || tl_fail "click on the head label"
wheel down 20 20; wait_header "head 3/4" || tl_fail "wheel down over Attention"
wheel up 20 20; wait_header "head 2/4" || tl_fail "wheel up over Attention"

step "the wheel over Training changes the speed"
wheel up 100 30; wait_header "speed 2" || tl_fail "wheel up over Training"
wheel up 100 30; wait_header "speed 5" || tl_fail "second wheel step"
wheel down 100 30; wait_header "speed 2" || tl_fail "wheel down over Training"

step "A/B split: a click in the other pane focuses it"
tl_keys b; tl_wait_for "┏ B ▸ focused " || tl_fail "b did not open pane B"
click 10 12; tl_wait_for "┏ A ▸ focused " || tl_fail "a click in pane A did not focus it"
click 100 12; tl_wait_for "┏ B ▸ focused " || tl_fail "a click in pane B did not focus it"
tl_keys b; tl_wait_gone "A/B differences" || tl_fail "b did not close the split"

step "help overlay: a click closes it"
tl_keys '?'; tl_wait_for "┏ Help " || tl_fail "no help overlay"
click 60 20; tl_wait_gone "┏ Help " || tl_fail "a click did not close the help"

step "at 300 columns a wheel step beyond column 223 still arrives (SGR, not X10)"
tl_resize 300 60; tl_wait_for "┌ Training " || tl_fail "no Training panel at 300 wide"
at="$(where "┌ Training ")"; [ -n "$at" ] || tl_fail "Training panel not found"
x=$(( ${at% *} + 20 )); y=$(( ${at#* } + 5 ))
[ "$x" -gt 223 ] || tl_fail "the Training panel starts left of column 223 ($x)"
wheel up "$x" "$y"; wait_header "speed 5" || tl_fail "wheel at column $x"

step "q quits; mouse reporting is off again"
tl_keys q
status="$(tl_wait_exit)" || tl_fail "did not quit"
[ "$status" = 0 ] || tl_fail "exit status $status"
[ "$(tl_format '#{mouse_standard_flag}')" = 0 ] || tl_fail "mouse reporting left on"
[ "$(tl_format '#{mouse_sgr_flag}')" = 0 ] || tl_fail "SGR mode left on"
tl_check_restored || tl_fail "terminal not restored"
tl_stop

# MARK: run 2 — --no-mouse leaves the mouse to the terminal
tl_start 120 40 || tl_fail "could not start tmux"
tl_run "cd '$WORK' && '$BIN' --no-mouse --task sort --layers 2 --d-model 16 --heads 4 --d-ff 32 --seq-len 16 --batch 4"
wait_header "Residual ON" || tl_fail "no header with --no-mouse"
step "--no-mouse: no mouse reporting"
[ "$(tl_format '#{mouse_standard_flag}')" = 0 ] || tl_fail "--no-mouse turned mouse reporting on"
[ "$(tl_format '#{mouse_sgr_flag}')" = 0 ] || tl_fail "--no-mouse turned SGR mode on"
tl_keys q; tl_wait_exit >/dev/null || tl_fail "did not quit"
tl_stop

# MARK: run 3 — COLORFGBG picks the light theme, --theme wins over it
tl_start 120 40 || tl_fail "could not start tmux"
step "COLORFGBG=0;15 (a light terminal): the light theme's ramp; --theme dark overrides it"
tl_run "cd '$WORK' && COLORFGBG='0;15' '$BIN' --task sort --layers 2 --d-model 16 --heads 4 --d-ff 32 --seq-len 16 --batch 4"
wait_header "Residual ON" || tl_fail "no header (light)"
tl_keys s; tl_wait_for "snapshot saved: snapshots/0001.txt" || tl_fail "no snapshot (light)"
grep -q "fill=\"#ffffff\"" "$WORK/snapshots/0001.svg" || tl_fail "the light SVG has no white page"
python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])" "$WORK/snapshots/0001.svg" || tl_fail "0001.svg is not XML"
tl_keys q; tl_wait_exit >/dev/null || tl_fail "did not quit"
tl_run "cd '$WORK' && COLORFGBG='0;15' '$BIN' --theme dark --task sort --layers 2 --d-model 16 --heads 4 --d-ff 32 --seq-len 16 --batch 4"
wait_header "Residual ON" || tl_fail "no header (dark)"
tl_keys s; tl_wait_for "snapshot saved: snapshots/0002.txt" || tl_fail "no snapshot (dark)"
grep -q "fill=\"#000000\"/>" "$WORK/snapshots/0002.svg" || tl_fail "--theme dark did not win over COLORFGBG"
tl_keys q; tl_wait_exit >/dev/null || tl_fail "did not quit"
echo "tmux-mouse-test: ok"
