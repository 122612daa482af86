#!/usr/bin/env bash
# `make bench`: pdet-tui's benchmark and the PyTorch reference of the identical model, side by side
# in one session on the same cores, then the ratios. PyTorch (and transformers, for the MiniLM
# comparison) install from PyPI into .venv-bench/ (git-ignored; never used by the app itself).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$(swift build -c release --show-bin-path)/pdet-tui"
venv="${PDET_BENCH_VENV:-.venv-bench}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet torch transformers
fi
model_dir="$(bash scripts/fetch-minilm.sh 2>/dev/null || true)"
minilm_flag=()
[ -n "$model_dir" ] && [ -f "$model_dir/model.safetensors" ] && minilm_flag=(--minilm "$model_dir")
echo "machine: $(nproc) cores, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" bench --iterations 20 --explorer "${minilm_flag[@]}" --json > /tmp/pdet-bench-swift.json
"$venv/bin/python" bench/torch_reference.py --threads 2 --iterations 20 --json > /tmp/pdet-bench-torch.json
if [ ${#minilm_flag[@]} -gt 0 ]; then
    "$venv/bin/python" bench/minilm_bench.py --skip-swift --iterations 50 > /tmp/pdet-bench-minilm.txt 2>&1 || true
fi
python3 - <<'PY'
import json
s = json.load(open("/tmp/pdet-bench-swift.json"))
t = json.load(open("/tmp/pdet-bench-torch.json"))
sw = {r["name"]: r["medianMs"] for r in s["results"]}
print(f"{'measurement':28s} {'pdet-tui ms':>12s} {'torch ms':>10s} {'ratio':>7s}")
for k, v in sw.items():
    ref = t["results"].get(k)
    ratio = f"{v / ref:7.2f}" if ref else "      -"
    print(f"{k:28s} {v:12.3f} {ref if ref else float('nan'):10.3f} {ratio}")
print(f"peak RSS pdet-tui: {s['peakRSSMB']:.1f} MB; torch {t['torch']}")
PY
[ -f /tmp/pdet-bench-minilm.txt ] && cat /tmp/pdet-bench-minilm.txt
