#!/usr/bin/env bash
# Every test: unit and golden tests (release build: the numeric tests are 10-100x slower in debug;
# -enable-testing so that @testable imports still work), then the real-terminal tests under tmux.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product pdet-tui
swift test -c release -Xswiftc -enable-testing
for t in scripts/tmux-*-test.sh; do
    [ -f "$t" ] && bash "$t"
done
