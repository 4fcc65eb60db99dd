#!/usr/bin/env bash
# Install graph-agent into a project-local virtual environment .venv (idempotent).
# Usage: bash scripts/install.sh [EXTRAS]   e.g. `bash scripts/install.sh test`
# torch==2.13.0 goes in first: it resolves to the machine's local CPU build, whereas letting another package
# pull torch in would fetch a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python=$(command -v python3.11 || command -v python3)
if [ ! -x .venv/bin/python ]; then
  echo "creating .venv with $python"
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet "torch==2.13.0"
target="."
[ -n "$extras" ] && target=".[$extras]"
.venv/bin/python -m pip install --quiet -e "$target"
