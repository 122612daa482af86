# The two commands a newcomer needs: `make run` (the explorer) and `make test` (every test).
# Both install what is missing (libncurses-dev, zlib1g-dev, tmux) with apt-get first.
SWIFT ?= swift
ARGS ?=

.PHONY: run test setup build release bench clean

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

clean:
	rm -rf .build
