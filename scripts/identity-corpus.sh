#!/usr/bin/env bash
# Writes a corpus of everything the explorer draws or exports, from one binary, into OUTDIR:
# snapshots (txt, ansi, svg) of every toggle combination, metrics JSON, every lesson beat,
# script replays (their mid-script snapshots and the recorded cast), the A/B split, the simulator,
# MiniLM when .cache/minilm is there, and `--help` of every subcommand. Then a SHA256SUMS manifest.
#
#   scripts/identity-corpus.sh BIN OUTDIR
#   diff <(cd A && cat SHA256SUMS) <(cd B && cat SHA256SUMS)    # two builds, same bytes?
#
# Used to show that a refactor leaves every output byte-identical (issue 13): run it with the
# binary before and after, and compare the manifests (scripts/identity-check.sh does both).
set -euo pipefail
BIN=$(readlink -f "${1:?usage: identity-corpus.sh BIN OUTDIR}")
OUT=${2:?usage: identity-corpus.sh BIN OUTDIR}
REPO=$(cd "$(dirname "$0")/.." && pwd)
export PDET_ASSETS="$REPO/assets" PDET_THREADS=1
unset NO_COLOR PDET_THEME COLORFGBG
rm -rf "$OUT" && mkdir -p "$OUT"/{snap,lesson,script,sim,split,minilm,help}
OUT=$(cd "$OUT" && pwd)
cd "$OUT"
n=0
run() { # run NAME ARGS... : stdout and stderr and exit status of one command go into files
    local name=$1; shift
    set +e
    "$BIN" "$@" > "$name.stdout" 2> "$name.stderr"
    echo $? > "$name.rc"
    set -e
    n=$((n + 1))
}

# 1. Every toggle combination on a small fresh model (2 training steps so gradients and drift move).
small=(--checkpoint none --task reverse --layers 2 --d-model 16 --heads 2 --d-ff 32 --seq-len 12 --batch 4 --seed 3)
if ! "$BIN" snapshot "${small[@]}" --steps 0 > /dev/null 2>&1; then small=(--task reverse --layers 2 --d-model 16 --heads 2 --d-ff 32 --seq-len 12 --batch 4 --seed 3); fi
for res in on off; do for norm in pre post none; do
    for pde in off after-embedding before-norm before-attention after-attention after-ffn between-layers before-head; do
        name=snap/r$res-n$norm-$pde
        run "$name" snapshot "${small[@]}" --residual $res --norm $norm --pde $pde --steps 2 --out "$name.txt" \
            --metrics-json "$name.json"
    done
done; done
for fmt in ansi svg; do for theme in dark light mono; do
    run snap/default-$theme-$fmt snapshot --steps 1 --format $fmt --theme $theme --out snap/default-$theme.$fmt
done; done
run snap/default-ascii snapshot --ascii --out snap/default-ascii.txt
run snap/default-80x24 snapshot --size 80x24 --out snap/default-80x24.txt
run snap/multiscale snapshot "${small[@]}" --pde between-layers --pde-scales 1,2,4 --pde-alpha 0.6 --pde-clamp off \
    --steps 3 --out snap/multiscale.txt --metrics-json snap/multiscale.json
run snap/learned-causal snapshot "${small[@]}" --pos learned --causal --steps 2 --layer 2 --head 2 --out snap/learned-causal.txt
for task in sort copy listops digits pathfinder; do
    run snap/task-$task snapshot --task $task --layers 1 --d-model 16 --heads 2 --d-ff 16 --batch 2 \
        --steps 1 --out snap/task-$task.txt
done

# 2. The simulator.
for integ in euler heun rk4; do
    run sim/$integ snapshot "${small[@]}" --simulator --sim-integrator $integ --sim-dt 0.5 --sim-steps 4 \
        --sim-diffusion 0.2 --out sim/$integ.txt --metrics-json sim/$integ.json
done
run sim/tied-off snapshot "${small[@]}" --simulator --sim-weights tied --sim-residual off --sim-layernorm off \
    --out sim/tied-off.txt
run sim/default snapshot --simulator --format ansi --out sim/default.ansi

# 3. Every lesson beat (a beat count past the end is an error line, which is recorded too).
for lesson in "$REPO"/assets/lessons/*.lesson; do
    num=$(basename "$lesson" | cut -c1-2); num=$((10#$num))
    for beat in 1 2 3 4 5 6 7 8 9 10; do
        run lesson/$num-$beat snapshot --lesson $num --beat $beat --out lesson/$num-$beat.txt
        [[ $(cat lesson/$num-$beat.rc) == 0 ]] || break
    done
done

# 4. Scripts: every explorer key the help lists, the A/B split, the simulator, resizes, recorded.
cat > script/keys.script <<'EOF'
steps 2
snapshot script/k00.txt
key r
snapshot script/k01.txt
key n
snapshot script/k02.txt
key n
key p
snapshot script/k03.txt
key p
key p
key l
snapshot script/k04.txt
key ?
snapshot script/k05.txt
key esc
key ]
key [
key }
key {
snapshot script/k06.txt
key tab
key down
key right
snapshot script/k07.txt
key c
key s
snapshot script/k08.svg
key +
key -
key space
steps 3
snapshot script/k09.ansi
resize 80x24
snapshot script/k10.txt
resize 130x45
snapshot script/k11.txt
quit
EOF
run script/keys snapshot "${small[@]}" --script script/keys.script --record script/keys.cast --out script/keys-final.txt
cat > script/split.script <<'EOF'
steps 2
key b
key r
key p
steps 2
snapshot script/s00.txt
key tab
key n
steps 1
snapshot script/s01.ansi
key ?
snapshot script/s02.txt
key esc
key b
snapshot script/s03.txt
quit
EOF
run script/split snapshot "${small[@]}" --script script/split.script --record script/split.cast --out script/split-final.txt
cat > script/sim.script <<'EOF'
key M
snapshot script/m00.txt
key i
key +
key d
key w
snapshot script/m01.txt
key v
snapshot script/m02.txt
key M
steps 1
snapshot script/m03.txt
quit
EOF
run script/sim snapshot "${small[@]}" --script script/sim.script --record script/sim.cast --out script/sim-final.txt
cat > script/default.script <<'EOF'
steps 2
snapshot script/d00.txt
key b
key l
steps 1
snapshot script/d01.txt
quit
EOF
run script/default snapshot --script script/default.script --record script/default.cast --out script/default-final.txt

# 5. MiniLM, when its weights are present (scripts/fetch-minilm.sh).
if [[ -f "$REPO/.cache/minilm/model.safetensors" ]]; then
    run minilm/frame snapshot --model "$REPO/.cache/minilm" --text "The cat sat on the mat." --out minilm/frame.txt
    run minilm/frame-ansi snapshot --model "$REPO/.cache/minilm" --text "Heat flows from hot to cold." --format ansi \
        --out minilm/frame.ansi
    run minilm/cut snapshot --model "$REPO/.cache/minilm" --text "A short one." --residual-off-layer 3 --out minilm/cut.txt
    run minilm/inspect inspect --model "$REPO/.cache/minilm" --text "The cat sat on the mat."
fi

# 6. Help text and errors of every subcommand.
for sub in "" explore train snapshot bench inspect reproduce dataset lessons; do
    run help/${sub:-top} $sub --help
done
run help/bad-norm snapshot --norm sideways
run help/bad-size snapshot --size 10x10

find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS
echo "identity-corpus: $n commands, $(wc -l < SHA256SUMS) files in $OUT"
