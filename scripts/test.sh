#!/usr/bin/env bash
# Every test: unit and golden tests (release build: the numeric tests are 10-100x slower in debug),
# then the real-terminal test under tmux.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product pdet-tui
swift test -c release
if [ -x scripts/tmux-test.sh ]; then bash scripts/tmux-test.sh; fi
