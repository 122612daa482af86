#!/usr/bin/env bash
# The cluster path on a real Slurm cluster of one node (issue 21, item 7): installs Debian's
# slurm-wlm and munge when missing, starts a private munged, slurmctld and slurmd (own key, socket,
# ports, state and spool folders under a temporary folder; the machine's own munge/Slurm setup, if
# any, is not touched), submits scripts/reproduce-slurm.sh as a job array (sbatch --array=1-N) on a
# tiny grid plus a merge job chained with --dependency=afterok:<array job>, and compares the merged
# CSV byte for byte with scripts/reproduce-parallel.sh's for the same grid and shard count (every
# line but `# machine` and `# compute-seconds`, which describe the run).
#
#   bash scripts/slurm-test.sh            # needs root (or passwordless sudo) and apt-get
#
# On CI (CI=true) every problem fails the test. Elsewhere, when the cluster cannot be brought up (no
# root, no apt-get, an install or daemon that fails), it prints one line "slurm test skipped: <why>"
# and exits 0; once the cluster is up, any failure is a real failure. The daemons it started (only
# those) are stopped and its temporary folder removed on every exit path. Limited to 15 minutes
# (most of it for apt-get on a cold machine; the cluster part takes well under 2 minutes).
# Binary: $PDET_TUI, else the release build (`swift build -c release --show-bin-path`).
set -uo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"
SELF="$REPO/scripts/slurm-test.sh"   # $0 may be relative to the folder we just left
NAME="slurm test"

# The grid: 1 task × 2 variants × 2 seeds = 4 cells in 3 shards (uneven: 2, 1, 1 cells).
SHARDS=3
GRID=(--quick --tasks listops --variants baseline,after-embedding/s1 --seeds 2 --steps 5)
PORT_CTLD=16817     # not Slurm's default 6817/6818, so a real cluster on this machine is left alone
PORT_SLURMD=16818

strict() { [ "${CI:-}" = "true" ]; }
fail() { echo "$NAME: FAIL: $1" >&2; exit 1; }
# cannot_run WHY: the cluster could not be brought up; skip (one line, exit 0) unless on CI.
cannot_run() {
    if strict; then fail "$1"; fi
    echo "$NAME skipped: $1"
    exit 0
}
step() { echo "· $1"; }
# cannot_start WHY: a daemon did not come up; on CI with its logs (show_logs, below), else one line.
cannot_start() {
    if strict; then show_logs; fi
    cannot_run "$1"
}

# MARK: privileges and the time limit

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        exec sudo -n --preserve-env=CI,PDET_TUI,TMPDIR bash "$SELF" "$@"
    fi
    cannot_run "needs root or passwordless sudo (to install Slurm and run slurmd)"
fi
if [ -z "${SLURM_TEST_UNDER_TIMEOUT:-}" ]; then
    # timeout's TERM runs the TERM trap below (stop the daemons); KILL only 60 s later.
    SLURM_TEST_UNDER_TIMEOUT=1 exec timeout -k 60 900 bash "$SELF" "$@"
fi

BIN="${PDET_TUI:-}"
if [ -z "$BIN" ]; then BIN="$(swift build -c release --show-bin-path 2>/dev/null)/pdet-tui"; fi
[ -x "$BIN" ] || fail "no pdet-tui binary at $BIN (run: swift build -c release --product pdet-tui)"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"   # job scripts run elsewhere: absolute

# MARK: the temporary folder and cleanup

TMP="$(mktemp -d "${TMPDIR:-/tmp}/pdet-slurm-test.XXXXXX")"
# munged refuses a socket in a folder that others cannot search (o+x on every parent).
chmod 755 "$TMP"
mkdir -p "$TMP/run" "$TMP/munge" "$TMP/state" "$TMP/spool" "$TMP/log" "$TMP/jobs" "$TMP/parallel"
chmod 700 "$TMP/munge"
export SLURM_CONF="$TMP/slurm.conf"   # every client (sbatch, sinfo, ...) and every job sees this one
DAEMONS=()                            # "pid name" of each daemon started here, in start order

# stop_pid PID NAME: TERM, up to 15 s, then KILL; only if PID is still the program NAME we started.
stop_pid() {
    local pid="$1" name="$2" i
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || return 0
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
    echo "$NAME: $name (pid $pid) ignored TERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null
}

# ours: the pids of live processes whose environment holds this test's SLURM_CONF (the grep that
# looks runs without it, else it would find itself).
ours() {
    local f
    for f in $(env -u SLURM_CONF grep -lsaF "SLURM_CONF=$TMP/slurm.conf" /proc/[0-9]*/environ 2>/dev/null); do
        f="${f#/proc/}"
        echo "${f%/environ}"
    done
}

# not_daemons: those of ours that are neither a daemon started here nor its child (slurmscriptd).
not_daemons() {
    local pid ppid entry started=" "
    for entry in "${DAEMONS[@]}"; do started+="${entry%% *} "; done
    for pid in $(ours); do
        ppid="$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ')"
        [[ "$started" == *" $pid "* || "$started" == *" $ppid "* ]] || echo "$pid"
    done
}

# show_logs: the daemons' logs, for a failure's diagnosis.
show_logs() {
    local f
    for f in "$TMP"/log/* "$TMP"/jobs/*.log; do
        [ -f "$f" ] && { echo "--- $f (last 15 lines)" >&2; tail -n 15 "$f" >&2; }
    done
}

cleanup() {
    trap - EXIT TERM INT
    local i entry pid
    if [ "${#DAEMONS[@]}" -gt 0 ]; then
        # Jobs first (bounded), so that no slurmstepd or job outlives the daemons it reports to.
        if [ -S "$TMP/run/munge.socket" ]; then
            timeout 10 scancel --full --quiet --user=root >/dev/null 2>&1
            for i in $(seq 1 30); do
                [ -z "$(timeout 5 squeue --noheader 2>/dev/null)" ] && [ -z "$(not_daemons)" ] && break
                sleep 0.5
            done
        fi
        for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do   # slurmd, slurmctld, then munged
            entry="${DAEMONS[$i]}"
            stop_pid "${entry%% *}" "${entry#* }"
        done
        # Anything slurmd or a job left behind (slurmstepd, a job's process) inherited our SLURM_CONF:
        # give those 5 s to end, then KILL only those.
        for i in $(seq 1 10); do [ -z "$(ours)" ] && break; sleep 0.5; done
        for pid in $(ours); do
            echo "$NAME: ending leftover job process $pid ($(cat "/proc/$pid/comm" 2>/dev/null))" >&2
            kill -KILL "$pid" 2>/dev/null
        done
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'echo "$NAME: FAIL: interrupted (timeout?)" >&2; exit 1' TERM INT

# MARK: install (apt-get, non-interactive) when a tool is missing

NEEDED=(munged munge unmunge slurmctld slurmd sbatch sinfo squeue scontrol scancel)
missing() { local c; for c in "${NEEDED[@]}"; do command -v "$c" >/dev/null 2>&1 || { echo "$c"; return 0; }; done; return 1; }
if tool="$(missing)"; then
    command -v apt-get >/dev/null 2>&1 || cannot_run "$tool is not installed and apt-get is unavailable"
    step "install slurm-wlm and munge ($tool is missing)"
    export DEBIAN_FRONTEND=noninteractive
    timeout 300 apt-get update -q >"$TMP/log/apt.log" 2>&1 \
        || { strict && tail -5 "$TMP/log/apt.log" >&2; cannot_run "apt-get update failed"; }
    timeout 400 apt-get install -y -q --no-install-recommends slurm-wlm munge >>"$TMP/log/apt.log" 2>&1 \
        || { strict && tail -5 "$TMP/log/apt.log" >&2; cannot_run "apt-get install slurm-wlm munge failed"; }
    tool="$(missing)" && cannot_run "$tool is still missing after installing slurm-wlm and munge"
fi

# MARK: munged (private key and socket)

step "start munged, slurmctld and slurmd for one node ($(hostname -s))"
if ! { command -v mungekey >/dev/null && mungekey --create --keyfile="$TMP/munge/munge.key" 2>"$TMP/log/mungekey.log"; }; then
    # munge < 0.5.14 has no mungekey: 1 KiB of random bytes is a valid key.
    dd if=/dev/urandom of="$TMP/munge/munge.key" bs=1024 count=1 status=none \
        || cannot_run "could not create a munge key"
fi
chmod 400 "$TMP/munge/munge.key"
munged --foreground --socket="$TMP/run/munge.socket" --key-file="$TMP/munge/munge.key" \
    --log-file="$TMP/log/munged.log" --pid-file="$TMP/run/munged.pid" \
    --seed-file="$TMP/munge/munged.seed" >"$TMP/log/munged.stderr" 2>&1 &
DAEMONS+=("$! munged")
for i in $(seq 1 40); do [ -S "$TMP/run/munge.socket" ] && break; sleep 0.25; done
if ! munge -S "$TMP/run/munge.socket" -n 2>/dev/null | unmunge -S "$TMP/run/munge.socket" >/dev/null 2>&1; then
    cannot_start "munged did not start"
fi

# MARK: slurm.conf for one node with this machine's real CPUs and memory

HOST="$(hostname -s)"
# `slurmd -C` prints the node line Slurm itself detects (CPUs, sockets, cores, threads, RealMemory).
HARDWARE="$(slurmd -C 2>/dev/null | head -n 1 | tr ' ' '\n' | grep -E '^(CPUs|Boards|SocketsPerBoard|CoresPerSocket|ThreadsPerCore|RealMemory)=' | tr '\n' ' ')"
[ -n "$HARDWARE" ] || cannot_run "slurmd -C printed no hardware line"
cat >"$SLURM_CONF" <<EOF
# Written by scripts/slurm-test.sh: a private one-node cluster, removed when the test ends.
ClusterName=pdettest
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$PORT_CTLD
SlurmdPort=$PORT_SLURMD
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$TMP/run/munge.socket
StateSaveLocation=$TMP/state
SlurmdSpoolDir=$TMP/spool
SlurmctldPidFile=$TMP/run/slurmctld.pid
SlurmdPidFile=$TMP/run/slurmd.pid
SlurmctldLogFile=$TMP/log/slurmctld.log
SlurmdLogFile=$TMP/log/slurmd.log
PlugStackConfig=$TMP/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
# Finished jobs stay visible to scontrol (no accounting database here) while the test reads them.
MinJobAge=600
NodeName=$HOST NodeAddr=127.0.0.1 ${HARDWARE}State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
: >"$TMP/plugstack.conf"

# MARK: slurmctld and slurmd (foreground daemons, children of this script)

slurmctld -D -f "$SLURM_CONF" >"$TMP/log/slurmctld.stderr" 2>&1 &
DAEMONS+=("$! slurmctld")
slurmd -D -f "$SLURM_CONF" >"$TMP/log/slurmd.stderr" 2>&1 &
DAEMONS+=("$! slurmd")
state=""
for i in $(seq 1 120); do   # up to about 60 s
    for entry in "${DAEMONS[@]}"; do
        kill -0 "${entry%% *}" 2>/dev/null || cannot_start "${entry#* } exited at start"
    done
    state="$(timeout 5 sinfo --noheader --nodes="$HOST" --format=%T 2>/dev/null | head -n 1)"
    [ "$state" = "idle" ] && break
    sleep 0.5
done
[ "$state" = "idle" ] || cannot_start "node $HOST not idle after 60 s (state: ${state:-none})"

# From here on the cluster is up: every problem is a real failure, also off CI.

# MARK: the array and the chained merge

cd "$TMP/jobs"
OUT="$TMP/jobs/report.md"
step "sbatch --array=1-$SHARDS scripts/reproduce-slurm.sh (${GRID[*]})"
# --cpus-per-task=1 overrides the script's 2 so that shards run side by side on a 2-core node.
ARRAY_JOB="$(PDET_TUI="$BIN" sbatch --parsable --array=1-"$SHARDS" --chdir="$TMP/jobs" --cpus-per-task=1 \
    "$REPO/scripts/reproduce-slurm.sh" "$OUT" "${GRID[@]}")" || fail "sbatch of the array was refused"
ARRAY_JOB="${ARRAY_JOB%%;*}"
PARTS=()
for k in $(seq 1 "$SHARDS"); do PARTS+=("$TMP/jobs/report.part-$k-of-$SHARDS.csv"); done
MERGE_CMD="$(printf '%q ' "$BIN" reproduce merge "${PARTS[@]}" --out "$OUT")"
step "sbatch --dependency=afterok:$ARRAY_JOB (reproduce merge)"
MERGE_JOB="$(sbatch --parsable --dependency=afterok:"$ARRAY_JOB" --kill-on-invalid-dep=yes \
    --chdir="$TMP/jobs" --job-name=pdet-merge --cpus-per-task=1 --mem=256M \
    --output="$TMP/jobs/pdet-merge-%j.log" --wrap="exec $MERGE_CMD")" || fail "sbatch of the merge job was refused"
MERGE_JOB="${MERGE_JOB%%;*}"

# job_states JOB: one JobState per job (an array gives one per task), from scontrol.
job_states() { timeout 10 scontrol --oneliner show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
finished=""
for i in $(seq 1 300); do   # up to 150 s
    array_now="$(job_states "$ARRAY_JOB")"
    merge_now="$(job_states "$MERGE_JOB")"
    # afterok: while an array task is unfinished the merge may not have started.
    if echo "$array_now" | grep -qE 'PENDING|RUNNING|CONFIGURING' && echo "$merge_now" | grep -qE 'RUNNING|COMPLETED'; then
        show_logs; fail "the merge job started before the array finished (afterok ignored)"
    fi
    if ! printf '%s\n%s\n' "$array_now" "$merge_now" | grep -qE 'PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED|REQUEUE|RESIZING'; then
        finished=1; break
    fi
    sleep 0.5
done
[ -n "$finished" ] || { show_logs; squeue >&2; fail "jobs not finished after 150 s"; }
array_states="$(job_states "$ARRAY_JOB" | sort | uniq -c | tr -s ' ' | tr '\n' ',')"
[ "$(job_states "$ARRAY_JOB" | grep -c '^COMPLETED$')" -eq "$SHARDS" ] \
    || { show_logs; fail "array tasks did not all complete:${array_states%,}"; }
[ "$(job_states "$MERGE_JOB")" = "COMPLETED" ] \
    || { show_logs; fail "merge job ended $(job_states "$MERGE_JOB")"; }
for k in $(seq 1 "$SHARDS"); do   # the script's own #SBATCH --output, in the submitting folder
    [ -s "$TMP/jobs/pdet-reproduce-${ARRAY_JOB}_$k.log" ] || fail "no log pdet-reproduce-${ARRAY_JOB}_$k.log"
    [ -s "${PARTS[$((k - 1))]}" ] || fail "array task $k wrote no part CSV"
done
[ -s "$OUT" ] && [ -s "$TMP/jobs/report.csv" ] || { show_logs; fail "the merge job wrote no report or CSV"; }

# MARK: the same grid with reproduce-parallel.sh, the CSVs compared byte for byte

step "scripts/reproduce-parallel.sh $SHARDS on the same grid"
PDET_TUI="$BIN" bash "$REPO/scripts/reproduce-parallel.sh" "$SHARDS" "$TMP/parallel/report.md" "${GRID[@]}" \
    >"$TMP/log/parallel.log" 2>&1 || { tail -n 15 "$TMP/log/parallel.log" >&2; fail "reproduce-parallel.sh failed"; }
# Everything but the two lines that describe the run, not the grid (`# machine`, `# compute-seconds`):
# the rows, the column header, `# grid-id`, `# grid`, `# cells`, `# shard all`, `# binary`.
comparable() { grep -v -e '^# machine ' -e '^# compute-seconds ' "$1"; }
comparable "$TMP/jobs/report.csv" >"$TMP/slurm-rows.csv"
comparable "$TMP/parallel/report.csv" >"$TMP/parallel-rows.csv"
rows="$(($(grep -vc '^#' "$TMP/slurm-rows.csv") - 1))"   # less the column header
[ "$rows" -eq 4 ] || fail "merged CSV has $rows rows, expected 4 (1 task × 2 variants × 2 seeds)"
cmp -s "$TMP/slurm-rows.csv" "$TMP/parallel-rows.csv" || {
    diff "$TMP/slurm-rows.csv" "$TMP/parallel-rows.csv" | cut -c1-160 | head -n 20 >&2
    fail "the Slurm-merged CSV differs from reproduce-parallel.sh's"
}

echo "$NAME: OK (one-node cluster $HOST: a $SHARDS-task array of reproduce-slurm.sh and an afterok merge; merged CSV byte-identical to reproduce-parallel.sh's but for # machine and # compute-seconds: $rows rows)"
