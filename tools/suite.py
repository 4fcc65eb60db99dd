"""The graph tools: exact graph operations a language model can call, as pure functions over a backend.

Each tool is ``name(backend, **args) -> dict``: it validates ``args`` against its pydantic model (see
``tools.arguments``), calls one backend method (``neighbors`` a second one when the first finds nothing), and
shapes the answer as a small JSON dict -- counts plus the first ``limit`` items. A tool never raises; failures
come back as ``{"error": code, "message": ...}`` (see ``tools.results``). Tool names, argument names and result
shapes are a contract the model is trained on: keep them stable. The first line of each docstring is the
description the model sees.

The examples assume ``import networkx as nx`` and ``from graphs.networkx_backend import NetworkxBackend``.
"""

from __future__ import annotations

from graphs.backend import GraphBackend
from graphs.errors import InvalidArgument
from tools.arguments import (
    CentralityArgs,
    CompareDegreeArgs,
    ConnectedComponentsArgs,
    CountEdgesArgs,
    CountNodesArgs,
    DegreeArgs,
    DiameterArgs,
    FindNodesArgs,
    FlowArgs,
    GraphSummaryArgs,
    HasPathArgs,
    IsBipartiteArgs,
    KHopArgs,
    MaxMatchingArgs,
    NeighborsArgs,
    NoArgs,
    NodeInfoArgs,
    RunCypherArgs,
    ShortestPathArgs,
    SimilarityArgs,
    SubgraphMatchArgs,
    TopologicalOrderArgs,
    TrianglesArgs,
)
from tools.results import Result, graph_tool


@graph_tool(GraphSummaryArgs)
def graph_summary(backend: GraphBackend, args: GraphSummaryArgs) -> Result:
    """Graph size and schema: node/edge counts, labels, relationship types, properties, sample names.

    >>> graph_summary(NetworkxBackend(nx.path_graph(3)))["nodes"]
    3
    """
    return backend.summary(samples=args.samples)


@graph_tool(FindNodesArgs)
def find_nodes(backend: GraphBackend, args: FindNodesArgs) -> Result:
    """Find nodes by name (fuzzy), label, or property value.

    >>> G = nx.Graph([("Alice", "Bob"), ("Bob", "Carol")])
    >>> find_nodes(NetworkxBackend(G), query="bob")["items"][0]["id"]
    'Bob'
    """
    return dict(backend.find_nodes(args.query, args.label, args.prop, args.value, limit=args.limit))


@graph_tool(NodeInfoArgs)
def node_info(backend: GraphBackend, args: NodeInfoArgs) -> Result:
    """A node's labels, properties and degree.

    >>> node_info(NetworkxBackend(nx.path_graph(3)), node=1)["degree"]
    2
    """
    return backend.node_info(args.node)


@graph_tool(NeighborsArgs)
def neighbors(backend: GraphBackend, args: NeighborsArgs) -> Result:
    """Nodes adjacent to a node, optionally by direction and relationship type.

    When a directed graph has no neighbours by the asked relationship type in the asked direction, the result also
    lists those in the other direction (``other_direction``): a relationship type points one way by the schema's
    convention, which the asker often has backwards ("WROTE edges ending at a book"), and "no outgoing
    PUBLISHED edges" should not read as "no PUBLISHED edges". Without a relationship type the direction is the
    question ("where do X's edges go?") and an empty result is its answer, so nothing is added.

    >>> [n["id"] for n in neighbors(NetworkxBackend(nx.path_graph(3)), node=1)["items"]]
    [0, 2]
    >>> book = NetworkxBackend(nx.DiGraph([("Ada", "Echo", {"type": "WROTE"})]))
    >>> neighbors(book, node="Echo", direction="out", rel_type="WROTE")["other_direction"]["items"]
    [{'id': 'Ada', 'direction': 'in', 'rel_type': 'WROTE', 'weight': None}]
    >>> "other_direction" in neighbors(book, node="Echo", direction="out")
    False
    """
    found = dict(backend.neighbors(args.node, args.direction, args.rel_type, limit=args.limit))
    if found["count"] or args.rel_type is None or args.direction == "both" or not backend.directed:
        return found
    other = "in" if args.direction == "out" else "out"
    opposite = backend.neighbors(args.node, other, args.rel_type, limit=args.limit)
    return {**found, "other_direction": {"direction": other, **opposite}} if opposite["count"] else found


@graph_tool(DegreeArgs)
def degree(backend: GraphBackend, args: DegreeArgs) -> Result:
    """Number of edges at a node, optionally by direction and relationship type.

    >>> degree(NetworkxBackend(nx.DiGraph([(0, 1), (2, 1)])), node=1, direction="in")
    {'degree': 2}
    """
    return {"degree": backend.degree(args.node, args.direction, args.rel_type)}


@graph_tool(CompareDegreeArgs)
def compare_degree(backend: GraphBackend, args: CompareDegreeArgs) -> Result:
    """Which of several nodes has the most edges, with each node's degree, highest first.

    The comparison is the tool's, not the model's: a small model reading two ``degree`` results names the
    wrong node about as often as the right one. ``most`` is None when the highest degree is shared; ``tied``
    then lists the nodes that share it.

    >>> compare_degree(NetworkxBackend(nx.star_graph(3)), nodes=[1, 0])
    {'most': 0, 'degrees': [{'id': 0, 'degree': 3}, {'id': 1, 'degree': 1}]}
    >>> compare_degree(NetworkxBackend(nx.path_graph(3)), nodes=[0, 2])["tied"]
    [0, 2]
    """
    ids = list(dict.fromkeys(backend.resolve_node(node) for node in args.nodes))
    if len(ids) < 2:
        raise InvalidArgument(f"compare_degree needs two different nodes; all of {args.nodes} name {ids[0]!r}")
    degrees = [{"id": n, "degree": backend.degree(n, args.direction, args.rel_type)} for n in ids]
    degrees.sort(key=lambda item: -item["degree"])
    tied = [item["id"] for item in degrees if item["degree"] == degrees[0]["degree"]]
    if len(tied) > 1:
        return {"most": None, "tied": tied, "degrees": degrees}
    return {"most": tied[0], "degrees": degrees}


@graph_tool(CountNodesArgs)
def count_nodes(backend: GraphBackend, args: CountNodesArgs) -> Result:
    """Number of nodes, optionally only those with a label.

    >>> count_nodes(NetworkxBackend(nx.path_graph(5)))
    {'count': 5}
    """
    return {"count": backend.count_nodes(args.label)}


@graph_tool(CountEdgesArgs)
def count_edges(backend: GraphBackend, args: CountEdgesArgs) -> Result:
    """Number of edges, optionally only those of a relationship type.

    >>> count_edges(NetworkxBackend(nx.path_graph(5)))
    {'count': 4}
    """
    return {"count": backend.count_edges(args.rel_type)}


@graph_tool(HasPathArgs)
def has_path(backend: GraphBackend, args: HasPathArgs) -> Result:
    """Whether the target can be reached from the source.

    >>> has_path(NetworkxBackend(nx.DiGraph([(0, 1)])), source=1, target=0)
    {'has_path': False}
    """
    return {"has_path": backend.has_path(args.source, args.target)}


@graph_tool(ShortestPathArgs)
def shortest_path(backend: GraphBackend, args: ShortestPathArgs) -> Result:
    """Shortest path between two nodes (fewest hops, or least total weight).

    >>> shortest_path(NetworkxBackend(nx.path_graph(4)), source=0, target=3)
    {'path': [0, 1, 2, 3], 'hops': 3, 'total_weight': None}
    """
    return backend.shortest_path(args.source, args.target, args.weight)


@graph_tool(KHopArgs)
def k_hop(backend: GraphBackend, args: KHopArgs) -> Result:
    """Nodes within k hops of a node, with their distance.

    >>> k_hop(NetworkxBackend(nx.path_graph(4)), node=0, k=2)["items"]
    [{'id': 1, 'distance': 1}, {'id': 2, 'distance': 2}]
    """
    return dict(backend.k_hop(args.node, args.k, args.direction, limit=args.limit))


@graph_tool(ConnectedComponentsArgs)
def connected_components(backend: GraphBackend, args: ConnectedComponentsArgs) -> Result:
    """Number and sizes of connected components, or the component of one node.

    >>> connected_components(NetworkxBackend(nx.Graph([(0, 1), (2, 3), (3, 4)])))["sizes"]
    [3, 2]
    """
    if args.node is not None:
        kind = args.kind if backend.directed else "connected"
        return {"kind": kind, "component": backend.component_of(args.node, args.kind, limit=args.limit)}
    return backend.components(args.kind, limit=args.limit)


@graph_tool(NoArgs)
def find_cycle(backend: GraphBackend, args: NoArgs) -> Result:
    """A cycle in the graph if there is one.

    >>> find_cycle(NetworkxBackend(nx.DiGraph([(0, 1), (1, 2)])))
    {'has_cycle': False, 'cycle': None}
    """
    cycle = backend.find_cycle()
    return {"has_cycle": cycle is not None, "cycle": cycle}


@graph_tool(TopologicalOrderArgs)
def topological_order(backend: GraphBackend, args: TopologicalOrderArgs) -> Result:
    """A topological order of a directed acyclic graph.

    >>> topological_order(NetworkxBackend(nx.DiGraph([(0, 1), (1, 2)])))["items"]
    [0, 1, 2]
    """
    return dict(backend.topological_order(limit=args.limit))


@graph_tool(IsBipartiteArgs)
def is_bipartite(backend: GraphBackend, args: IsBipartiteArgs) -> Result:
    """Whether the graph is bipartite, with the two sides or an odd cycle.

    >>> is_bipartite(NetworkxBackend(nx.cycle_graph(3)))["bipartite"]
    False
    """
    return backend.bipartite(limit=args.limit)


@graph_tool(TrianglesArgs)
def triangles(backend: GraphBackend, args: TrianglesArgs) -> Result:
    """Triangles in the graph or through one node, optionally ranked by a node property.

    >>> triangles(NetworkxBackend(nx.complete_graph(4)))["count"]
    4
    """
    return backend.triangles(args.node, args.rank_by, limit=args.limit)


@graph_tool(DiameterArgs)
def diameter(backend: GraphBackend, args: DiameterArgs) -> Result:
    """Longest shortest-path distance in the graph.

    >>> diameter(NetworkxBackend(nx.path_graph(4)))["diameter"]
    3
    """
    return backend.diameter(args.weight)


@graph_tool(CentralityArgs)
def centrality(backend: GraphBackend, args: CentralityArgs) -> Result:
    """Most central nodes by degree, betweenness, closeness or pagerank.

    >>> centrality(NetworkxBackend(nx.star_graph(3)), measure="degree", k=1)["top"][0]["id"]
    0
    """
    return {"measure": args.measure, "top": backend.centrality(args.measure, args.k, args.weight)}


@graph_tool(FlowArgs)
def max_flow(backend: GraphBackend, args: FlowArgs) -> Result:
    """Maximum flow value from source to sink, with the edge flows.

    >>> G = nx.DiGraph([(0, 1, {"capacity": 2}), (1, 2, {"capacity": 1})])
    >>> max_flow(NetworkxBackend(G), source=0, sink=2)["value"]
    1
    """
    return backend.max_flow(args.source, args.sink, args.capacity, limit=args.limit)


@graph_tool(FlowArgs)
def min_cut(backend: GraphBackend, args: FlowArgs) -> Result:
    """Minimum cut between source and sink: its value and cut edges.

    >>> G = nx.DiGraph([(0, 1, {"capacity": 2}), (1, 2, {"capacity": 1})])
    >>> min_cut(NetworkxBackend(G), source=0, sink=2)["cut_edges"]["items"]
    [[1, 2]]
    """
    return backend.min_cut(args.source, args.sink, args.capacity, limit=args.limit)


@graph_tool(MaxMatchingArgs)
def max_matching(backend: GraphBackend, args: MaxMatchingArgs) -> Result:
    """A maximum matching: the most edges with no shared node.

    >>> max_matching(NetworkxBackend(nx.path_graph(4)))["size"]
    2
    """
    return backend.max_matching(limit=args.limit)


@graph_tool(NoArgs)
def hamiltonian_path(backend: GraphBackend, args: NoArgs) -> Result:
    """Whether a path visits every node exactly once, and one such path (small graphs only).

    >>> hamiltonian_path(NetworkxBackend(nx.star_graph(3)))
    {'exists': False, 'path': None}
    """
    return backend.hamiltonian_path()


@graph_tool(SubgraphMatchArgs)
def subgraph_match(backend: GraphBackend, args: SubgraphMatchArgs) -> Result:
    """Occurrences of a small pattern, given as edges between placeholder names.

    >>> b = NetworkxBackend(nx.DiGraph([(0, 1), (1, 2)]))
    >>> subgraph_match(b, pattern=[["a", "b"], ["b", "c"]])["count"]
    1
    """
    return backend.subgraph_match(list(args.pattern), args.directed, limit=args.limit)


@graph_tool(SimilarityArgs)
def similarity(backend: GraphBackend, args: SimilarityArgs) -> Result:
    """Common neighbours and Jaccard similarity of two nodes.

    >>> similarity(NetworkxBackend(nx.path_graph(3)), a=0, b=2)["jaccard"]
    1.0
    """
    return backend.similarity(args.a, args.b, limit=args.limit)


@graph_tool(RunCypherArgs)
def run_cypher(backend: GraphBackend, args: RunCypherArgs) -> Result:
    """Run a read-only Cypher query (Neo4j graphs only).

    >>> run_cypher(NetworkxBackend(nx.path_graph(2)), query="MATCH (n) RETURN n")["error"]
    'unsupported'
    """
    return dict(backend.run_cypher(args.query, args.params, limit=args.limit))
