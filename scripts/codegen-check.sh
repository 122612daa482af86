#!/usr/bin/env bash
# Guards the vector kernels' code generation, which no timed test may measure (docs/performance.md,
# "A regression, found by the first benchmark of the session"): made generic over SIMD, exp/tanh/GELU
# kept their bits but compiled to out-of-line calls and per-lane branchy loops, and the training
# step went from 81 to 114 ms unnoticed. On a vector build (avx512, avx2) this checks that the
# softmax and GELU loops
#   - call none of the lane helpers (expLanes, expInRangeLanes, tanhLanes, geluLanes, geluTanhLanes,
#     geluDerivativeLanes, clampedLanes, floorLanes, stepDown, minusExactProduct, timesPowerOfTwo, the CLanes
#     intrinsics) out of line, and
#   - have no scalar float compare (ucomiss: a lane loop left as branches), and
#   - call no swift_once (a computed global read in the loop: its lazy-init check ran per vector,
#     with a vzeroupper and a spill each time; GELU's √(2/π) did, ~1 ms of a 27 ms forward).
#
#   scripts/codegen-check.sh [BIN]      (default: the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-$(swift build -c release --show-bin-path)/pdet-tui}
path=$("$BIN" bench --iterations 1 --warmup 0 --no-gemm --threads 1 2>/dev/null | sed -n 's/^vector path \([a-z0-9]*\).*/\1/p')
if [ "$path" != "avx512" ] && [ "$path" != "avx2" ]; then
    echo "codegen-check: vector path '${path:-unknown}': nothing to check (the portable build runs lane loops by design)"
    exit 0
fi
failed=0
dis=$(mktemp); trap 'rm -f "$dis"' EXIT
objdump -d --no-show-raw-insn "$BIN" > "$dis"
helpers='(expLanes|expInRangeLanes|tanhLanes|geluLanes|geluTanhLanes|geluDerivativeLanes|clampedLanes|floorLanes|stepDown|minusExactProduct|timesPowerOfTwo|pdet_)'
checked=0
for fn in softmaxRows8 geluForwardSerial geluBackwardSerial; do
    while read -r sym; do
        checked=$((checked + 1))
        body=$(awk -v s="<$sym>:" '$2 == s {on = 1; next} on && /^$/ {exit} on' "$dis")
        calls=$(echo "$body" | grep -E "call.*$helpers" || true)
        compares=$(echo "$body" | grep -c 'ucomiss' || true)
        onces=$(echo "$body" | grep -c 'call.*swift_once' || true)
        if [ "$onces" != 0 ]; then
            echo "codegen-check: $fn calls swift_once $onces times (a lazily initialised global read in the loop): $sym"
            failed=1
        fi
        if [ -n "$calls" ]; then
            echo "codegen-check: $fn calls a lane helper out of line (vectors pass through memory): $sym"
            echo "$calls" | head -3 | sed 's/^/  /'
            failed=1
        fi
        if [ "$compares" != 0 ]; then
            echo "codegen-check: $fn has $compares scalar float compares (a lane loop left as branches): $sym"
            failed=1
        fi
    done < <(nm --defined-only "$BIN" | awk '$2 ~ /^[tT]$/ {print $3}' | grep -E "PDETCore[0-9]+${fn}" || true)
done
# attentionForward inlines softmaxColumns' exponentials (and the scalar softmaxRow for odd T, whose
# compares are by design): there, only out-of-line lane helpers fail.
for fn in attentionForward; do
    while read -r sym; do
        checked=$((checked + 1))
        body=$(awk -v s="<$sym>:" '$2 == s {on = 1; next} on && /^$/ {exit} on' "$dis")
        calls=$(echo "$body" | grep -E "call.*$helpers" || true)
        if [ -n "$calls" ]; then
            echo "codegen-check: $fn calls a lane helper out of line (vectors pass through memory): $sym"
            echo "$calls" | head -3 | sed 's/^/  /'
            failed=1
        fi
    done < <(nm --defined-only "$BIN" | awk '$2 ~ /^[tT]$/ {print $3}' | grep -E "PDETCore[0-9]+${fn}" || true)
done
if [ "$checked" -lt 4 ]; then
    echo "codegen-check: found only $checked of the softmax/GELU/attention functions to inspect (renamed? update this script)"
    failed=1
fi
[ "$failed" = 0 ] && echo "codegen-check: $path build: $checked softmax/GELU/attention loops inline their lane helpers (and the softmax/GELU ones have no scalar compares and no swift_once)"
exit "$failed"
