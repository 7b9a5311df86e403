# Mixwell: `make run` opens the app on a demo programme; `make test` runs every test.
# Both install whatever is missing first (Debian/Ubuntu packages through apt-get, npm
# packages, tauri-driver), so they work on a fresh machine that has Rust and Node.js.

SHELL := /bin/bash
.DEFAULT_GOAL := help

APT_PACKAGES := libwebkit2gtk-4.1-dev build-essential curl wget file libxdo-dev libssl-dev \
	libayatana-appindicator3-dev librsvg2-dev pkg-config xvfb xauth webkit2gtk-driver dbus-x11 \
	imagemagick poppler-utils unzip chromium gnome-keyring libsecret-tools
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CARGO_BIN := $(or $(CARGO_HOME),$(HOME)/.cargo)/bin
export PATH := $(CARGO_BIN):$(PATH)
TAURI := ../ui/node_modules/.bin/tauri
APP := target/debug/mixwell-app
NPM_STAMP := ui/node_modules/.installed
INTEROP_STAMP := tests/interop/node_modules/.installed

.PHONY: help run test deps deps-system deps-npm deps-driver ui app rust-test ui-test interop e2e bindings bench lint fuzz

help:
	@echo "make run    install what is missing, build, and open the app on the demo programme"
	@echo "make test   install what is missing and run every test (Rust, UI, end-to-end)"
	@echo "make bindings  regenerate ui/src/bindings.ts after changing a command"
	@echo "make bench  run the release benchmarks recorded in BENCHMARKS.md"
	@echo "make fuzz   a longer campaign of the generated-input tests (FUZZ_CASES=5000)"

deps: deps-system deps-npm

# Debian and Ubuntu only; other platforms: see the README's prerequisites.
deps-system:
	@if command -v dpkg-query >/dev/null; then \
	  missing=$$(for p in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	  if [ -n "$$missing" ]; then \
	    echo "Installing system packages:" $$missing; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	  fi; \
	fi

deps-npm: $(NPM_STAMP)

# `npm install`, not `npm ci`: the lock lists optional packages for other platforms.
$(NPM_STAMP): ui/package.json ui/package-lock.json
	cd ui && npm install --no-audit --no-fund
	touch $@

# Independent verifiers of certificates (Digital Bazaar's), for the interoperability test.
$(INTEROP_STAMP): tests/interop/package.json tests/interop/package-lock.json
	cd tests/interop && npm ci --no-audit --no-fund
	touch $@

deps-driver:
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --version '^2' --locked

ui: deps-npm
	cd ui && npm run build

# The UI is embedded only in a `tauri build`; a plain cargo build loads the dev server.
app: deps ui
	cd src-tauri && $(TAURI) build --debug --no-bundle

run: app
	cargo run -q -p mixwell-cli -- demo seed
	$(APP)

lint: deps
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# The hub's suite runs against SQLite and a throwaway PostgreSQL cluster.
rust-test: deps ui
	scripts/with-postgres.sh cargo test --workspace

ui-test: deps-npm
	cd ui && npm run check && npm test

# A certificate the real CLI exports, checked by another implementation with only the keys.
interop: deps $(INTEROP_STAMP)
	cargo build -q -p mixwell-cli
	cd tests/interop && npm test

# Build the embedded app last: `cargo test` rebuilds the shell without it.
e2e: deps deps-driver app
	cargo build -q -p mixwell-cli
	scripts/e2e.sh

test: lint rust-test ui-test interop e2e

bindings: ui
	UPDATE_BINDINGS=1 cargo test -q -p mixwell-app --test bindings

bench: deps ui
	scripts/bench.sh

# A longer campaign of the generated-input tests that `make test` runs briefly: damaged
# bundles both ways, malformed bodies for every hub endpoint, arbitrary roster files.
FUZZ_CASES ?= 5000
fuzz: deps
	MIXWELL_FUZZ_CASES=$(FUZZ_CASES) cargo test -q --release -p mixwell-hub --test fuzz
	PROPTEST_CASES=$(FUZZ_CASES) cargo test -q --release -p mixwell-roster --test properties
