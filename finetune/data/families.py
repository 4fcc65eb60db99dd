"""Graph families for the synthetic data: each a seeded generator of small graphs with a known shape.

Why families: the test split uses families never seen in training (``finetune.data.splits``), so a fine-tuned
model is measured on graph shapes it has not memorised. Every generator takes a ``random.Random`` and returns a
``FamilyGraph``: a plain ``nx.Graph``/``nx.DiGraph`` following the product's conventions (node attribute
``labels``, edge attribute ``type``, everything else a property) plus what the question builders need to know
(the naming style, the edge weight or capacity property).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx

from finetune.data.kg_schemas import SCHEMAS, schema_graph
from finetune.data.names import (
    CITY_NAMES,
    COMPANY_HEADS,
    COMPANY_TAILS,
    PROJECT_NAMES,
    STYLES,
    node_names,
    person_names,
)

WEIGHT_KEYS = ("weight", "weight", "distance", "cost", "length")
"""Edge properties a weighted graph may use (``weight`` most often)."""


@dataclass
class FamilyGraph:
    """A generated graph and the facts question builders rely on."""

    graph: nx.Graph
    family: str
    style: str
    """Naming style of the nodes (``finetune.data.names.STYLES``, or ``kg`` for knowledge graphs)."""
    weight: str | None = None
    """The edge property holding weights, if any."""
    capacity: str | None = None
    """The edge property holding capacities, if any."""
    tags: set[str] = field(default_factory=set)
    """Shape facts: ``dag``, ``tree``, ``bipartite``, ``connected``, ``kg``, ``ambiguous``."""


def _relabel(graph: nx.Graph, style: str, rng: random.Random) -> nx.Graph:
    names = node_names(style, graph.number_of_nodes(), rng)
    return nx.relabel_nodes(graph, dict(zip(sorted(graph.nodes, key=str), names, strict=True)))


def _style(rng: random.Random, count: int) -> str:
    styles = [s for s in STYLES if s != "word" or count <= 40]
    return rng.choice(styles)


def _weigh(graph: nx.Graph, key: str, rng: random.Random, low: int = 1, high: int = 20) -> None:
    for u, v in graph.edges:
        graph.edges[u, v][key] = rng.randint(low, high)


def random_graph(rng: random.Random) -> FamilyGraph:
    n = rng.randint(5, 12)
    m = rng.randint(n - 1, min(n * (n - 1) // 2, 2 * n))
    graph = nx.gnm_random_graph(n, m, seed=rng.randrange(2**31))
    style = _style(rng, n)
    return FamilyGraph(_relabel(graph, style, rng), "random", style)


def tree(rng: random.Random) -> FamilyGraph:
    n = rng.randint(5, 13)
    graph = nx.from_prufer_sequence([rng.randrange(n) for _ in range(n - 2)])
    style = _style(rng, n)
    return FamilyGraph(_relabel(graph, style, rng), "tree", style, tags={"tree", "bipartite", "connected"})


def dag(rng: random.Random) -> FamilyGraph:
    n = rng.randint(5, 10)
    order = list(range(n))
    graph = nx.DiGraph()
    graph.add_nodes_from(order)
    for i in range(1, n):
        graph.add_edge(rng.randrange(i), i)
        for j in range(i):
            if rng.random() < 0.15 and not graph.has_edge(j, i):
                graph.add_edge(j, i)
    style = _style(rng, n)
    return FamilyGraph(_relabel(graph, style, rng), "dag", style, tags={"dag"})


def directed(rng: random.Random) -> FamilyGraph:
    n = rng.randint(5, 11)
    graph = nx.gnm_random_graph(n, rng.randint(n, 2 * n), seed=rng.randrange(2**31), directed=True)
    style = _style(rng, n)
    return FamilyGraph(_relabel(graph, style, rng), "directed", style)


def bipartite(rng: random.Random) -> FamilyGraph:
    left, right = rng.randint(2, 5), rng.randint(2, 6)
    graph = nx.Graph()
    graph.add_nodes_from(range(left + right))
    for u in range(left):
        for v in rng.sample(range(left, left + right), rng.randint(1, right)):
            graph.add_edge(u, v)
    graph.remove_nodes_from([n for n in list(graph) if graph.degree(n) == 0])
    style = _style(rng, graph.number_of_nodes())
    return FamilyGraph(_relabel(graph, style, rng), "bipartite", style, tags={"bipartite"})


def weighted(rng: random.Random) -> FamilyGraph:
    n = rng.randint(5, 10)
    graph = nx.connected_watts_strogatz_graph(n, 4 if n > 5 else 2, 0.4, seed=rng.randrange(2**31))
    key = rng.choice(WEIGHT_KEYS)
    _weigh(graph, key, rng)
    style = _style(rng, n)
    return FamilyGraph(_relabel(graph, style, rng), "weighted", style, weight=key, tags={"connected"})


def flow_network(rng: random.Random) -> FamilyGraph:
    n = rng.randint(5, 9)
    graph = nx.DiGraph()
    for i in range(1, n):
        graph.add_edge(rng.randrange(i), i)
        for j in rng.sample(range(n), 2):
            if j != i and not graph.has_edge(i, j) and not graph.has_edge(j, i):
                graph.add_edge(*sorted((i, j)))
    _weigh(graph, "capacity", rng, 1, 15)
    style = _style(rng, n)
    return FamilyGraph(_relabel(graph, style, rng), "flow", style, capacity="capacity")


def disconnected(rng: random.Random) -> FamilyGraph:
    parts = [nx.path_graph(rng.randint(2, 5)) if rng.random() < 0.5 else nx.cycle_graph(rng.randint(3, 5))
             for _ in range(rng.randint(2, 3))]
    graph = nx.disjoint_union_all(parts)
    style = _style(rng, graph.number_of_nodes())
    return FamilyGraph(_relabel(graph, style, rng), "disconnected", style)


def isolated(rng: random.Random) -> FamilyGraph:
    n = rng.randint(4, 8)
    graph = nx.gnm_random_graph(n, rng.randint(n - 1, 2 * n - 2), seed=rng.randrange(2**31))
    graph.add_nodes_from(range(n, n + rng.randint(1, 3)))
    style = _style(rng, graph.number_of_nodes())
    return FamilyGraph(_relabel(graph, style, rng), "isolated", style)


def grid(rng: random.Random) -> FamilyGraph:
    graph = nx.convert_node_labels_to_integers(nx.grid_2d_graph(rng.randint(2, 3), rng.randint(3, 4)))
    style = _style(rng, graph.number_of_nodes())
    return FamilyGraph(_relabel(graph, style, rng), "grid", style, tags={"bipartite", "connected"})


def scale_free(rng: random.Random) -> FamilyGraph:
    n = rng.randint(7, 14)
    graph = nx.barabasi_albert_graph(n, rng.choice((1, 2)), seed=rng.randrange(2**31))
    style = _style(rng, n)
    return FamilyGraph(_relabel(graph, style, rng), "scale_free", style, tags={"connected"})


def ring(rng: random.Random) -> FamilyGraph:
    n = rng.randint(5, 10)
    graph = nx.cycle_graph(n)
    for _ in range(rng.randint(0, 2)):
        u, v = rng.sample(range(n), 2)
        graph.add_edge(u, v)
    if rng.random() < 0.5:
        _weigh(graph, "weight", rng)
    style = _style(rng, n)
    weight = "weight" if nx.get_edge_attributes(graph, "weight") else None
    return FamilyGraph(_relabel(graph, style, rng), "ring", style, weight=weight, tags={"connected"})


def company_kg(rng: random.Random) -> FamilyGraph:
    """A company knowledge graph (people, companies, projects, cities) like a user's Neo4j database."""
    graph = nx.DiGraph()
    people = person_names(rng.randint(5, 9), rng)
    companies = rng.sample([f"{h} {t}" for h in COMPANY_HEADS for t in COMPANY_TAILS], rng.randint(2, 3))
    projects = rng.sample(PROJECT_NAMES, rng.randint(2, 4))
    cities = rng.sample(CITY_NAMES, rng.randint(2, 3))
    roles = ("Engineer", "Designer", "Analyst", "Manager", "Researcher")
    keyed = rng.random() < 0.4
    if keyed:  # ids are keys, and two people share a name: references by that name are ambiguous
        people.append(rng.choice(people))
    people_ids = [f"p{i}" if keyed else name for i, name in enumerate(people)]
    for node, name in zip(people_ids, people, strict=True):
        graph.add_node(node, labels=["Person"], name=name, age=rng.randint(22, 64), role=rng.choice(roles))
    for name in companies:
        graph.add_node(name, labels=["Company"], name=name, founded=rng.randint(1950, 2022))
    for name in projects:
        graph.add_node(name, labels=["Project"], name=name, budget=rng.randrange(10, 500) * 1000,
                       status=rng.choice(("active", "paused", "done")))
    for name in cities:
        graph.add_node(name, labels=["City"], name=name, population=rng.randrange(20, 900) * 1000)
    for company in companies:
        graph.add_edge(company, rng.choice(cities), type="LOCATED_IN")
    for person in people_ids:
        graph.add_edge(person, rng.choice(companies), type="WORKS_AT", since=rng.randint(2005, 2025))
        graph.add_edge(person, rng.choice(cities), type="LIVES_IN")
        for project in rng.sample(projects, rng.randint(0, 2)):
            graph.add_edge(person, project, type="CONTRIBUTES_TO", hours=rng.randint(5, 40))
    for project in projects:
        graph.add_edge(rng.choice(people_ids), project, type="LEADS")
    for _ in range(len(people_ids)):
        a, b = rng.sample(people_ids, 2)
        graph.add_edge(a, b, type="KNOWS")
    tags = {"kg"} | ({"ambiguous"} if keyed else set())
    return FamilyGraph(graph, "company_kg", "kg", tags=tags)


def domain_kg(rng: random.Random) -> FamilyGraph:
    """A knowledge graph of a schema drawn from ``finetune.data.kg_schemas`` (films, shops, universities, ...)."""
    graph, keyed = schema_graph(rng.choice(sorted(SCHEMAS)), rng)
    return FamilyGraph(graph, "domain_kg", "kg", tags={"kg"} | ({"ambiguous"} if keyed else set()))


def library_kg(rng: random.Random) -> FamilyGraph:
    """A library catalogue knowledge graph (authors, books, genres, publishers): a schema unseen in training."""
    graph = nx.DiGraph()
    authors = person_names(rng.randint(3, 6), rng)
    books = [f"The {word} {tail}" for word, tail in zip(rng.sample(PROJECT_NAMES, 6), rng.sample(
        ("Garden", "Letters", "Winter", "Archive", "Voyage", "Tide", "Orchard", "Lamp"), 6), strict=True)]
    books = books[: rng.randint(4, 6)]
    genres = rng.sample(("Mystery", "Poetry", "History", "Science", "Travel"), 3)
    publishers = rng.sample([f"{h} Press" for h in COMPANY_HEADS], 2)
    keyed = rng.random() < 0.4
    if keyed:  # ids are keys, and two authors share a name
        authors.append(rng.choice(authors))
    author_ids = [f"a{i}" if keyed else name for i, name in enumerate(authors)]
    for node, name in zip(author_ids, authors, strict=True):
        graph.add_node(node, labels=["Author"], name=name, born=rng.randint(1930, 1995))
    for name in books:
        graph.add_node(name, labels=["Book"], name=name, year=rng.randint(1960, 2025), pages=rng.randint(90, 700))
    for name in genres + publishers:
        graph.add_node(name, labels=["Genre" if name in genres else "Publisher"], name=name)
    for book in books:
        graph.add_edge(rng.choice(author_ids), book, type="WROTE")
        graph.add_edge(book, rng.choice(genres), type="IN_GENRE")
        graph.add_edge(rng.choice(publishers), book, type="PUBLISHED")
    return FamilyGraph(graph, "library_kg", "kg", tags={"kg"} | ({"ambiguous"} if keyed else set()))


def layered(rng: random.Random) -> FamilyGraph:
    """A layered pipeline: a source, two or three layers, a sink; edges only go one layer forward, with capacities."""
    layers = [[0]]
    for _ in range(rng.randint(2, 3)):
        start = layers[-1][-1] + 1
        layers.append(list(range(start, start + rng.randint(2, 3))))
    layers.append([layers[-1][-1] + 1])
    graph = nx.DiGraph()
    for before, after in zip(layers, layers[1:], strict=False):
        for v in after:
            graph.add_edge(rng.choice(before), v)
        for u in before:
            if graph.out_degree(u) == 0 or rng.random() < 0.4:
                graph.add_edge(u, rng.choice(after))
    _weigh(graph, "capacity", rng, 1, 12)
    style = _style(rng, graph.number_of_nodes())
    return FamilyGraph(_relabel(graph, style, rng), "layered", style, capacity="capacity")


FAMILIES: dict[str, Callable[[random.Random], FamilyGraph]] = {
    "random": random_graph,
    "tree": tree,
    "dag": dag,
    "directed": directed,
    "bipartite": bipartite,
    "weighted": weighted,
    "flow": flow_network,
    "disconnected": disconnected,
    "isolated": isolated,
    "company_kg": company_kg,
    "domain_kg": domain_kg,
    "grid": grid,
    "scale_free": scale_free,
    "ring": ring,
    "library_kg": library_kg,
    "layered": layered,
}
"""Every family by name; ``finetune.data.splits`` says which ones only the test split sees."""


def make_graph(family: str, rng: random.Random) -> FamilyGraph:
    """A graph of ``family`` drawn with ``rng``; ``KeyError`` for an unknown family."""
    built = FAMILIES[family](rng)
    if built.graph.is_directed() and nx.is_directed_acyclic_graph(built.graph):
        built.tags.add("dag")
    if nx.is_connected(built.graph.to_undirected()):
        built.tags.add("connected")
    if nx.is_bipartite(built.graph):
        built.tags.add("bipartite")
    return built
