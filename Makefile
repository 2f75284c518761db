# The course's orchestrator. Everything it does is spelled out below; no hidden state.
#
#   make            install what is missing (as root) or say how, build in release, run
#                   every chapter, rewrite Figures/ and weave each chapter's page
#                   (Chapters/NN-slug/README.md: prose, code, output and figures in order)
#   make test       the test suite (closed forms, gradients, chapter runs)
#   make 01         one chapter by number (or: make chapter CH=01-bnn-definition)
#   make bench      the benchmarks, medians of several runs, release build; records them in
#                   Benchmarks/results.json and rewrites the README's table from them
#   make site       the course as a static website in Site/ (pages, figures, maths by
#                   KaTeX, code highlighted, the BayesianDL API reference by DocC)
#   make site-check load every page in headless Chromium: fail on an unrendered formula
#                   or a missing image; writes Site/screenshot.png
#   make clean      remove build products

SWIFT    ?= swift
FIGURES  ?= Figures
# The chapter list lives in Package.swift (one place); read it from there.
CHAPTERS := $(shell sed -n '/^let chapters = \[/,/^\]/p' Package.swift | grep -o '"[^"]*"' | tr -d '"')
NUMBERS  := $(foreach c,$(CHAPTERS),$(firstword $(subst -, ,$(c))))
RELEASE  := .build/release
PACKAGES := gnuplot-nox libopenblas-dev liblapacke-dev pkg-config wamerican

# OpenBLAS picks its matrix kernels by processor, and different kernels add in different
# orders: the last bits of a product differ, and a long training run turns that into
# different second digits. Pinning the Haswell kernels (AVX2 and FMA, on every x86-64
# processor since 2013) makes every such machine compute the committed numbers bit for
# bit. A value already set in the environment is kept.
ifeq ($(origin OPENBLAS_CORETYPE),undefined)
  ifneq ($(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo && echo yes),)
    export OPENBLAS_CORETYPE := Haswell
  endif
endif

.PHONY: all figures test bench clean deps build chapter site site-check site-deps $(NUMBERS)

all: figures

## System packages: installed when we are root, otherwise the exact command is printed.
deps:
	@command -v $(SWIFT) >/dev/null 2>&1 || { echo "error: Swift 6 is not on the PATH; install it from swift.org (Linux: the tarball for your distribution) and run make again."; exit 1; }
	@missing=""; \
	pkg-config --exists openblas 2>/dev/null || missing="$$missing libopenblas-dev"; \
	[ -f /usr/include/lapacke.h ] || missing="$$missing liblapacke-dev"; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	command -v gnuplot >/dev/null 2>&1 || missing="$$missing gnuplot-nox"; \
	[ -f /usr/share/dict/words ] || missing="$$missing wamerican"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "missing system packages:$$missing"; \
	    echo "install them with:  sudo apt-get install -y$$missing"; \
	    case "$$missing" in *libopenblas-dev*|*liblapacke-dev*|*pkg-config*|*wamerican*) exit 1;; esac; \
	    echo "(continuing without gnuplot: chapters write the .gp scripts but no .png)"; \
	  fi; \
	fi

build: deps
	$(SWIFT) build -c release

## Every chapter: `weave run` runs it, which writes its figures, and weaves its page from
## the source and that output. Two run at once (JOBS): no chapter keeps both cores busy all
## the way through, and the chapters are independent (each writes only its own files, and
## its results depend on its seed alone, never on timing). The longest start first, by
## their last recorded times (timings.json), so that the short ones fill in at the end;
## `make -O` shows each chapter's output as one block when it ends, with its time. (GNU
## make 3, e.g. macOS's, has no -O: there the chapters run one at a time.)
OLD_MAKE := $(filter 3.%,$(MAKE_VERSION))
JOBS ?= $(if $(OLD_MAKE),1,2)
OUTPUT_SYNC := $(if $(OLD_MAKE),,-O)
BY_TIME := $(shell for c in $(CHAPTERS); do \
  t=$$(sed -n 's/^ *"total": *\([0-9.]*\).*/\1/p' Chapters/$$c/timings.json 2>/dev/null); \
  echo "$${t:-0} $$c"; done | sort -k1,1 -rn | cut -d' ' -f2)

## Three recipe lines, the start time kept in a file between them: `make -n` runs a line
## that calls $(MAKE) (so that it can print the sub-make's commands), and the timing and the
## README must not run with it.
figures: build
	@date +%s.%N > $(RELEASE)/figures-start
	@$(MAKE) --no-print-directory -j $(JOBS) $(OUTPUT_SYNC) $(addprefix run-,$(BY_TIME))
	@wall=$$(awk -v s=$$(cat $(RELEASE)/figures-start) -v e=$$(date +%s.%N) 'BEGIN { printf "%.1f", e - s }'); \
	echo "=== all chapters: $$wall s ($(JOBS) at a time)"; \
	$(RELEASE)/weave run-times README.md --all $$wall

run-%:
	@start=$$(date +%s.%N); \
	echo "=== $*"; \
	$(RELEASE)/weave run $* --echo --figures $(FIGURES) || exit 1; \
	awk -v s=$$start -v e=$$(date +%s.%N) 'BEGIN { printf "    (%.1f s)\n", e - s }'

## Release with testing enabled: the suites run Monte Carlo checks and whole chapters.
test: deps
	$(SWIFT) test -c release

$(NUMBERS): build
	$(RELEASE)/weave run $(filter $@-%,$(CHAPTERS)) --echo --figures $(FIGURES)

chapter: build
	@[ -n "$(CH)" ] || { echo "usage: make chapter CH=<one of: $(CHAPTERS)>"; exit 1; }
	$(RELEASE)/weave run $(CH) --echo --figures $(FIGURES)

## Medians and spreads go to Benchmarks/results.json (timings, apart from the chapters'
## results), and the README's table is rewritten from them and Benchmarks/reference/*.json.
bench: build
	$(RELEASE)/benchmarks --record Benchmarks/results.json --readme README.md

clean:
	rm -rf .build $(SITE)

## The website. Its tools are Debian packages, installed when we are root.
SITE      ?= Site
# Where the API reference sits under the site's root (DocC needs it for its links).
DOCC_BASE ?= api
SITE_PACKAGES := cmark-gfm libjs-katex libjs-highlight.js

site-deps:
	@missing=""; \
	for p in $(SITE_PACKAGES) $(EXTRA_SITE_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else \
	    echo "missing packages for the site:$$missing"; \
	    echo "install them with:  sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

site: deps site-deps
	$(SWIFT) build -c release --product weave
	$(RELEASE)/weave site --output $(SITE)
	$(SWIFT) package --allow-writing-to-directory $(SITE)/api generate-documentation \
	  --target BayesianDL --disable-indexing --transform-for-static-hosting \
	  --hosting-base-path $(DOCC_BASE) --output-path $(SITE)/api
	@echo "the site is in $(SITE)/: open $(SITE)/index.html (the API reference needs a web server: python3 -m http.server -d $(SITE))"

site-check: EXTRA_SITE_PACKAGES = chromium
site-check: site
	$(RELEASE)/weave site-check --site $(SITE) --screenshot $(SITE)/screenshot.png
