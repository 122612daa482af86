#!/usr/bin/env bash
# The install as a user gets it: scripts/install.sh into a temporary PREFIX (what `make install` runs
# after building; called directly so that the test uses the binary test.sh built instead of rebuilding
# it without -enable-testing, which costs minutes), then the installed binary run
# from an unrelated folder, found on the PATH (so argv[0] is a bare "pdet-tui"): the shipped checkpoint,
# the digits data and the lessons come from PREFIX/share/pdet-tui/assets; the pretrained MiniLM folder
# from scripts/fetch-minilm.sh when it is there (no network is used here). The man page renders with
# `man -l` without warnings, the bash completion loads (`complete -p pdet-tui`), zsh/fish ones parse
# when those shells exist. `make uninstall` leaves no file behind. Needs the release build (test.sh
# makes it first); the whole test is limited to 10 minutes.
set -uo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"

if [ -z "${INSTALL_TEST_UNDER_TIMEOUT:-}" ]; then
    INSTALL_TEST_UNDER_TIMEOUT=1 exec timeout -k 5 600 bash "$0" "$@"
fi
TMP="$(mktemp -d "${TMPDIR:-/tmp}/pdet-install-test.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
PREFIX="$TMP/prefix with space"
ELSEWHERE="$TMP/elsewhere"
mkdir -p "$ELSEWHERE"

fail() { echo "FAIL: $1" >&2; exit 1; }
step() { echo "· $1"; }

step "install into a temporary PREFIX (with a space in it)"
grep -q 'scripts/install.sh install "$(PREFIX)"' Makefile || fail "make install does not run scripts/install.sh"
bash scripts/install.sh install "$PREFIX" >"$TMP/install.log" 2>&1 || { cat "$TMP/install.log" >&2; fail "install failed"; }
for f in bin/pdet-tui share/man/man1/pdet-tui.1 share/bash-completion/completions/pdet-tui share/zsh/site-functions/_pdet-tui \
         share/fish/vendor_completions.d/pdet-tui.fish share/pdet-tui/assets/checkpoints/default.safetensors \
         share/pdet-tui/assets/data/digits.csv.gz share/pdet-tui/assets/lessons/00-tour.lesson share/pdet-tui/installed-files; do
    [ -s "$PREFIX/$f" ] || fail "$f was not installed"
done
[ -x "$PREFIX/bin/pdet-tui" ] || fail "bin/pdet-tui is not executable"

# The installed binary, from another folder, with nothing pointing at the source tree.
run() { (cd "$ELSEWHERE" && env -u PDET_ASSETS -u NO_COLOR -u PDET_THEME PATH="$PREFIX/bin:$PATH" "$@"); }

step "pdet-tui --version / --help from the PATH"
[ "$(run pdet-tui --version)" = "0.1.0" ] || fail "--version"
# (outputs are captured before grep -q reads them: grep stops at the first match, and under pipefail
# the writer's broken pipe would fail the pipeline)
help="$(run pdet-tui --help)" || fail "--help failed"
grep -q -- "--theme" <<<"$help" || fail "--help lacks --theme"

step "snapshot: the shipped checkpoint from share/pdet-tui/assets"
out="$(run pdet-tui snapshot --size 240x30)" || fail "snapshot failed"
grep -q "step 1000" <<<"$out" || fail "the default checkpoint was not opened: $(echo "$out" | head -3)"
grep -qF "opened the default checkpoint $PREFIX/share/pdet-tui/assets/checkpoints/default.safetensors" \
    <<<"$out" || fail "status line does not name the installed checkpoint"

step "snapshot --task digits: the data from share/pdet-tui/assets"
run pdet-tui snapshot --task digits --layers 1 --d-model 16 --heads 2 --d-ff 16 --batch 4 --size 80x24 --format svg --out frame.svg \
    || fail "digits snapshot failed"
python3 -c "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])" "$ELSEWHERE/frame.svg" || fail "frame.svg is not XML"

step "lessons: listed and playable headless"
lessons="$(run pdet-tui lessons)" || fail "pdet-tui lessons failed"
grep -q "^0  " <<<"$lessons" || fail "pdet-tui lessons lists nothing"
beat="$(run pdet-tui snapshot --lesson 1 --beat 1 --size 80x24)" || fail "snapshot --lesson 1 failed"
grep -q "# lesson 1 beat 1/" <<<"$beat" || fail "lesson 1 did not render"

step "--model: the pretrained MiniLM (when scripts/fetch-minilm.sh has fetched it)"
if [ -f "$REPO/.cache/minilm/config.json" ]; then
    frame="$(run pdet-tui snapshot --model "$REPO/.cache/minilm" --size 100x30)" || fail "snapshot --model failed"
    grep -q "MiniLM" <<<"$frame" || fail "--model did not open MiniLM"
else
    echo "  (skipped: .cache/minilm not fetched; scripts/fetch-minilm.sh needs the network)"
fi
err="$(run pdet-tui snapshot --model "$ELSEWHERE/no-such-model" 2>&1 >/dev/null)" && fail "a missing --model folder succeeded"
[ "$(grep -c '^Error:' <<<"$err")" = 1 ] || fail "a missing --model folder is not one error line: $err"

step "man -l renders the page (no warnings) and man finds it through MANPATH"
command -v man >/dev/null || fail "man is not installed (scripts/setup.sh installs man-db)"
page="$(MANWIDTH=100 man -l "$PREFIX/share/man/man1/pdet-tui.1" 2>"$TMP/man.err")" || fail "man -l failed"
[ ! -s "$TMP/man.err" ] || fail "man -l warned: $(head -3 "$TMP/man.err")"
for word in NAME SYNOPSIS snapshot --theme --no-mouse lessons; do
    grep -qF -- "$word" <<<"$page" || fail "the man page lacks '$word'"
done
# The help texts' symbols come out transliterated, not dropped (install.sh's man_ascii): the page is
# ASCII and --init-gain's help reads "0.02 x gain", --sim-diffusion's "D >= 0 of D.Deltax".
if LC_ALL=C grep -q '[^ -~]' <(tr -d '\n\t' <"$PREFIX/share/man/man1/pdet-tui.1"); then
    fail "the man page source has non-ASCII characters: $(LC_ALL=C grep -n '[^[:print:][:space:]]' "$PREFIX/share/man/man1/pdet-tui.1" | head -2)"
fi
flat="$(tr -s ' \n' '  ' <<<"$page")"
grep -qF "Normal(0, 0.02 x gain)" <<<"$flat" || fail "the man page lacks --init-gain's 'Normal(0, 0.02 x gain)'"
grep -qF "D >= 0 of D.Deltax" <<<"$flat" || fail "the man page lacks --sim-diffusion's 'D >= 0 of D.Deltax'"
viaPath="$(MANPATH="$PREFIX/share/man" MANWIDTH=100 man pdet-tui 2>/dev/null)" || fail "man pdet-tui (MANPATH) failed"
grep -q "PDET-TUI(1)" <<<"$viaPath" || fail "man pdet-tui (MANPATH) shows another page"

step "completions: bash loads; zsh and fish parse when installed"
spec="$(bash -c 'source "$1" && complete -p pdet-tui' _ "$PREFIX/share/bash-completion/completions/pdet-tui" 2>&1)" \
    || fail "the bash completion does not load: $spec"
grep -q "pdet-tui$" <<<"$spec" || fail "complete -p says: $spec"
if command -v zsh >/dev/null; then zsh -n "$PREFIX/share/zsh/site-functions/_pdet-tui" || fail "zsh completion"; else echo "  (zsh not installed)"; fi
if command -v fish >/dev/null; then fish -n "$PREFIX/share/fish/vendor_completions.d/pdet-tui.fish" || fail "fish completion"; else echo "  (fish not installed)"; fi

step "make uninstall removes exactly those files"
echo "keep me" >"$PREFIX/bin/other-tool"
make -s uninstall PREFIX="$PREFIX" >"$TMP/uninstall.log" 2>&1 || { cat "$TMP/uninstall.log" >&2; fail "make uninstall failed"; }
left="$(cd "$PREFIX" && find . -type f | sort)"
[ "$left" = "./bin/other-tool" ] || fail "after uninstall: $left"
[ ! -e "$PREFIX/share/pdet-tui" ] || fail "share/pdet-tui is still there"
make -s uninstall PREFIX="$PREFIX" >/dev/null 2>&1 || fail "a second uninstall failed"
echo "install-test: ok"
