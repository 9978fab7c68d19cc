# Two commands do all the set-up on a fresh machine (see README.md):
#   make sim    replay the bundled track with the emulated OLED in this terminal
#   make test   install what the tests need (Debian's gpsd included) and run them
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: sim test system-deps bench clean fuzz

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[sim,test]'
	rm -f $(VENV)/.installed-* && touch $@

sim: $(STAMP)
	$(VENV)/bin/pacer sim

system-deps:
	scripts/install-system-deps

test: system-deps $(STAMP)
	$(PY) -m pytest

# The property suite (tests/property) with many more examples: before a release (about 10 min).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/property -q

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache bench/out
