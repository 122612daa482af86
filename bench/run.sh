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
# pdet-tui on 1 and 2 threads (plain names = 2 threads, @1t = 1 thread), then PyTorch on 2 and on 1.
"$bin" bench --iterations 20 --threads 1,2 --explorer "${minilm_flag[@]}" --json > /tmp/pdet-bench-swift.json
"$venv/bin/python" bench/torch_reference.py --threads 2 --iterations 20 --json > /tmp/pdet-bench-torch.json
"$venv/bin/python" bench/torch_reference.py --threads 1 --iterations 20 --json > /tmp/pdet-bench-torch1.json
if [ ${#minilm_flag[@]} -gt 0 ]; then
    "$venv/bin/python" bench/minilm_bench.py --skip-swift --iterations 50 > /tmp/pdet-bench-minilm.txt 2>&1 || true
fi
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - <<'PY'
import json
s = json.load(open("/tmp/pdet-bench-swift.json"))
t2 = json.load(open("/tmp/pdet-bench-torch.json"))
t1 = json.load(open("/tmp/pdet-bench-torch1.json"))
print(f"pdet-tui {s.get('vectorPath', '?')}, load at its start {s.get('loadAverageAtStart', '?')}, "
      f"peak {s.get('peakGFLOPs', {})} GFLOP/s; torch {t2['torch']} ({t2.get('cpu_capability', '?')})")
print(f"{'measurement':34s} {'thr':>3s} {'pdet ms':>9s} {'torch ms':>9s} {'ratio':>6s} {'pdet CPU':>9s} {'torch CPU':>9s} {'ratio':>6s} {'GFLOP/s':>8s} {'of peak':>7s}")
for r in s["results"]:
    name, thr = r["name"], r.get("threads", 1)
    base = name.split("@")[0]
    t = t1 if thr == 1 else t2
    ref = t["results"].get(base) if thr in (1, 2) else None
    cref = t.get("cpuMs", {}).get(base) if thr in (1, 2) else None
    v, c = r["medianMs"], r.get("cpuMs")
    ratio = f"{v / ref:6.2f}" if ref else "     -"
    cratio = f"{c / cref:6.2f}" if (c and cref) else "     -"
    g = f"{r['gflops']:8.1f}" if r.get("gflops") else "       -"
    f = f"{100 * r['peakFraction']:6.1f}%" if r.get("peakFraction") else "      -"
    print(f"{name:34s} {thr:3d} {v:9.3f} {ref if ref else float('nan'):9.3f} {ratio} "
          f"{c if c else float('nan'):9.3f} {cref if cref else float('nan'):9.3f} {cratio} {g} {f}")
print(f"peak RSS pdet-tui: {s['peakRSSMB']:.1f} MB")
PY
[ -f /tmp/pdet-bench-minilm.txt ] && cat /tmp/pdet-bench-minilm.txt
