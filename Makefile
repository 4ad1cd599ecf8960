# graviton-blog: the two commands a user needs are `make local` and `make test`.
# Both do all their set-up first (apt packages, the Python venv, the Docker base image).

SHELL := /bin/bash
VENV := venv
PY := $(VENV)/bin/python
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
# Debian packages: the local base image (debootstrap), arm64 binaries under
# emulation (qemu-user-static, with libc6-arm64-cross and libgcc-s1-arm64-cross
# for the loader, libc and libgcc_s they link against),
# and gcc for the glibc-check fixtures.
APT_PACKAGES := debootstrap qemu-user-static libc6-arm64-cross libgcc-s1-arm64-cross gcc curl
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: setup apt-packages base-image local test test-fast test-rust test-docker test-e2e lint bench clean

setup: apt-packages $(VENV)/.installed base-image

apt-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  $(SUDO) apt-get update -q && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

base-image:
	@bash scripts/ensure-base-image.sh

# The whole system offline: arm64 artifacts, local DynamoDB, function URLs. Ctrl-C stops it.
local: setup
	$(PY) -m local_stack $(ARGS)

# Every tier. CI runs exactly this.
test: setup lint test-rust
	$(PY) -m pytest

# Seconds: the Pulumi program under mocks, config, policies, artifact checks.
test-fast: $(VENV)/.installed
	$(PY) -m pytest -m "not docker and not e2e"

# Rust unit tests and the handler against moto.
test-rust: $(VENV)/.installed
	cd rust && cargo test --locked

lint:
	cd rust && cargo fmt --check && cargo clippy --locked --all-targets -- -D warnings

test-docker: setup
	$(PY) -m pytest -m docker

test-e2e: setup
	$(PY) -m pytest -m e2e

bench: setup
	$(PY) -m bench $(ARGS)

clean:
	rm -rf build rust/target
