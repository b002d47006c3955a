# courtwatch — the two commands a newcomer runs: `make demo` and `make test`.
SWIFT ?= swift
BIN := .build/debug/courtwatch
DEB_PACKAGES := libcurl4-openssl-dev libsqlite3-dev libssl-dev pkg-config

.PHONY: all deps build demo test embed-demo check-examples clean

all: build

# Installs the Debian -dev packages the C doors need; as root it runs apt-get, otherwise it prints the line.
deps:
	@missing=""; \
	for pkg in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "courtwatch needs these Debian packages:$$missing" >&2; \
	    echo "run:  sudo apt-get update && sudo apt-get install -y$$missing" >&2; \
	    exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build

demo: build
	$(BIN) demo --state .demo-state

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test

# Regenerates the demo configuration compiled into the binary after Probes/demo changes.
embed-demo:
	python3 scripts/embed-demo.py

check-examples: build
	$(BIN) check-config --config Probes/demo
	$(BIN) check-config --config Probes/examples/leicester

clean:
	rm -rf .build .demo-state
