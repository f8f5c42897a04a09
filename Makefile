# Both entry points create and use .venv/ in the repo root.
PY := .venv/bin/python
export HF_HUB_OFFLINE := 1

.PHONY: demo test model data-check clean-venv

.venv/.installed: pyproject.toml
	python3 -m venv .venv
	.venv/bin/pip install -q --upgrade pip
	.venv/bin/pip install -q -e ".[test,ray]"
	touch $@

models/default/config.json: | .venv/.installed
	$(PY) train.py --config configs/default.yaml

models/stance/config.json: | .venv/.installed
	$(PY) train.py --config configs/stance.yaml

model: models/default/config.json models/stance/config.json

# The main job: train the framing and stance models if they are missing, then score the sample articles.
demo: .venv/.installed models/default/config.json models/stance/config.json
	rm -rf out/demo  # a fresh demo each time: score refuses to mix results of two different models in one folder
	.venv/bin/framing score data/articles --glob '*.txt' --model models/default --stance models/stance --out out/demo

# Unit tests, data check, end-to-end tests (real encoder).
test: .venv/.installed
	.venv/bin/framing data check data/
	$(PY) -m pytest -q tests

data-check: .venv/.installed
	.venv/bin/framing data check data/
