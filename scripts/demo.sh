#!/usr/bin/env bash
# The main job: install, then show the graph tools at work on the bundled sample graph.
# (Until the chat UI exists this is a demo of `graph info`, a few `tools call`s and one `ask`; with no fine-tuned
# adapter yet, `ask` runs the untuned base model, so expect a poor answer: the trace shows the loop at work.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
ga=.venv/bin/graph-agent
run() { echo; echo "\$ graph-agent $*"; "$ga" "$@"; }
run graph info --sample nordic_roads
run tools call shortest_path --sample nordic_roads --args '{"source": "Oslo", "target": "Copenhagen", "weight": "weight"}'
run tools call k_hop --sample nordic_roads --args '{"node": "Stockholm", "k": 2}'
run tools call has_path --sample nordic_roads --args '{"source": "Oslo", "target": "Reykjavik"}'
run tools call centrality --sample nordic_roads --args '{"measure": "betweenness", "k": 3}'
run tools call neighbors --sample company_kg --args '{"node": "Northwind Labs", "direction": "in", "rel_type": "WORKS_AT"}'
run tools call topological_order --sample release_pipeline --args '{}'
run ask "Which cities are direct neighbours of Oslo?" --sample nordic_roads
run cache stats
