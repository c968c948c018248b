# SPDX-License-Identifier: ISC
# Convenience wrapper around scripts/install-deps and meson.
#   make        install missing packages, build
#   make demo   build and run the demo (LIVE=1: the same band live on the null clock)
#   make check  build (normal, ASan+UBSan, RealtimeSanitizer) and run every test
#   make bench  run the benchmarks (JSON on stdout)
#   make peers  gainstage's LV2 plugins beside the installed peers; rewrites the table in docs/performance.md

BUILD ?= build
MESON_OPTS ?= -Dwerror=true

.PHONY: all deps build demo check bench peers install clean

all: build

deps:
	@./scripts/install-deps

build: deps
	@[ -f $(BUILD)/build.ninja ] || meson setup $(BUILD) $(MESON_OPTS) >/dev/null
	@ninja -C $(BUILD)

demo: build
	@./scripts/demo $(BUILD) $(if $(LIVE),--live)

check: deps
	@./scripts/check

bench: build
	@$(BUILD)/bench/bench_models
	@$(BUILD)/bench/bench_engine
	@$(BUILD)/bench/bench_noise
	@$(BUILD)/bench/bench_backend
	@$(BUILD)/bench/bench_recorder

peers: build
	@./bench/peers --build $(BUILD) --write-docs

install: build
	@meson install -C $(BUILD)

clean:
	rm -rf build build-san build-rt demo-out
