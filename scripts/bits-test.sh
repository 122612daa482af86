#!/usr/bin/env bash
# Same bits on every vector path (issue 12). Builds pdet-tui for each path this machine can run —
# avx512 (if the CPU has AVX-512), avx2 (if it has AVX2 + FMA) and portable — each into its own
# scratch directory (PDET_SIMD picks the path, Package.swift), trains the cases listed in
# scripts/bits-reference.sha256 on one and on two threads, and checks every checkpoint's SHA-256
# against the committed one. The portable build runs its fused multiply-adds through libm's fmaf
# (slow), so it trains only the small case unless PDET_BITS_FULL=1. Builds use -enable-testing like
# scripts/test.sh's `swift test`, so the native path reuses that build instead of rebuilding.
# Usage: scripts/bits-test.sh [path ...]   (default: every path this machine can run)
set -euo pipefail
cd "$(dirname "$0")/.."
flags="$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)"
has() { [[ " $flags " == *" $1 "* ]]; }
native=portable
if [ "$(uname -m)" = x86_64 ] && has avx2 && has fma; then
    native=avx2
    if has avx512f && has avx512bw && has avx512dq && has avx512vl; then native=avx512; fi
fi
if [ $# -gt 0 ]; then
    paths=("$@")
else
    paths=()
    [ "$native" = avx512 ] && paths+=(avx512)
    [ "$native" = avx512 ] || [ "$native" = avx2 ] && paths+=(avx2)
    paths+=(portable)
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0; failed=0
while read -r name sha args; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    echo "$name $sha $args" >> "$work/cases"
done < scripts/bits-reference.sha256
for p in "${paths[@]}"; do
    if [ "$p" = "$native" ]; then scratch=.build; else scratch=".build-bits-$p"; fi
    echo "bits-test: building the $p path ($scratch)"
    PDET_SIMD="$p" swift build -c release -Xswiftc -enable-testing --product pdet-tui --scratch-path "$scratch" > "$work/build-$p.log" 2>&1 \
        || { cat "$work/build-$p.log"; echo "bits-test: the $p build failed"; exit 1; }
    bin="$scratch/release/pdet-tui"
    while read -r name sha args; do
        if [ "$p" = portable ] && [ "$name" != small20 ] && [ "${PDET_BITS_FULL:-0}" != 1 ]; then continue; fi
        for threads in 1 2; do
            out="$work/$p-$name-$threads.safetensors"
            # shellcheck disable=SC2086
            PDET_THREADS=$threads "$bin" train $args --eval-size 16 --save "$out" > /dev/null
            got="$(sha256sum "$out" | cut -c1-64)"
            if [ "$got" = "$sha" ]; then
                passed=$((passed + 1)); echo "bits-test: $p $name threads $threads: ok"
            else
                failed=$((failed + 1)); echo "bits-test: $p $name threads $threads: $got, expected $sha"
            fi
        done
    done < "$work/cases"
done
echo "bits-test: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
