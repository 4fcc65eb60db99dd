"""Every Cypher text the Neo4j backend sends, in one place, with Neo4j 5 and FalkorDB variants side by side.

Values always travel as parameters. Labels, relationship types and property keys cannot be parameters, so the
backend checks them against the introspected schema and inserts them with :func:`quote` (backtick-escaped);
the templates below mark those slots ``{label}``, ``{types}``, ``{key}``, ``{name}``. Node handles are the
database's internal ``id(n)`` (FalkorDB has no ``elementId``). Where both servers accept the same text
there is a single constant; dialect-specific texts live in :data:`DIALECTS`.
"""

from __future__ import annotations

LABELS = "CALL db.labels() YIELD label RETURN label"
REL_TYPES = "CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType AS type"
PROPERTY_KEYS = "CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey AS key"
DETECT_NEO4J = "CALL dbms.components() YIELD name RETURN name"
COUNT_NODES = "MATCH (n{label}) RETURN count(n) AS c"
COUNT_RELS = "MATCH ()-[r{types}]->() RETURN count(r) AS c"
NODE_KEYS = "MATCH (n) WITH n LIMIT $sample UNWIND keys(n) AS k RETURN k, count(*) AS c"
STRING_KEYS = (
    "MATCH (n) WITH n LIMIT $sample UNWIND keys(n) AS k WITH n, k WHERE toString(n[k]) = n[k] "
    "RETURN k, count(*) AS c"
)
REL_KEYS = "MATCH ()-[r]->() WITH r LIMIT $sample UNWIND keys(r) AS k RETURN DISTINCT k"
SAMPLE_NAMES = (
    "MATCH (n{label}) WHERE n.{name} IS NOT NULL RETURN n.{name} AS v ORDER BY toString(v) LIMIT $k"
)

EXACT = "MATCH (n) WHERE n.{name} IN $values RETURN id(n) AS h, n.{name} AS v LIMIT $cap"
CASELESS = "MATCH (n) WHERE toLower(toString(n.{name})) = $value RETURN id(n) AS h, n.{name} AS v LIMIT $cap"
CANDIDATE_NAMES = "MATCH (n) WHERE n.{name} IS NOT NULL RETURN id(n) AS h, n.{name} AS v LIMIT $cap"
SUBSTRING = (
    "MATCH (n{label}) WHERE toLower(toString(n.{name})) CONTAINS $value "
    "RETURN id(n) AS h, n.{name} AS v, labels(n) AS labels LIMIT $cap"
)
FILTER = (
    "MATCH (n{label}) WHERE n.{key} = $value "
    "RETURN id(n) AS h, n.{name} AS v, labels(n) AS labels ORDER BY toString(v) LIMIT $cap"
)
FILTER_EXISTS = (
    "MATCH (n{label}) WHERE n.{key} IS NOT NULL "
    "RETURN id(n) AS h, n.{name} AS v, labels(n) AS labels ORDER BY toString(v) LIMIT $cap"
)
NODE_INFO = "MATCH (n) WHERE id(n) = $h RETURN labels(n) AS labels, properties(n) AS props"
NAMES_OF = "MATCH (n) WHERE id(n) IN $hs RETURN id(n) AS h, n.{name} AS v"

OUT_EDGES = (
    "MATCH (n)-[r{types}]->(m) WHERE id(n) = $h "
    "RETURN id(m) AS h, m.{name} AS v, type(r) AS type, r.weight AS weight LIMIT $cap"
)
IN_EDGES = (
    "MATCH (n)<-[r{types}]-(m) WHERE id(n) = $h "
    "RETURN id(m) AS h, m.{name} AS v, type(r) AS type, r.weight AS weight LIMIT $cap"
)
OUT_DEGREE = "MATCH (n)-[r{types}]->() WHERE id(n) = $h RETURN count(r) AS c"
IN_DEGREE = "MATCH (n)<-[r{types}]-() WHERE id(n) = $h RETURN count(r) AS c"

EXPAND_OUT = (
    "MATCH (a)-[]->(b) WHERE id(a) IN $frontier RETURN DISTINCT id(a) AS src, id(b) AS dst LIMIT $cap"
)
EXPAND_IN = (
    "MATCH (a)<-[]-(b) WHERE id(a) IN $frontier RETURN DISTINCT id(a) AS src, id(b) AS dst LIMIT $cap"
)

TRIANGLES = (
    "MATCH (a)--(b)--(c)--(a) WHERE id(a) < id(b) AND id(b) < id(c) {through} "
    "RETURN DISTINCT id(a) AS a, id(b) AS b, id(c) AS c LIMIT $cap"
)
TRIANGLES_THROUGH = "AND $h IN [id(a), id(b), id(c)]"
NODE_VALUES = "MATCH (n) WHERE id(n) IN $hs RETURN id(n) AS h, n.{key} AS value"

DEGREES = (
    "MATCH (n) RETURN id(n) AS h, n.{name} AS v, "
    "size([(n)-[]->() | 1]) + size([(n)<-[]-() | 1]) AS d ORDER BY d DESC LIMIT $cap"
)
NEIGHBOUR_IDS = "MATCH (n)--(m) WHERE id(n) = $h RETURN DISTINCT id(m) AS h LIMIT $cap"
"""Undirected neighbours; a self-loop makes a node its own neighbour, as in networkx (and ``neighbors``)."""
PATH_EDGES = "[r IN relationships(p) | [id(startNode(r)), id(endNode(r))]] AS edges"
CYCLE_DIRECTED = "MATCH p = (a)-[*1..{bound}]->(a) RETURN " + PATH_EDGES + " LIMIT 1"
CYCLE_UNDIRECTED = (
    "MATCH (s)-[r]-(s) RETURN [[id(s), id(s)]] AS edges LIMIT 1 UNION "
    "MATCH p = (a)-[*3..{bound}]-(a) RETURN " + PATH_EDGES + " LIMIT 1"
)

IN_DEGREES = (
    "MATCH (n) OPTIONAL MATCH (m)-[]->(n) RETURN id(n) AS h, count(DISTINCT id(m)) AS c LIMIT $cap"
)
"""Distinct in-neighbours per node (a self-loop counts), for peeling a directed graph down to its cycles."""
SIMPLE_DEGREES = (
    "MATCH (n) OPTIONAL MATCH (n)-[]-(m) WHERE id(m) <> id(n) "
    "RETURN id(n) AS h, count(DISTINCT id(m)) AS c LIMIT $cap"
)
"""Distinct other neighbours per node, direction ignored, for peeling an undirected graph to its 2-core."""

DIALECTS: dict[str, dict[str, str]] = {
    "neo4j": {
        "hop_path_out": "MATCH (a), (b) WHERE id(a) = $a AND id(b) = $b "
        "MATCH p = shortestPath((a)-[*]->(b)) RETURN [x IN nodes(p) | id(x)] AS hs",
        "hop_path_both": "MATCH (a), (b) WHERE id(a) = $a AND id(b) = $b "
        "MATCH p = shortestPath((a)-[*]-(b)) RETURN [x IN nodes(p) | id(x)] AS hs",
        "weighted_path": "",
        "wcc": "",
        "pagerank": "",
    },
    "falkordb": {
        # FalkorDB allows shortestPath only in WITH/RETURN and only directed; undirected falls back to BFS.
        "hop_path_out": "MATCH (a), (b) WHERE id(a) = $a AND id(b) = $b "
        "RETURN [x IN nodes(shortestPath((a)-[*]->(b))) | id(x)] AS hs",
        "weighted_path": (
            "MATCH (a), (b) WHERE id(a) = $a AND id(b) = $b "
            "CALL algo.SPpaths({sourceNode: a, targetNode: b, weightProp: $weight, relDirection: $direction, "
            "pathCount: 1}) YIELD path, pathWeight RETURN [x IN nodes(path) | id(x)] AS hs, pathWeight AS w"
        ),
        "wcc": "CALL algo.WCC(null) YIELD node, componentId RETURN componentId AS c, count(node) AS size "
        "ORDER BY size DESC",
        "wcc_members": "CALL algo.WCC(null) YIELD node, componentId WITH node, componentId "
        "WHERE componentId = $c RETURN id(node) AS h, node.{name} AS v LIMIT $cap",
        # algo.pageRank counts the slots of deleted nodes as dangling nodes: that scales every live score by
        # the same factor (teleport and dangling mass are uniform), so dividing by their sum restores them.
        # (Literal braces are doubled: the text goes through str.format for its {name} slot.)
        "pagerank": "CALL algo.pageRank(null, null) YIELD node, score "
        "WITH collect({{h: id(node), v: node.{name}, score: score}}) AS rows, sum(score) AS total "
        "UNWIND rows AS r RETURN r.h AS h, r.v AS v, r.score / total AS score ORDER BY score DESC LIMIT $cap",
    },
}
"""Texts that differ per dialect; an empty text means the dialect cannot run it (the backend raises
``Unsupported``)."""


def quote(name: str) -> str:
    """Backtick-escape a label, relationship type or property key for insertion into Cypher.

    >>> quote("my`label")
    '`my``label`'
    """
    return "`" + name.replace("`", "``") + "`"
