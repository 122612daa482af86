#!/usr/bin/env bash
# Runs `pdet-tui reproduce` as N independent shard processes on one machine, then merges them.
#
#   scripts/reproduce-parallel.sh N OUT [reproduce flags...]
#   scripts/reproduce-parallel.sh 4 out/report.md --quick
#
# Writes OUT's stem .part-k-of-N.csv for k = 1…N, then OUT (the report) and OUT's stem .csv.
# Uses GNU parallel when installed, else xargs -P (same result: the shards are independent and
# every cell is seeded, so the merged report does not depend on the order or the machine).
# Env: PDET_TUI (binary, default .build/release/pdet-tui); JOBS (concurrent shards, default N);
# PDET_THREADS (threads per shard; default 1 when JOBS > 1, so the shards do not fight over cores).
set -euo pipefail

N=${1:?usage: reproduce-parallel.sh N OUT [reproduce flags...]}
OUT=${2:?usage: reproduce-parallel.sh N OUT [reproduce flags...]}
shift 2
BIN=${PDET_TUI:-.build/release/pdet-tui}
JOBS=${JOBS:-$N}
[[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "reproduce-parallel.sh: N must be a positive integer (got $N)" >&2; exit 1; }
[[ -x "$BIN" ]] || { echo "reproduce-parallel.sh: $BIN not found; run: swift build -c release --product pdet-tui" >&2; exit 1; }
if [[ "$JOBS" -gt 1 ]]; then export PDET_THREADS=${PDET_THREADS:-1}; fi
mkdir -p "$(dirname "$OUT")"

if command -v parallel >/dev/null 2>&1; then
    seq 1 "$N" | parallel --quote --jobs "$JOBS" --halt now,fail=1 --line-buffer \
        "$BIN" reproduce --shard "{}/$N" --out "$OUT" "$@"
else
    seq 1 "$N" | xargs -P "$JOBS" -I{} "$BIN" reproduce --shard "{}/$N" --out "$OUT" "$@"
fi

STEM=${OUT%.*}
PARTS=()
for k in $(seq 1 "$N"); do PARTS+=("$STEM.part-$k-of-$N.csv"); done
"$BIN" reproduce merge "${PARTS[@]}" --out "$OUT"
