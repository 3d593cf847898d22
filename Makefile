# epcfleet — the two commands of the quick start are `make run` and `make test`.
# Both install what is missing first (scripts/install-deps), so a fresh Debian 12 machine needs
# nothing else.

SHELL := /bin/bash
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
export CCACHE_DIR ?= $(HOME)/.cache/ccache
JOBS ?= $(shell nproc)
RUN_DIR ?= $(CURDIR)/.run

.PHONY: all deps build web run test test-unit test-e2e bench fuzz format lint clean

all: build

deps:
	@scripts/install-deps

# Release build (RelWithDebInfo): what `make run` and `make bench` use.
build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

web: deps
	@cd web && npm run build --silent

run: build web
	@scripts/run-dev "$(RUN_DIR)" build/release/apps/epcfleetd/epcfleetd

# Every test: C++ unit and integration tests under ASan+UBSan (one Debug build), then the
# dashboard's end-to-end test in headless Chromium against the same server binary.
test: deps
	@scripts/run-tests

bench: build
	@bench/run

fuzz: deps
	@scripts/run-fuzz 60

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

lint: deps
	@cmake --preset asan >/dev/null
	@git ls-files 'src/*.cpp' | xargs clang-tidy-19 -p build/asan --quiet

clean:
	@rm -rf build web/dist
