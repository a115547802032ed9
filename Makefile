# Two commands do all set-up: `make docs` and `make test`.
# Both create .venv on first use and install derivkit into it; the browser test needs
# Debian's chromium, which they install (as root, with apt-get) when it is missing.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.derivkit-installed
SITE   := docs/_site
PORT   ?= 8000

.PHONY: docs test serve bench chromium clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,docs]'
	touch $(STAMP)

# The pages (verified), their figures, and the HTML site in docs/_site.
docs: $(STAMP)
	$(BIN)/derivkit docs --out docs

chromium:
	@command -v chromium >/dev/null || { \
	  echo "installing Debian's chromium for the browser test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: $(STAMP) chromium
	$(BIN)/python -m pytest

# Read the site at http://127.0.0.1:$(PORT)/ (search needs a server; the pages also open from disk).
serve:
	@test -f $(SITE)/index.html || { echo "no site in $(SITE): run 'make docs' first"; exit 2; }
	@echo "serving $(SITE) at http://127.0.0.1:$(PORT)/"
	$(PYTHON) -m http.server --bind 127.0.0.1 --directory $(SITE) $(PORT)

bench: $(STAMP)
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info $(SITE)
