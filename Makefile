# clipper: `make install`, then `make test`. Works from any folder: `make -f path/to/clipper/Makefile notes EPISODE=my-episode`.
ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
PYTHON ?= python3
VENV := $(ROOT)/.venv
BIN := $(VENV)/bin
EPISODE ?= $(ROOT)/examples/_podcast/s12e09-staff-ai-engineer.md
# From inside a site's _podcast/ (or _people/), outputs go to the site's output/, not into _podcast/output/.
OUT ?= $(if $(filter _podcast _people,$(notdir $(CURDIR))),../output,output)
# A path; a slug in _podcast/ of the current folder (your site); else a slug of a bundled example (EPISODE=crisp-dm).
EPISODE_FILE = $(firstword $(wildcard $(EPISODE) $(foreach dir,_podcast $(ROOT)/examples/_podcast $(ROOT)/tests/data/_podcast,$(dir)/$(EPISODE).md $(dir)/$(EPISODE).md.md)) $(EPISODE))

.PHONY: install test notes chapters check validate bench golden clean

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '$(ROOT)[test]'

test:
	cd $(ROOT) && $(BIN)/pytest

notes:
	@$(if $(filter file,$(origin EPISODE)),echo "make notes: no EPISODE given: the bundled sample episode ($(notdir $(EPISODE_FILE))) goes into $(OUT)/; name yours with EPISODE=<slug or file>" >&2)
	$(BIN)/clipper notes $(EPISODE_FILE) --out $(OUT)

chapters:
	$(BIN)/clipper chapters $(EPISODE_FILE)

check:
	cd $(ROOT) && $(BIN)/ruff check clipper tests benchmarks

validate:
	$(BIN)/clipper check $(EPISODE_FILE)

bench:
	cd $(ROOT) && $(BIN)/python benchmarks/bench.py

golden:
	cd $(ROOT) && $(BIN)/python tests/update_golden.py

clean:
	rm -rf $(OUT)/*/ $(ROOT)/tests/.results
