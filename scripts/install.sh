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
# llama-cpp-python compiles llama.cpp for the CPU it is built on (-march=native). Some virtual machines advertise
# Intel AMX but trap its instructions, and llama.cpp then dies with "Illegal instruction" on its first matrix
# product, so AMX is left out of the build (the AVX-512 and AVX2 paths stay). --no-cache-dir: a wheel cached from
# a build without these flags would otherwise be reused. Set GRAPH_AGENT_LLAMA_REBUILD=1 to rebuild an existing one.
if [ -n "${GRAPH_AGENT_LLAMA_REBUILD:-}" ] || ! .venv/bin/python -c "import llama_cpp" 2>/dev/null; then
  no_amx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
  echo "building llama-cpp-python without AMX (a few minutes)"
  CMAKE_ARGS="-DCMAKE_C_FLAGS='$no_amx' -DCMAKE_CXX_FLAGS='$no_amx'" \
    pip_install --no-cache-dir --force-reinstall --no-deps "llama-cpp-python>=0.3.16"
fi
target="."
[ -n "$extras" ] && target=".[$extras]"
pip_install -e "$target"
echo "installed graph-agent into .venv"
