#!/usr/bin/env bash
# Install graph-agent with its test extras into .venv, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test
.venv/bin/ruff check .
exec .venv/bin/python -m pytest -q "$@"
