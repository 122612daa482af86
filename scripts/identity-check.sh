#!/usr/bin/env bash
# Compares every output of two pdet-tui binaries byte for byte (scripts/identity-corpus.sh):
#
#   scripts/identity-check.sh BEFORE_BIN AFTER_BIN [WORKDIR]
#
# Prints the files that differ (none: exit 0) and the counts, per kind.
set -euo pipefail
BEFORE=${1:?usage: identity-check.sh BEFORE_BIN AFTER_BIN [WORKDIR]}
AFTER=${2:?usage: identity-check.sh BEFORE_BIN AFTER_BIN [WORKDIR]}
WORK=${3:-$(mktemp -d)}
HERE=$(dirname "$0")
bash "$HERE/identity-corpus.sh" "$BEFORE" "$WORK/before"
bash "$HERE/identity-corpus.sh" "$AFTER" "$WORK/after"
if diff "$WORK/before/SHA256SUMS" "$WORK/after/SHA256SUMS" > "$WORK/diff.txt"; then
    echo "identity-check: all $(wc -l < "$WORK/before/SHA256SUMS") files byte-identical"
    for kind in snap sim lesson script minilm help; do
        echo "  $kind: $(grep -c " ./$kind/" "$WORK/before/SHA256SUMS") files"
    done
else
    echo "identity-check: these differ (before < > after):"
    cat "$WORK/diff.txt"
    exit 1
fi
