#!/usr/bin/env bash
# Every gate, in the order a failure is cheapest to find. Run from the repo root
# after installing with `.venv/bin/pip install -e '.[dev]'`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"

echo "== ruff"
ruff check .
ruff format --check .

echo "== mypy --strict"
mypy --strict equinox tests typecheck/pass typecheck/reveal examples benchmarks

echo "== pyright (strict, equinox/)"
pyright

echo "== pyright --verifytypes"
pyright --verifytypes equinox --ignoreexternal

echo "== pytest"
python -m pytest
