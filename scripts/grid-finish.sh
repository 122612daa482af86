#!/usr/bin/env bash
# After every part of a sharded grid is complete: merge the parts into the report and the full CSV,
# re-run randomly chosen cells from the merged CSV (`reproduce --from … --cell N`, which exits 0 only
# when it reproduces the committed row byte for byte) and print the figures docs/performance.md
# records (compute time per cell and cells per hour, per part and in all).
#
#   scripts/grid-finish.sh BIN N OUT.md [CELLS_TO_CHECK]
#   scripts/grid-finish.sh /work/grid-bin/pdet-tui 6 docs/results/standard.md 2
#
# The checked cells and their output go to OUT's stem -cellcheck.txt (committed beside the report).
set -euo pipefail
BIN=${1:?usage: grid-finish.sh BIN N OUT.md [CELLS_TO_CHECK]}
N=${2:?usage: grid-finish.sh BIN N OUT.md [CELLS_TO_CHECK]}
OUT=${3:?usage: grid-finish.sh BIN N OUT.md [CELLS_TO_CHECK]}
CHECK=${4:-2}
STEM=${OUT%.*}
PARTS=()
for k in $(seq 1 "$N"); do PARTS+=("$STEM.part-$k-of-$N.csv"); done
"$BIN" reproduce merge "${PARTS[@]}" --out "$OUT"

rows=$(grep -v '^#' "$STEM.csv" | tail -n +2 | wc -l)
CHECKFILE="$STEM-cellcheck.txt"
: > "$CHECKFILE.tmp"
for _ in $(seq 1 "$CHECK"); do
    cell=$(( $(od -An -N4 -tu4 /dev/urandom) % rows ))
    echo "\$ pdet-tui reproduce --from $STEM.csv --cell $cell" >> "$CHECKFILE.tmp"
    "$BIN" reproduce --from "$STEM.csv" --cell "$cell" >> "$CHECKFILE.tmp" 2>&1 \
        || { cat "$CHECKFILE.tmp"; echo "grid-finish: cell $cell did not reproduce its row" >&2; exit 1; }
done
mv "$CHECKFILE.tmp" "$CHECKFILE"
cat "$CHECKFILE"

echo "figures (compute-seconds is wall time of the process that ran the part):"
total=0; cells=0
for p in "${PARTS[@]}"; do
    s=$(grep -m1 '^# compute-seconds' "$p" | awk '{print $3}')
    c=$(grep -v '^#' "$p" | tail -n +2 | wc -l)
    printf '  %s: %d cells, %.0f s, %.0f s/cell\n' "$(basename "$p")" "$c" "$s" "$(echo "$s / $c" | bc -l)"
    total=$(echo "$total + $s" | bc -l); cells=$((cells + c))
done
printf '  all: %d cells, %.2f process-hours, %.1f cells per process-hour\n' "$cells" "$(echo "$total / 3600" | bc -l)" \
    "$(echo "$cells * 3600 / $total" | bc -l)"
