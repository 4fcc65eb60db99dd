"""Tests for ``graphs.loaders``: round trips per format, exact error lines, and the merge/direction rules."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from graphs.errors import GraphFormatError
from graphs.loaders import SUPPORTED_FORMATS, detect_format, load_graph

DATA = Path(__file__).parent / "data" / "loaders"


def sample_graph(directed: bool = False) -> nx.Graph:
    """A small weighted, attributed graph with int ids."""
    graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_node(0, name="Oslo", population=700000)
    graph.add_node(1, name="Bergen", population=285000)
    graph.add_node(2, name="Trondheim", population=210000)
    graph.add_node(3, name="Lonely", population=1)
    graph.add_edge(0, 1, weight=7.5, type="ROAD")
    graph.add_edge(1, 2, weight=3, type="RAIL")
    graph.add_edge(2, 0, weight=4, type="ROAD")
    return graph


def assert_same_graph(loaded: nx.Graph, expected: nx.Graph) -> None:
    assert loaded.is_directed() == expected.is_directed()
    assert not loaded.is_multigraph()
    assert dict(loaded.nodes(data=True)) == dict(expected.nodes(data=True))
    assert {(u, v): d for u, v, d in loaded.edges(data=True)} == {
        (u, v): d for u, v, d in expected.edges(data=True)
    }
    assert [type(n) for n in sorted(loaded, key=str)] == [type(n) for n in sorted(expected, key=str)]


@pytest.mark.parametrize("directed", [False, True])
def test_graphml_round_trip_keeps_int_ids_and_attributes(tmp_path: Path, directed: bool) -> None:
    expected = sample_graph(directed)
    nx.write_graphml(expected, tmp_path / "cities.graphml")
    assert_same_graph(load_graph(tmp_path / "cities.graphml"), expected)


@pytest.mark.parametrize("directed", [False, True])
def test_gml_round_trip_keeps_int_ids_and_attributes(tmp_path: Path, directed: bool) -> None:
    expected = sample_graph(directed)
    nx.write_gml(expected, tmp_path / "cities.gml")
    assert_same_graph(load_graph(tmp_path / "cities.gml"), expected)


def test_gml_round_trip_keeps_string_ids(tmp_path: Path) -> None:
    expected = nx.relabel_nodes(sample_graph(), {0: "Oslo", 1: "Bergen", 2: "Trondheim", 3: "Lonely"})
    nx.write_gml(expected, tmp_path / "cities.gml")
    assert_same_graph(load_graph(tmp_path / "cities.gml"), expected)


def test_gml_without_labels_uses_ids(tmp_path: Path) -> None:
    path = tmp_path / "bare.gml"
    path.write_text("graph [\n node [ id 4 ]\n node [ id 5 ]\n edge [ source 4 target 5 ]\n]\n")
    assert sorted(load_graph(path).edges()) == [(4, 5)]


@pytest.mark.parametrize("edges_key", ["edges", "links"])
@pytest.mark.parametrize("directed", [False, True])
def test_node_link_json_round_trip_with_either_edges_key(
    tmp_path: Path, edges_key: str, directed: bool
) -> None:
    expected = sample_graph(directed)
    expected.add_edge("x", 3, weight=1)
    expected.nodes["x"].update(name="mixed id types")
    data = nx.node_link_data(expected, edges=edges_key)
    (tmp_path / "cities.json").write_text(json.dumps(data))
    loaded = load_graph(tmp_path / "cities.json")
    assert_same_graph(loaded, expected)
    assert loaded.graph["name"] == "cities"


def test_node_link_json_without_edges_gives_isolated_nodes(tmp_path: Path) -> None:
    (tmp_path / "dots.json").write_text('{"directed": true, "nodes": [{"id": 1}, {"id": "b"}]}')
    loaded = load_graph(tmp_path / "dots.json")
    assert loaded.is_directed() and sorted(loaded, key=str) == [1, "b"] and loaded.number_of_edges() == 0


def test_csv_with_header_keeps_extra_columns_and_converts_numbers(tmp_path: Path) -> None:
    path = tmp_path / "roads.csv"
    path.write_text("From,To,w,rel,since,note\n1,2,4.5,ROAD,1999,\n2,3,1,RAIL,2001,old line\n")
    loaded = load_graph(path)
    assert not loaded.is_directed()
    assert dict(loaded.edges.items()) == {
        (1, 2): {"weight": 4.5, "type": "ROAD", "since": 1999},
        (2, 3): {"weight": 1, "type": "RAIL", "since": 2001, "note": "old line"},
    }


def test_csv_without_header_reads_source_target_weight(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("a,b,2\nb,c,0.5\n")
    assert dict(load_graph(path).edges.items()) == {("a", "b"): {"weight": 2}, ("b", "c"): {"weight": 0.5}}


def test_csv_header_recognised_by_known_third_column(tmp_path: Path) -> None:
    path = tmp_path / "who.csv"
    path.write_text("person,company,type\nAda,Acme,WORKS_AT\n")
    assert dict(load_graph(path).edges.items()) == {("Ada", "Acme"): {"type": "WORKS_AT"}}


def test_mixed_ids_in_edge_list_stay_strings_for_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "mixed.edges"
    path.write_text("1 2\n2 x\n")
    assert sorted(load_graph(path)) == ["1", "2", "x"]


def test_tsv_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "g.tsv"
    path.write_text("source\ttarget\tcapacity\n0\t1\t3\n1\t2\t4\n")
    loaded = load_graph(path, directed=True)
    assert loaded.is_directed()
    assert dict(loaded.edges.items()) == {(0, 1): {"capacity": 3}, (1, 2): {"capacity": 4}}


def test_whitespace_edge_list_with_comments_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "g.txt"
    path.write_text("# header comment\n0 1 2.5\n\n1 2   # no weight\n2 0 3\n")
    loaded = load_graph(path)
    assert dict(loaded.edges.items()) == {(0, 1): {"weight": 2.5}, (1, 2): {}, (0, 2): {"weight": 3}}


def test_edge_lists_are_undirected_unless_directed_is_passed(tmp_path: Path) -> None:
    path = tmp_path / "g.edgelist"
    path.write_text("1 2\n2 1\n")
    undirected = load_graph(path)
    assert not undirected.is_directed() and undirected.number_of_edges() == 1
    assert undirected.graph["merged_edges"] == 1
    directed = load_graph(path, directed=True)
    assert directed.is_directed() and sorted(directed.edges()) == [(1, 2), (2, 1)]
    assert "merged_edges" not in directed.graph


def test_directed_flag_converts_self_describing_formats(tmp_path: Path) -> None:
    nx.write_graphml(sample_graph(directed=False), tmp_path / "u.graphml")
    as_directed = load_graph(tmp_path / "u.graphml", directed=True)
    assert as_directed.is_directed() and as_directed.number_of_edges() == 6
    assert as_directed.edges[1, 0] == as_directed.edges[0, 1] == {"weight": 7.5, "type": "ROAD"}
    nx.write_graphml(sample_graph(directed=True), tmp_path / "d.graphml")
    assert not load_graph(tmp_path / "d.graphml", directed=False).is_directed()


def test_parallel_edges_merge_min_weight_sum_capacity_first_attributes() -> None:
    loaded = load_graph(DATA / "parallel.gml")
    assert type(loaded) is nx.Graph
    assert dict(loaded.edges.items()) == {("a", "b"): {"weight": 2, "capacity": 7, "type": "ROAD"}}
    assert loaded.graph["merged_edges"] == 1


def test_reciprocal_edges_merge_when_read_undirected(tmp_path: Path) -> None:
    path = tmp_path / "pipes.csv"
    path.write_text("source,target,weight,capacity\na,b,4,3\nb,a,1,2\n")
    assert dict(load_graph(path).edges.items()) == {("a", "b"): {"weight": 1, "capacity": 5}}


def test_label_strings_become_label_lists() -> None:
    loaded = load_graph(DATA / "people.graphml")
    assert loaded.nodes["p1"]["labels"] == ["Person", "Employee"]
    assert loaded.nodes["c1"]["labels"] == ["Company"]
    assert loaded.nodes["p2"]["labels"] == ["Person", "Manager"]
    assert loaded.is_directed() and loaded.edges["p1", "c1"] == {"type": "WORKS_AT"}


def test_name_defaults_to_file_stem_but_file_name_wins(tmp_path: Path) -> None:
    assert load_graph(DATA / "people.graphml").graph["name"] == "people"
    named = nx.Graph(name="Norway")
    named.add_edge(1, 2)
    nx.write_gml(named, tmp_path / "n.gml")
    assert load_graph(tmp_path / "n.gml").graph["name"] == "Norway"


@pytest.mark.parametrize(
    ("file_name", "line", "words"),
    [
        ("malformed_tag.graphml", 5, "mismatched tag"),
        ("malformed_token.gml", 4, "cannot tokenize"),
        ("malformed_comma.json", 3, "invalid JSON"),
        ("wrong_columns.csv", 3, "expected 3 columns, found 2"),
        ("bad_weight.csv", 4, "weight 'heavy' is not a number"),
        ("missing_endpoint.tsv", 3, "missing source or target"),
        ("bad_line.edgelist", 4, "found 4 fields"),
        ("bad_weight.txt", 2, "weight 'x' is not a number"),
    ],
)
def test_malformed_files_name_file_line_and_problem(file_name: str, line: int, words: str) -> None:
    with pytest.raises(GraphFormatError) as caught:
        load_graph(DATA / file_name)
    assert caught.value.details["line"] == line
    assert caught.value.details["path"].endswith(file_name)
    assert words in caught.value.details["problem"]
    assert f"{file_name}:{line}:" in str(caught.value)


def test_csv_quoted_cells_may_hold_delimiters_and_unclosed_quote_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text('source,target,note\n"Oslo, NO",Bergen,"a, b"\n')
    assert dict(load_graph(path).edges.items()) == {("Oslo, NO", "Bergen"): {"note": "a, b"}}
    path.write_text('source,target\na,b\n"c,d\n')
    with pytest.raises(GraphFormatError, match="invalid CSV") as caught:
        load_graph(path)
    assert caught.value.details["line"] == 3


@pytest.mark.parametrize("first_row", ["a,b,1,x", "lonely"])
def test_headerless_csv_needs_two_or_three_columns(tmp_path: Path, first_row: str) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(f"# comment\n{first_row}\n")
    with pytest.raises(GraphFormatError, match="2 or 3 columns") as caught:
        load_graph(path)
    assert caught.value.details["line"] == 2


@pytest.mark.parametrize("header", ["source,target,,note", "source,target,year,year"])
def test_csv_header_with_empty_or_repeated_names_is_rejected(tmp_path: Path, header: str) -> None:
    path = tmp_path / "h.csv"
    path.write_text(f"{header}\na,b,1,2\n")
    with pytest.raises(GraphFormatError, match="non-empty and distinct") as caught:
        load_graph(path)
    assert caught.value.details["line"] == 1


@pytest.mark.parametrize("text", ["[1, 2]", '{"edges": []}', '{"nodes": [{"name": "no id"}]}'])
def test_json_that_is_not_node_link_is_rejected(tmp_path: Path, text: str) -> None:
    (tmp_path / "bad.json").write_text(text)
    with pytest.raises(GraphFormatError, match="node-link"):
        load_graph(tmp_path / "bad.json")


@pytest.mark.parametrize("file_name", ["empty.csv", "comments_only.txt"])
def test_file_without_edges_is_a_clear_error(file_name: str) -> None:
    with pytest.raises(GraphFormatError, match="file is empty|no edges found"):
        load_graph(DATA / file_name)


@pytest.mark.parametrize("suffix", [".graphml", ".gml", ".json", ".csv"])
def test_empty_file_of_every_format_is_a_clear_error(tmp_path: Path, suffix: str) -> None:
    (tmp_path / f"e{suffix}").write_text("  \n")
    with pytest.raises(GraphFormatError, match="file is empty"):
        load_graph(tmp_path / f"e{suffix}")


def test_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(GraphFormatError, match="file not found"):
        load_graph(tmp_path / "nope.graphml")


def test_binary_file_is_a_format_error(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(GraphFormatError, match="not UTF-8"):
        load_graph(tmp_path / "b.csv")


def test_detect_format_by_extension_and_unknown_extension_error() -> None:
    assert {
        detect_format(f"g{suffix.upper()}") for suffixes in SUPPORTED_FORMATS.values() for suffix in suffixes
    } == set(SUPPORTED_FORMATS)
    assert detect_format("a.edges") == detect_format("a.txt") == "edgelist"
    with pytest.raises(GraphFormatError, match="unknown file extension '.xlsx'"):
        detect_format("sheet.xlsx")


def test_explicit_format_overrides_extension(tmp_path: Path) -> None:
    path = tmp_path / "data.dat"
    path.write_text("1,2\n")
    assert list(load_graph(path, fmt="csv").edges()) == [(1, 2)]
    with pytest.raises(GraphFormatError, match="unknown format 'xls'"):
        load_graph(path, fmt="xls")
