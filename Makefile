# The two commands of the README: `make run` and `make test`.
.PHONY: run test setup setup-test bench

run:
	@scripts/setup.sh
	@echo "Preparing the answers (the first time after a change takes about a minute)..."
	@.venv/bin/laminectomy-assistant kb train || true
	@.venv/bin/laminectomy-assistant

test:
	@scripts/setup.sh --test
	.venv/bin/ruff check assistant tests bench
	.venv/bin/mypy assistant bench
	.venv/bin/laminectomy-assistant kb check
	.venv/bin/pytest -q

bench:
	@scripts/setup.sh --test
	.venv/bin/python bench/run.py
	.venv/bin/python bench/generalise.py
	.venv/bin/python bench/signs.py
	.venv/bin/python bench/speech.py
	.venv/bin/python bench/startup.py
	.venv/bin/python bench/listen.py
