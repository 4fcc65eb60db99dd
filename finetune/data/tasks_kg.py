"""Task builders for labelled knowledge graphs (the style of a user's Neo4j database): labels, relationship
types and properties.

Each builder fits only graphs tagged ``kg`` and answers with one tool call whose arguments name the schema
(label, relationship type, property) the way the graph context shows it.
"""

from __future__ import annotations

import random
from collections import Counter

from finetune.data.families import FamilyGraph
from finetune.data.kg_schemas import PLURALS as SCHEMA_PLURALS
from finetune.data.turns import Turn, gold_list, listed, node_ref, number_text, pick_nodes, run, show
from graphs.backend import GraphBackend
from graphs.networkx_backend import node_labels

PLURALS = {
    "Person": "people", "Company": "companies", "Project": "projects", "City": "cities", "Author": "authors",
    "Book": "books", "Genre": "genres", "Publisher": "publishers", **SCHEMA_PLURALS,
}


def _labels(fg: FamilyGraph) -> list[str]:
    return sorted({label for _, data in fg.graph.nodes(data=True) for label in node_labels(data)})


def _label_slots(label: str) -> dict[str, str]:
    return {"label": label, "labels": PLURALS.get(label, f"{label} nodes")}


def count_label(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    if "kg" not in fg.tags:
        return None
    label = rng.choice(_labels(fg))
    call = run(backend, "count_nodes", label=label)
    n = call.result["count"]
    slots = _label_slots(label)
    return Turn("count_label", "number", slots, [call], f"There are {n} {label} nodes.", str(n), list(slots.values()))


def count_rel(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    if "kg" not in fg.tags:
        return None
    rel = rng.choice(sorted({t for *_, t in fg.graph.edges(data="type")}))
    call = run(backend, "count_edges", rel_type=rel)
    n = call.result["count"]
    return Turn("count_rel", "number", {"rel": rel}, [call], f"There are {n} {rel} relationships.", str(n), [rel])


def find_by_property(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    if "kg" not in fg.tags:
        return None
    (node,) = pick_nodes(fg, rng, 1)
    data = fg.graph.nodes[node]
    props = sorted(key for key in data if key not in ("labels", "name"))
    if not props or not node_labels(data):
        return None
    label, prop = node_labels(data)[0], rng.choice(props)
    value = data[prop]
    call = run(backend, "find_nodes", label=label, prop=prop, value=value)
    if call.result["truncated"]:
        return None
    ids = [item["id"] for item in call.result["items"]]
    slots = {**_label_slots(label), "prop": prop, "value": value}
    answer = f"The {label} nodes with {prop} {value} are {listed(ids)}." if len(ids) > 1 else (
        f"Only {show(ids[0])} has {prop} {value}.")
    return Turn("find_by_property", "node_set", slots, [call], answer, gold_list(ids), [str(v) for v in slots.values()])


def property_of(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    if "kg" not in fg.tags:
        return None
    (node,) = pick_nodes(fg, rng, 1)
    a = node_ref(fg, node)
    data = fg.graph.nodes[node]
    props = sorted(key for key in data if key not in ("labels", "name"))
    if not props or data.get("name", a) != a:  # a shared name: that is the ambiguous_node task
        return None
    prop = rng.choice(props)
    call = run(backend, "node_info", node=a)
    value = call.result["properties"][prop]
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    shown = number_text(value) if numeric else str(value)
    return Turn("property_of", "number" if numeric else "text", {"a": a, "prop": prop}, [call],
                f"The {prop} of {show(a)} is {shown}.", shown, [prop])


def _related(fg: FamilyGraph, backend: GraphBackend, rng: random.Random, direction: str) -> Turn | None:
    if "kg" not in fg.tags:
        return None
    ends = Counter((v if direction == "in" else u, t) for u, v, t in fg.graph.edges(data="type"))
    choices = sorted(ends, key=str)
    if not choices:
        return None
    node, rel = rng.choice(choices)
    a = node_ref(fg, node)
    call = run(backend, "neighbors", node=a, direction=direction, rel_type=rel)
    if call.result["truncated"]:
        return None
    ids = [item["id"] for item in call.result["items"]]
    if direction == "in":
        answer = f"{listed(ids)} {'has' if len(ids) == 1 else 'have'} a {rel} relationship to {show(a)}."
    else:
        answer = f"{show(a)} has a {rel} relationship to {listed(ids)}."
    return Turn(f"related_{direction}", "node_set", {"a": a, "rel": rel}, [call], answer, gold_list(ids), [rel])


def related_in(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    return _related(fg, backend, rng, "in")


def related_out(fg: FamilyGraph, backend: GraphBackend, rng: random.Random) -> Turn | None:
    return _related(fg, backend, rng, "out")
