#!/usr/bin/env bash
# Prints the calibration logs (scripts/calibrate.sh) as Markdown: one summary row per run, then each
# run's learning curve as a small table. Used to write docs/results/calibration.md.
#
#   scripts/calibration-tables.sh [DIR]      # DIR default docs/results/calibration
set -euo pipefail
DIR=${1:-docs/results/calibration}
shopt -s nullglob
logs=("$DIR"/*.log)
[[ ${#logs[@]} -gt 0 ]] || { echo "calibration-tables.sh: no .log files in $DIR" >&2; exit 1; }

echo "| run | task | flags | steps | final held-out | best held-out (step) | ms/step (training) | load at start/end |"
echo "|---|---|---|---:|---:|---:|---:|---|"
for f in "${logs[@]}"; do
    awk -v id="$(basename "$f" .log)" '
        /^# command: / { task = $6; flags = ""; for (i = 7; i <= NF; i++) { if ($i == "--eval-every" || $i == "--metrics") { i++; continue } ; if ($i == "--task") { i++; continue }; flags = flags (flags == "" ? "" : " ") $i } }
        /^# started / { match($0, /load average \(1 min\) [^ ]+ at start, [^;]+ at end/); split(substr($0, RSTART, RLENGTH), w, " "); load = w[5] "/" w[8] }
        /^[0-9]/ { if ($4 > best) { best = $4; bstep = $1 } ; last = $1 }
        /^# final: / { acc = $5; match($0, /\(([0-9.]+) ms\/step\)/); ms = substr($0, RSTART + 1, RLENGTH - 10) }
        END { printf "| %s | %s | `%s` | %s | %s | %.4f (%s) | %.1f | %s |\n", id, task, flags, last, acc, best, bstep, ms, load }' "$f"
done
for f in "${logs[@]}"; do
    echo
    echo "### $(basename "$f" .log)"
    echo
    grep '^# command: ' "$f" | sed 's/^# command: /`/; s/ --metrics [^ ]*//; s/$/`/'
    echo
    echo "| step | train loss | train acc | held-out acc | ms/step |"
    echo "|---:|---:|---:|---:|---:|"
    awk '/^[0-9]/ { printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }' "$f"
done
