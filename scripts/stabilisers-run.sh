#!/usr/bin/env bash
# Runs the stabiliser study (docs/results/stabilisers.md) one depth after the other, one process at
# a time on one thread, regenerating the report after each depth. Resumable: re-running skips every
# run already in docs/results/stabilisers/runs.csv. Usage (from the repository root):
#   nohup nice -n 10 bash scripts/stabilisers-run.sh > /tmp/stabilisers.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build -c release --show-bin-path)/pdet-tui"
[ -x "$bin" ] || { echo "stabilisers-run: build first: swift build -c release --product pdet-tui" >&2; exit 1; }
export PDET_THREADS=1
for depth in ${DEPTHS:-2 6 12}; do
    "$bin" stabilisers --depths "$depth"
    "$bin" stabilisers --report
done
