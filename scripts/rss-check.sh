#!/usr/bin/env bash
# Peak memory of long runs (issue 23, docs/performance.md "Bounded memory"):
#   bash scripts/rss-check.sh train STEPS      peak RSS of a tiny-model `train --steps STEPS` (GNU time)
#   bash scripts/rss-check.sh explorer SECONDS the explorer at top speed (100 steps a frame) in a
#                                              private tmux server; VmRSS every 30 s, then VmHWM
# BIN: $PDET_TUI, else .build/release/pdet-tui. Prints one line per sample, in MB.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${PDET_TUI:-.build/release/pdet-tui}"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
tiny=(--task reverse --layers 1 --d-model 8 --heads 2 --d-ff 8 --seq-len 8 --batch 2)
mb() { awk -v k="$1" '$1 == k":" { printf "%.1f", $2 / 1024 }' "/proc/$2/status"; }

case "${1:-}" in
train)
    steps="$2"
    start=$(date +%s)
    # GNU time's %M: the peak resident set (KB) of the whole run, read by the kernel at exit.
    kb=$(/usr/bin/time -f %M "$BIN" train "${tiny[@]}" --steps "$steps" --eval-size 8 2>&1 >/dev/null | tail -1)
    echo "train --steps $steps: peak RSS $(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }') MB, $(( $(date +%s) - start )) s"
    ;;
explorer)
    seconds="$2"
    socket="pdet-rss-$$"
    tmux -L "$socket" new-session -d -x 120 -y 40 "$BIN ${tiny[*]}"
    trap 'tmux -L "$socket" kill-server 2>/dev/null || true' EXIT
    sleep 3
    pid=$(pgrep -P "$(tmux -L "$socket" display -p '#{pane_pid}')" -x pdet-tui || tmux -L "$socket" display -p '#{pane_pid}')
    for _ in 1 2 3 4 5 6 7 8; do tmux -L "$socket" send-keys '+'; sleep 0.2; done
    start=$(date +%s)
    while [ $(( $(date +%s) - start )) -lt "$seconds" ]; do
        echo "$(( $(date +%s) - start )) s: RSS $(mb VmRSS "$pid") MB, peak $(mb VmHWM "$pid") MB"
        sleep 30
    done
    tmux -L "$socket" capture-pane -p | grep -o 'step [0-9]*' | head -1 || true
    echo "explorer, $seconds s at top speed: final RSS $(mb VmRSS "$pid") MB, peak $(mb VmHWM "$pid") MB"
    ;;
*)
    echo "usage: $0 train STEPS | explorer SECONDS" >&2
    exit 2
    ;;
esac
