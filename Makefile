# clipper: `make install`, then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
EPISODE ?= examples/_podcast/s12e09-staff-ai-engineer.md
OUT ?= output

.PHONY: install test notes chapters check bench golden clean

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'

test:
	$(BIN)/pytest

notes:
	$(BIN)/clipper notes $(EPISODE) --out $(OUT)

chapters:
	$(BIN)/clipper chapters $(EPISODE)

check:
	$(BIN)/clipper check $(EPISODE)

bench:
	$(BIN)/python benchmarks/bench.py

golden:
	$(BIN)/python tests/update_golden.py

clean:
	rm -rf $(OUT)/*/ tests/.results
