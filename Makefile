# Two commands do all set-up: `make docs` and `make test`.
# Both create .venv on first use and install derivkit into it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.derivkit-installed

.PHONY: docs test bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

docs: $(STAMP)
	$(BIN)/derivkit docs --out docs

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info
