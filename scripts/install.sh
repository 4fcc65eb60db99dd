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
# This machine's pip config lists local index folders that do not all exist; hide pip's warnings about them.
pip_install() {
  .venv/bin/python -m pip install --quiet "$@" 2> >(grep -v "it is neither a file nor a directory" >&2)
}
pip_install --upgrade pip
pip_install "torch==2.13.0"
target="."
[ -n "$extras" ] && target=".[$extras]"
pip_install -e "$target"
echo "installed graph-agent into .venv"
