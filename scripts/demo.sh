#!/usr/bin/env bash
# The main job: install, then chat with the agent on the bundled sample graph (the shipped adapter when there is
# one, else the untuned base model). Extra arguments go to `graph-agent chat` (e.g. --sample company_kg).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/graph-agent chat --sample nordic_roads "$@"
