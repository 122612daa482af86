#!/usr/bin/env bash
# Compares `pdet-tui dataset` with the independent Python re-implementation of the generators
# (scripts/tasks-reference.py, written from docs/tasks.md) byte for byte, over every task, both
# splits and several seeds, lengths and batch sizes. Prints one line per case; exits 1 on a difference.
# Usage: scripts/check-tasks-reference.sh [path/to/pdet-tui]   (default .build/release/pdet-tui)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-.build/release/pdet-tui}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failed=0
check() {
    "$bin" dataset "$@" --out "$tmp/ours.jsonl" 2>/dev/null
    python3 scripts/tasks-reference.py "$@" > "$tmp/ref.jsonl"
    if cmp -s "$tmp/ours.jsonl" "$tmp/ref.jsonl"; then
        echo "identical  $(wc -l < "$tmp/ours.jsonl") lines  $*"
    else
        echo "DIFFERENT  $*"; failed=1
    fi
}
for task in reverse sort copy listops digits pathfinder; do
    check --task "$task"                                  # 1024 train sequences, seed 1, T 64, B 32
    check --task "$task" --split heldout                  # the whole held-out split
    check --task "$task" --seed 7 --seq-len 100 --batch 5 --count 300
done
check --task listops --seq-len 256 --count 1024         # depth 4
check --task listops --seq-len 512 --count 200          # depth 5
check --task pathfinder --seq-len 256 --count 1024      # 16×16 grid
check --task copy --seq-len 5 --count 1024
check --task reverse --seq-len 4 --batch 1 --count 100
check --task sort --split heldout --seed 123456789012
exit $failed
