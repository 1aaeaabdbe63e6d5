# Everyday commands. Each one creates or updates .venv by itself on a fresh machine.
export NO_MKDOCS_2_WARNING := 1
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# torch must be the CPU build: take a local CPU wheel when pip's find-links has one,
# otherwise PyTorch's CPU index (never the default CUDA build, several GB).
TORCH_SPEC := torch>=2.4,<2.14
TORCH_CPU_INDEX := https://download.pytorch.org/whl/cpu

.PHONY: serve build test check verify card prepare lint bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -c "import torch" 2>/dev/null \
	  || $(PY) -m pip install -q --no-deps --no-index "$(TORCH_SPEC)" 2>/dev/null \
	  || $(PY) -m pip install -q "$(TORCH_SPEC)" --index-url $(TORCH_CPU_INDEX)
	set -o pipefail; $(PY) -m pip install -q -e ".[test]" 2>&1 \
	  | { grep -v "is ignored: it is neither" || true; }
	@$(PY) -c "import torch, mkdocs, material, pytest; assert torch.version.cuda is None, 'CUDA torch'"
	@touch $(STAMP)

serve: $(STAMP)           ## run what needs running, serve at http://127.0.0.1:8000
	$(PY) -m scripts.build serve

build: $(STAMP)           ## static site into site/
	$(PY) -m scripts.build build

# Browser tests use Debian's chromium (never a downloaded browser) and CJK fonts.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null

test: $(STAMP) $(CHROMIUM) ## the whole test suite (what .ci/run calls)
	$(PY) -m pytest -q

check: $(STAMP)           ## run snippets if needed and validate every page
	$(PY) -m scripts.build check

verify: $(STAMP)          ## run every snippet again without the cache; list results that differ
	$(PY) -m scripts.build verify

card: $(STAMP)            ## new card: make card NAME=group-norm TOPIC=normalization
	$(PY) -m scripts.scaffold --name "$(NAME)" --topic "$(TOPIC)"

prepare: $(STAMP)         ## only run the snippets the cache lacks
	$(PY) -m scripts.build prepare

bench: $(STAMP)           ## cold build vs the naive way and the limit, warm vs bare mkdocs, serve edits
	$(PY) -m scripts.bench

lint: $(STAMP)
	$(PY) -m ruff check scripts snippets tests

clean:
	rm -rf site .cache
