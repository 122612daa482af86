#!/usr/bin/env bash
# `make install` / `make uninstall` (docs/scripts.md):
#
#   bash scripts/install.sh install   PREFIX    the release binary, its assets, a man page and completions
#   bash scripts/install.sh uninstall PREFIX    removes exactly the files install put there
#
# Installs (DESTDIR, when set, is put in front of every path, for packagers):
#   PREFIX/bin/pdet-tui
#   PREFIX/share/pdet-tui/assets/...                      checkpoints, data, lessons (the binary finds them there)
#   PREFIX/share/man/man1/pdet-tui.1                      generated from the argument parser (swift-argument-parser's
#                                                         generate-manual plugin; offline once the package is resolved)
#   PREFIX/share/bash-completion/completions/pdet-tui     bash-completion's on-demand folder
#   PREFIX/share/zsh/site-functions/_pdet-tui             zsh's $fpath
#   PREFIX/share/fish/vendor_completions.d/pdet-tui.fish  fish's vendor folder
#   PREFIX/share/pdet-tui/installed-files                 the list of the above, read by uninstall
# The binary must have been built (`make install` builds it first).
set -euo pipefail
cd "$(dirname "$0")/.."

action="${1:-}"
prefix="${2:-/usr/local}"
case "$action" in install|uninstall) ;; *) echo "usage: $0 install|uninstall PREFIX" >&2; exit 64 ;; esac
case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
root="${DESTDIR:-}$prefix"
manifest="share/pdet-tui/installed-files"

# The files install puts under PREFIX, relative to it (sorted: the same list every time).
planned_files() {
    echo "bin/pdet-tui"
    echo "share/man/man1/pdet-tui.1"
    echo "share/bash-completion/completions/pdet-tui"
    echo "share/zsh/site-functions/_pdet-tui"
    echo "share/fish/vendor_completions.d/pdet-tui.fish"
    (cd assets && find . -type f ! -name '.*' | sed 's|^\./||' | LC_ALL=C sort) | sed 's|^|share/pdet-tui/assets/|'
    echo "$manifest"
}

if [ "$action" = uninstall ]; then
    if [ -f "$root/$manifest" ]; then list="$(cat "$root/$manifest")"; else list="$(planned_files)"; fi
    removed=0
    while IFS= read -r rel; do
        case "$rel" in ''|/*|*..*) continue ;; esac      # only plain paths under PREFIX
        if [ -f "$root/$rel" ] || [ -L "$root/$rel" ]; then rm -f "$root/$rel"; removed=$((removed + 1)); fi
    done <<<"$list"
    # Our own folder goes when it is empty; shared ones (bin, share/man, the completion folders) stay.
    if [ -d "$root/share/pdet-tui" ]; then
        find "$root/share/pdet-tui" -depth -type d -empty -delete 2>/dev/null || true
    fi
    echo "uninstall: removed $removed files from $root"
    exit 0
fi

bin="$(swift build -c release --show-bin-path)/pdet-tui"
[ -x "$bin" ] || { echo "install: $bin is not built (run: make release)" >&2; exit 1; }
work="$(mktemp -d "${TMPDIR:-/tmp}/pdet-install.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# The help texts' symbols spelled in ASCII for the man page. swift-argument-parser's generator drops
# every non-ASCII character of the help it reads ("Normal(0, 0.02  gain)" for "0.02 × gain", "D  0 of
# Dx" for "D ≥ 0 of D·Δx"), so it reads the help through this first; any other non-ASCII character
# becomes "?", so nothing vanishes silently (install-test checks the page). The spellings put no quote
# or backslash into the JSON the generator reads.
man_ascii() {
    LC_ALL=C sed -e 's/×/x/g; s/≥/>=/g; s/≤/<=/g; s/←/<-/g; s/→/->/g; s/↑/^/g; s/↓/v/g; s/↔/<->/g' \
        -e 's/Δ/Delta/g; s/·/./g; s/α/alpha/g; s/κ/kappa/g; s/ρ/rho/g; s/σ/sigma/g; s/Σ/sum /g; s/λ/lambda/g' \
        -e 's/…/.../g; s/−/-/g; s/–/-/g; s/—/--/g; s/≈/~/g; s/≠/!=/g; s/±/+-/g; s/²/^2/g; s/√/sqrt/g' \
        -e 's/⌊/floor(/g; s/⌋/)/g; s/‖/|/g; s/ᵀ/^T/g; s/“/'"'"'/g; s/”/'"'"'/g; s/‘/'"'"'/g; s/’/'"'"'/g' \
        -e 's/▀/upper half block/g; s/█/full block/g; s/░/light shade/g; s/┌/+/g; s/┐/+/g; s/└/+/g; s/┘/+/g; s/─/-/g; s/│/|/g' \
        -e 's/[\x80-\xff][\x80-\xff]*/?/g'
}

# The man page: swift-argument-parser's generator, dated by the last commit so the same sources give
# the same page. Empty lines inside the discussion become paragraph breaks (mdoc warns about them).
date="$(git log -1 --format=%cs 2>/dev/null || true)"
[ -n "$date" ] || date="$(date -u +%Y-%m-%d)"
# The generator is run directly on a stand-in for our binary (named pdet-tui, as the page is) whose
# help comes out through man_ascii. It is the plugin's tool when the plugin ran before, else the
# generate-manual product built once in debug (about 2 minutes, offline once the package is resolved):
# the plugin itself would rebuild the package in release mode, minutes when the last build used other
# flags, and give the generator the help with its symbols.
find_tool() {
    find .build \( -path '*/debug/generate-manual-tool' -o -path '*/debug/generate-manual' \) -type f -perm -u+x 2>/dev/null | head -n 1
}
tool="$(find_tool)"
if [ -z "$tool" ] && swift build --product generate-manual >"$work/manual.log" 2>&1; then tool="$(find_tool)"; fi
mkdir -p "$work/ascii"
{
    echo '#!/usr/bin/env bash'
    echo 'set -o pipefail'
    declare -f man_ascii
    printf '%q "$@" | man_ascii\n' "$bin"
} >"$work/ascii/pdet-tui"
chmod +x "$work/ascii/pdet-tui"
generated=""
if [ -n "$tool" ] && "$tool" "$work/ascii/pdet-tui" --date "$date" --output-directory "$work" >"$work/manual.log" 2>&1; then
    generated="$work/pdet-tui.1.generated"
    mv "$work/pdet-tui.1" "$generated"
elif swift package generate-manual --date "$date" >"$work/manual.log" 2>&1; then
    echo "install: the man page comes from the generate-manual plugin, which drops the help's non-ASCII symbols" >&2
    generated=.build/plugins/GenerateManual/outputs/pdet-tui/pdet-tui.1
fi
if [ -n "$generated" ] && [ -f "$generated" ]; then
    sed 's/^$/.Pp/' "$generated" | man_ascii >"$work/pdet-tui.1"
else
    # Fallback (no plugin): the --help text as a preformatted page.
    echo "install: generate-manual failed (see below); writing the page from --help instead" >&2
    sed 's/^/  /' "$work/manual.log" >&2
    {
        echo ".TH PDET-TUI 1 \"$date\" \"pdet-tui $("$bin" --version)\" \"User Commands\""
        echo ".SH NAME"
        echo "pdet-tui \\- a terminal explorer that takes a small Transformer apart while it runs"
        echo ".SH DESCRIPTION"
        echo ".nf"
        "$bin" --help | sed 's/\\/\\\\/g; s/^\./\\\&./' | man_ascii
        echo ".fi"
    } >"$work/pdet-tui.1"
fi
for shell in bash zsh fish; do "$bin" --generate-completion-script "$shell" >"$work/completion.$shell"; done

put() {   # put SOURCE REL MODE
    install -D -m "$3" "$1" "$root/$2"
}
put "$bin" bin/pdet-tui 755
put "$work/pdet-tui.1" share/man/man1/pdet-tui.1 644
put "$work/completion.bash" share/bash-completion/completions/pdet-tui 644
put "$work/completion.zsh" share/zsh/site-functions/_pdet-tui 644
put "$work/completion.fish" share/fish/vendor_completions.d/pdet-tui.fish 644
count=5
while IFS= read -r rel; do
    case "$rel" in share/pdet-tui/assets/*) put "assets/${rel#share/pdet-tui/assets/}" "$rel" 644; count=$((count + 1)) ;; esac
done < <(planned_files)
planned_files >"$work/manifest"
put "$work/manifest" "$manifest" 644
echo "install: $((count + 1)) files under $root (pdet-tui in $root/bin; \`make uninstall PREFIX=$prefix\` removes them)"
