# The two commands a newcomer needs: `make run` (the explorer) and `make test` (every test).
# Both install what is missing (libncurses-dev, zlib1g-dev, tmux) with apt-get first.
# `make install [PREFIX=/usr/local]` puts pdet-tui on the PATH with its assets, man page and shell
# completions; `make uninstall [PREFIX=...]` removes exactly those files (scripts/install.sh).
SWIFT ?= swift
ARGS ?=
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: run test setup build release bench clean install uninstall

setup:
	@bash scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --product pdet-tui

run: release
	$$($(SWIFT) build -c release --show-bin-path)/pdet-tui $(ARGS)

test: setup
	bash scripts/test.sh

bench: release
	bash bench/run.sh

install: release
	DESTDIR="$(DESTDIR)" bash scripts/install.sh install "$(PREFIX)"

uninstall:
	DESTDIR="$(DESTDIR)" bash scripts/install.sh uninstall "$(PREFIX)"

clean:
	rm -rf .build
