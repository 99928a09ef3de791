# phylane — top-level convenience targets.
#   make run    install missing packages, build (Release), run the default study (copper vs optics)
#   make test   the same build, then the whole test suite through ctest
#   make bench  build and run the Google Benchmark suite (tests/bench)
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test bench clean

all: build

deps:
	@./scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@./$(BUILD_DIR)/app/phylane study

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release -DPHYLANE_BENCHMARKS=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target phylane_bench
	@./$(BUILD_DIR)/tests/bench/phylane_bench

clean:
	@rm -rf $(BUILD_DIR)
