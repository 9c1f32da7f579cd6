# kubewire: the blog, its infrastructure, and the checker that proves the wiring.
# `make check` and `make test` work on a fresh Debian machine with nothing typed first.

SWIFT       ?= swift
SCRATCH     ?= .build
CONFIG      ?= debug
SWIFT_FLAGS ?= --scratch-path $(SCRATCH) -c $(CONFIG)
BIN         := $(SCRATCH)/$(CONFIG)
APT_GET     := DEBIAN_FRONTEND=noninteractive apt-get
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps deps-browser deps-bench build check test bench up smoke format clean schemas

all: build

# Debian packages the project needs: libyaml (the checker's parser), SQLite
# (the blog's storage), nginx (the local ingress). Installed only when missing.
deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	pkg-config --exists yaml-0.1 2>/dev/null || missing="$$missing libyaml-dev"; \
	pkg-config --exists sqlite3 2>/dev/null || missing="$$missing libsqlite3-dev"; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) $(APT_GET) update -qq && $(SUDO) $(APT_GET) install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# Headless Chromium and its WebDriver for the browser end-to-end test.
deps-browser:
	@{ command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } || { \
	  echo "make deps-browser: installing chromium and chromium-driver"; \
	  $(SUDO) $(APT_GET) update -qq && \
	  $(SUDO) $(APT_GET) install -y -qq --no-install-recommends chromium chromium-driver fonts-dejavu-core >/dev/null; }

# wrk drives the HTTP load benchmark; kubernetes-validate (PyPI, in a
# virtualenv) is the schema validator wire-bench compares kubewire with.
BENCH_VENV ?= $(SCRATCH)/bench-venv
deps-bench:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "make deps-bench: installing wrk"; \
	  $(SUDO) $(APT_GET) update -qq && $(SUDO) $(APT_GET) install -y -qq --no-install-recommends wrk >/dev/null; }
	@[ -x $(BENCH_VENV)/bin/kubernetes-validate ] || { \
	  echo "make deps-bench: installing kubernetes-validate into $(BENCH_VENV)"; \
	  { python3 -m venv $(BENCH_VENV) 2>/dev/null || { $(SUDO) $(APT_GET) install -y -qq --no-install-recommends python3-venv >/dev/null && python3 -m venv $(BENCH_VENV); }; } && \
	  $(BENCH_VENV)/bin/pip install -q kubernetes-validate; }

build: deps
	$(SWIFT) build $(SWIFT_FLAGS)

# The main job: prove the wiring of infra/ (manifests and skaffold.yaml).
check: deps
	$(SWIFT) build $(SWIFT_FLAGS) --product kubewire
	$(BIN)/kubewire check infra/ skaffold.yaml

test: deps deps-browser
	$(SWIFT) build $(SWIFT_FLAGS) --build-tests
	$(BIN)/kubewire check infra/ skaffold.yaml
	KUBEWIRE_BIN_DIR=$(abspath $(BIN)) KUBEWIRE_ROOT=$(CURDIR) \
	  $(SWIFT) test $(SWIFT_FLAGS) --skip-build --no-parallel

# Release binaries linked as the images ship them (static Swift runtime).
bench: deps deps-bench
	$(SWIFT) build --scratch-path $(SCRATCH) -c release --static-swift-stdlib
	$(SCRATCH)/release/wire-bench
	$(SCRATCH)/release/blog-bench --bin-dir $(SCRATCH)/release

up: deps
	$(SWIFT) build $(SWIFT_FLAGS)
	$(BIN)/kubewire up infra/ skaffold.yaml --bin-dir $(BIN)

# Probe a real cluster after a deploy: make smoke URL=http://posts.com
smoke:
	@[ -n "$(URL)" ] || { echo "usage: make smoke URL=http://posts.com"; exit 2; }
	$(SWIFT) build $(SWIFT_FLAGS) --product kubewire
	$(BIN)/kubewire probe infra/ --base-url $(URL) --blog-flow

# Regenerate the embedded Kubernetes API (one definitions.json per release,
# v1.25 … v1.37) into the committed C source KubeSchema reads.
SCHEMAS ?= ../shared/k8s-schemas
schemas:
	$(SWIFT) build --scratch-path $(SCRATCH) --product kube-schema-gen
	$(SCRATCH)/debug/kube-schema-gen $(SCHEMAS) Sources/Checker/CKubeSchemaData/kube_api_schema.c

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests bench

clean:
	rm -rf $(SCRATCH)
