"""The task catalogue: every task builder and how often the generator draws it.

Why weights: the common intents (paths, neighbours, counts), the agent's rules (retry a close match, say a node is
missing, refuse writes, stay out of small talk), the two-call ``top_neighbors`` (with few examples the model
stopped after the first call) and ``compare_degree`` (two calls until the tool compared) need more examples than
rare algorithms; every builder still appears often enough that each tool the agent exposes on a networkx graph is
trained. ``run_cypher`` is not here: it only exists on a Neo4j database, whose results networkx cannot compute
for ground truth.
"""

from __future__ import annotations

from finetune.data import tasks_core, tasks_kg, tasks_special
from finetune.data.turns import TaskBuilder

BUILDERS: dict[str, tuple[TaskBuilder, float]] = {
    "count_nodes": (tasks_core.count_nodes, 1.0),
    "count_edges": (tasks_core.count_edges, 1.0),
    "degree": (tasks_core.degree, 1.5),
    "directed_degree": (tasks_core.directed_degree, 1.5),
    "neighbors": (tasks_core.neighbors, 2.0),
    "has_path": (tasks_core.has_path, 2.0),
    "shortest_path": (tasks_core.shortest_path, 2.5),
    "weighted_path": (tasks_core.weighted_path, 8.0),
    "k_hop": (tasks_core.k_hop, 1.0),
    "count_components": (tasks_core.count_components, 1.0),
    "component_of": (tasks_core.component_of, 1.0),
    "has_cycle": (tasks_core.has_cycle, 1.0),
    "topological_order": (tasks_core.topological_order, 2.5),
    "is_bipartite": (tasks_core.is_bipartite, 1.0),
    "triangles": (tasks_core.triangles, 1.0),
    "diameter": (tasks_core.diameter, 1.0),
    "most_central": (tasks_core.most_central, 1.0),
    "max_flow": (tasks_core.max_flow, 6.0),
    "min_cut": (tasks_core.min_cut, 6.0),
    "max_matching": (tasks_core.max_matching, 1.0),
    "hamiltonian_path": (tasks_core.hamiltonian_path, 0.8),
    "chain_count": (tasks_core.chain_count, 0.8),
    "common_neighbors": (tasks_core.common_neighbors, 1.0),
    "jaccard": (tasks_core.jaccard, 0.8),
    "describe": (tasks_core.describe, 0.8),
    "count_label": (tasks_kg.count_label, 4.0),
    "count_rel": (tasks_kg.count_rel, 3.0),
    "find_by_property": (tasks_kg.find_by_property, 4.0),
    "property_of": (tasks_kg.property_of, 4.0),
    "related_in": (tasks_kg.related_in, 6.0),
    "related_out": (tasks_kg.related_out, 6.0),
    "top_neighbors": (tasks_special.top_neighbors, 4.0),
    "compare_degree": (tasks_special.compare_degree, 4.0),
    "typo_degree": (tasks_special.typo_degree, 1.5),
    "unknown_node": (tasks_special.unknown_node, 1.0),
    "ambiguous_node": (tasks_special.ambiguous_node, 8.0),
    "write_refusal": (tasks_special.write_refusal, 0.8),
    "no_tool": (tasks_special.no_tool, 0.8),
}
"""Builder name -> (builder, relative weight; a builder that does not fit the graph is skipped and another drawn,
so builders for few families weigh more). A builder may produce a task of another name (``directed_degree``
gives ``out_degree`` or ``in_degree``; ``neighbors`` gives ``successors`` on a directed graph)."""

FOLLOW_UP_TASKS = frozenset(
    {"degree", "out_degree", "in_degree", "neighbors", "successors", "has_path", "shortest_path", "weighted_path",
     "k_hop", "component_of", "property_of", "max_flow", "min_cut"}
)
"""Tasks whose question can be repeated with one node changed ("And B?")."""

NOT_GRADABLE_BY_ANSWER = frozenset({"unknown_node", "ambiguous_node", "write_refusal", "no_tool"})
"""Tasks whose right behaviour is no successful tool call: kept out of the eval question file, whose grader
calls an answer without a successful call hallucinated or invalid (they stay in the SFT test split)."""

FAMILY_WEIGHTS: dict[str, float] = {
    "company_kg": 1.5, "domain_kg": 3.0, "library_kg": 2.0, "flow": 1.5, "weighted": 1.5, "layered": 1.5,
}
"""Relative draw weight of a family within its split (1 when not listed): knowledge graphs and flow networks
carry tasks no other family has; knowledge graphs of many schemas (``domain_kg``) outweigh the one company schema,
so the model learns to read labels and relationship types from the graph context."""
