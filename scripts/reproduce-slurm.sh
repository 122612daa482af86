#!/usr/bin/env bash
# A Slurm job array for `pdet-tui reproduce`: one array task per shard, then a merge job.
#
#   sbatch --array=1-8 scripts/reproduce-slurm.sh out/report.md [reproduce flags...]
#   # after every array task has finished (or chain it: sbatch --dependency=afterok:<jobid> ...):
#   .build/release/pdet-tui reproduce merge out/report.part-*-of-8.csv --out out/report.md
#
# The shard count n is the array's size (SLURM_ARRAY_TASK_COUNT; --array must be 1-n so that task k
# runs shard k/n). Each task writes out/report.part-k-of-n.csv. A failed task can be resubmitted
# alone (sbatch --array=5 ...): cells are seeded, so it recomputes the same rows.
#SBATCH --job-name=pdet-reproduce
#SBATCH --cpus-per-task=2
#SBATCH --mem=1G
#SBATCH --time=04:00:00
#SBATCH --output=pdet-reproduce-%A_%a.log
set -euo pipefail

OUT=${1:?usage: sbatch --array=1-N reproduce-slurm.sh OUT [reproduce flags...]}
shift
: "${SLURM_ARRAY_TASK_ID:?run this with sbatch --array=1-N}"
N=${PDET_SHARDS:-${SLURM_ARRAY_TASK_COUNT:?set PDET_SHARDS to the array size}}
BIN=${PDET_TUI:-.build/release/pdet-tui}
export PDET_THREADS=${PDET_THREADS:-${SLURM_CPUS_PER_TASK:-2}}
mkdir -p "$(dirname "$OUT")"
exec "$BIN" reproduce --shard "$SLURM_ARRAY_TASK_ID/$N" --out "$OUT" "$@"
