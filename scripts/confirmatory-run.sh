#!/usr/bin/env bash
# Runs the pre-registered confirmatory study (docs/results/confirmatory-plan.md) as resumable parts and
# commits each part as it grows, so a session that stops loses at most the cell in flight plus the
# rows since the last commit (COMMIT_EVERY seconds, default 900).
#
#   scripts/confirmatory-run.sh [WORKERS]     # default 2 workers: worker w takes parts k ≡ w (mod WORKERS)
#
# Every part is `pdet-tui reproduce --grid confirmatory --shard k/12 --out docs/results/confirmatory.md`,
# which resumes from its own part CSV; a complete part is skipped. When all 12 are complete it merges
# them (scripts/grid-finish.sh re-runs two random cells byte for byte). Env: PDET_TUI (the binary;
# default a copy of the release build in /work/grid-bin, so rebuilding the tree does not change the
# binary under a running part), NICE (default 10), NO_COMMIT=1 (run without committing).
set -euo pipefail
cd "$(dirname "$0")/.."
WORKERS=${1:-2}
PARTS=12
OUT=docs/results/confirmatory.md
STEM=docs/results/confirmatory
COMMIT_EVERY=${COMMIT_EVERY:-900}
NICE=${NICE:-10}
if [[ -z "${PDET_TUI:-}" ]]; then
    swift build -c release --product pdet-tui >/dev/null
    mkdir -p /work/grid-bin
    cp "$(swift build -c release --show-bin-path)/pdet-tui" /work/grid-bin/pdet-tui.new
    mv /work/grid-bin/pdet-tui.new /work/grid-bin/pdet-tui
    PDET_TUI=/work/grid-bin/pdet-tui
fi
export PDET_THREADS=1

rows() { if [[ -f "$1" ]]; then grep -v '^#' "$1" | tail -n +2 | grep -c . || true; else echo 0; fi; }

commit_part() {   # commit_part FILE MESSAGE: only that file, retried while another git command holds the lock
    [[ "${NO_COMMIT:-}" == 1 ]] && return 0
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        if git add -- "$1" 2>/dev/null && git commit -q -m "$2" -- "$1" 2>/dev/null; then return 0; fi
        git diff --quiet HEAD -- "$1" 2>/dev/null && return 0
        sleep 7
    done
    echo "confirmatory-run: could not commit $1" >&2
}

worker() {
    local w=$1
    for k in $(seq 1 $PARTS); do
        (( (k - 1) % WORKERS == w )) || continue
        local part="$STEM.part-$k-of-$PARTS.csv"
        [[ $(rows "$part") -ge 20 ]] && continue
        nice -n "$NICE" "$PDET_TUI" reproduce --grid confirmatory --shard "$k/$PARTS" --out "$OUT" \
            >>"/tmp/confirmatory-part-$k.log" 2>&1 &
        local pid=$! last=$(date +%s) committed
        committed=$(rows "$part")
        while kill -0 "$pid" 2>/dev/null; do
            sleep 30
            local n; n=$(rows "$part")
            if (( n > committed && $(date +%s) - last >= COMMIT_EVERY )); then
                commit_part "$part" "confirmatory part $k of $PARTS: $n of 20 cells (resumable)"
                committed=$n; last=$(date +%s)
            fi
        done
        wait "$pid" || { echo "confirmatory-run: part $k failed (see /tmp/confirmatory-part-$k.log)" >&2; return 1; }
        commit_part "$part" "confirmatory part $k of $PARTS: complete, $(rows "$part") cells"
    done
}

for w in $(seq 0 $((WORKERS - 1))); do worker "$w" & done
wait
for k in $(seq 1 $PARTS); do
    [[ $(rows "$STEM.part-$k-of-$PARTS.csv") -ge 20 ]] || { echo "confirmatory-run: part $k not complete yet"; exit 0; }
done
bash scripts/grid-finish.sh "$PDET_TUI" $PARTS "$OUT" 2
