#!/usr/bin/env bash
# Resumable calibration runner (issue 10): trains one model per settings line and writes its
# learning curve to OUTDIR/<run-id>.log. A run whose .log exists is skipped, so running the script
# again resumes where a killed run left off (the run in flight starts over). The settings file
# is re-read after every run, so lines appended meanwhile are picked up.
#
#   scripts/calibrate.sh SETTINGS [OUTDIR]           # OUTDIR default docs/results/calibration
#   PDET_THREADS=1 nohup nice -n 5 scripts/calibrate.sh scripts/calibration-settings.txt &
#
# SETTINGS: one run per line, "<run-id> <task> <train flags...>", e.g.
#   lo-L4-lr1e-3-wu200-s1  listops  --layers 4 --lr 1e-3 --warmup 200 --steps 3000 --seed 1
# '#' starts a comment; blank lines are ignored; run ids must be unique ([A-Za-z0-9._-]).
# Env: PDET_TUI (binary, default .build/release/pdet-tui: copy it elsewhere so rebuilds do not
# disturb a long calibration); EVAL_EVERY (held-out evaluation every N steps unless the line sets
# --eval-every; default 250); WORK (scratch for the raw metrics, default /tmp/pdet-calibration).
#
# Each .log holds the exact command, the binary, the start/end time and load average, and one
# row per evaluation: step, mean training loss and accuracy over the steps since the previous row
# (from --metrics), held-out accuracy, and wall-clock ms per step over that window (evaluation
# included). It is written to a temp file and renamed into place when the run is done.
set -euo pipefail

SETTINGS=${1:?usage: calibrate.sh SETTINGS [OUTDIR]}
OUT=${2:-docs/results/calibration}
BIN=${PDET_TUI:-.build/release/pdet-tui}
EVAL_EVERY=${EVAL_EVERY:-250}
WORK=${WORK:-/tmp/pdet-calibration}

[[ -r "$SETTINGS" ]] || { echo "calibrate.sh: cannot read $SETTINGS" >&2; exit 1; }
[[ -x "$BIN" ]] || { echo "calibrate.sh: $BIN not found; run: swift build -c release --product pdet-tui" >&2; exit 1; }
[[ "$EVAL_EVERY" =~ ^[1-9][0-9]*$ ]] || { echo "calibrate.sh: EVAL_EVERY must be a positive integer (got $EVAL_EVERY)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "calibrate.sh: needs python3 to summarise the metrics" >&2; exit 1; }
mkdir -p "$OUT" "$WORK"
exec 9>"$WORK/lock"
flock -n 9 || { echo "calibrate.sh: another calibrate.sh is using $WORK" >&2; exit 1; }

# Checks every line (before any run, and again before each run, since the file is re-read after
# every run: lines appended while the script runs are picked up).
check_settings() {
    local lineno=0 raw line id
    local -A seen=()
    while IFS= read -r raw || [[ -n "$raw" ]]; do
        lineno=$((lineno + 1))
        line=${raw%%#*}
        read -r -a words <<<"$line" || true
        [[ ${#words[@]} -eq 0 ]] && continue
        id=${words[0]}
        [[ ${#words[@]} -ge 2 ]] || { echo "calibrate.sh: $SETTINGS:$lineno: expected '<run-id> <task> <flags...>'" >&2; return 1; }
        [[ "$id" =~ ^[A-Za-z0-9._-]+$ ]] || { echo "calibrate.sh: $SETTINGS:$lineno: bad run id '$id'" >&2; return 1; }
        [[ -z "${seen[$id]:-}" ]] || { echo "calibrate.sh: $SETTINGS:$lineno: run id '$id' repeats line ${seen[$id]}" >&2; return 1; }
        seen[$id]=$lineno
    done <"$SETTINGS"
}
check_settings || exit 1

loadavg() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?"; }
utc() { date -u '+%Y-%m-%d %H:%M:%S UTC'; }
version="$("$BIN" --version 2>/dev/null || echo unknown), sha256 $(sha256sum "$BIN" | cut -c1-12)"

declare -A failed=()
# The first line with neither a .log nor a failure in this session, as "id task flags..." (empty: none).
next_pending() {
    local raw line
    while IFS= read -r raw || [[ -n "$raw" ]]; do
        line=${raw%%#*}
        read -r -a words <<<"$line" || true
        [[ ${#words[@]} -eq 0 ]] && continue
        [[ -e "$OUT/${words[0]}.log" || -n "${failed[${words[0]}]:-}" ]] && continue
        echo "${words[*]}"
        return
    done <"$SETTINGS"
}

while true; do
    check_settings || exit 1
    pending=$(next_pending)
    [[ -n "$pending" ]] || break
    read -r -a words <<<"$pending"
    id=${words[0]}; task=${words[1]}; flags=("${words[@]:2}")
    final="$OUT/$id.log"
    args=(train --task "$task" "${flags[@]}")
    [[ " ${flags[*]} " == *" --eval-every "* ]] || args+=(--eval-every "$EVAL_EVERY")
    args+=(--metrics "$WORK/$id.jsonl")
    echo "calibrate.sh: $id: pdet-tui ${args[*]}"
    load0=$(loadavg); t0=$(utc)
    set +e
    ( printf '%s START\n' "$(date +%s.%N)"
      "$BIN" "${args[@]}" 2>&1 >"$WORK/$id.out"
      rc=$?
      printf '%s EXIT %s\n' "$(date +%s.%N)" "$rc" ) |
        while IFS= read -r l; do
            case "$l" in [0-9]*\ START|[0-9]*\ EXIT\ *) printf '%s\n' "$l" ;; *) printf '%s %s\n' "$(date +%s.%N)" "$l" ;; esac
        done >"$WORK/$id.err"
    set -e
    load1=$(loadavg); t1=$(utc)
    status=$(awk '$2 == "EXIT" { print $3 }' "$WORK/$id.err")
    if [[ "$status" != "0" ]]; then
        echo "calibrate.sh: $id failed (exit ${status:-?}); see $WORK/$id.err; it runs again next time the script starts" >&2
        failed[$id]=1
        continue
    fi
    python3 - "$id" "$WORK/$id.jsonl" "$WORK/$id.err" "$WORK/$id.out" "$final.tmp" \
        "pdet-tui ${args[*]}" "$version" "$t0" "$t1" "$load0" "$load1" "${PDET_THREADS:-unset}" <<'PY'
import json, re, sys
rid, jsonl, err, out, dest, cmd, version, t0, t1, load0, load1, threads = sys.argv[1:]
def num(v): return float(v) if isinstance(v, str) else float(v)
steps = [json.loads(l) for l in open(jsonl) if l.strip()]
stamps, evals, start, end = [], [], None, None
for l in open(err):
    ts, _, rest = l.rstrip("\n").partition(" ")
    if rest == "START": start = float(ts)
    elif rest.startswith("EXIT"): end = float(ts)
    else:
        m = re.match(r"step (\d+): held-out accuracy (\S+)", rest)
        if m: evals.append((int(m.group(1)), float(m.group(2)), float(ts)))
text = open(out).read()
m = re.search(r"held-out accuracy (\S+) \((\d+) examples\)", text)
final_acc, n_eval = float(m.group(1)), int(m.group(2))
m = re.search(r"time (\S+) s \((\S+) ms/step\)", text)
train_s, train_ms = (m.group(1), m.group(2)) if m else ("?", "?")
last = steps[-1]["step"] if steps else 0
evals.append((last, final_acc, end))
rows, prev_step, prev_t = [], 0, start
for step, acc, ts in evals:
    window = [s for s in steps if prev_step < s["step"] <= step]
    loss = sum(num(s["loss"]) for s in window) / max(len(window), 1)
    tacc = sum(num(s["accuracy"]) for s in window) / max(len(window), 1)
    ms = (ts - prev_t) * 1000 / max(step - prev_step, 1)
    rows.append(f"{step}\t{loss:.4f}\t{tacc:.4f}\t{acc:.4f}\t{ms:.1f}")
    prev_step, prev_t = step, ts
with open(dest, "w") as f:
    f.write(f"# calibration run {rid}\n# command: {cmd}\n# binary: pdet-tui {version}\n")
    f.write(f"# started {t0}, finished {t1}; load average (1 min) {load0} at start, {load1} at end; "
            f"PDET_THREADS={threads}; machine shared with other jobs\n")
    f.write("# step: training steps done; train_loss, train_acc: means over the steps since the previous row; "
            f"heldout_acc: held-out accuracy ({n_eval} examples); ms_per_step: wall clock over that window, evaluation included\n")
    f.write("step\ttrain_loss\ttrain_acc\theldout_acc\tms_per_step\n")
    f.write("\n".join(rows) + "\n")
    f.write(f"# final: held-out accuracy {final_acc:.4f} after {last} steps; training time {train_s} s ({train_ms} ms/step)\n")
PY
    mv "$final.tmp" "$final"
    rm -f "$WORK/$id.jsonl"
    echo "calibrate.sh: $id done: $(tail -1 "$final")"
done
echo "calibrate.sh: every run in $SETTINGS is done (or failed this session)"
