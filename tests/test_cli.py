"""The `graph-agent` command line: the contract later issues build on (graph info, tools list/call, cache)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tools.registry import TOOLS
from tui.cli import main


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("GRAPH_AGENT_CACHE_DIR", str(directory))
    return directory


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, object]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_graph_info_describes_the_default_sample(capsys: pytest.CaptureFixture[str]) -> None:
    code, info = run_json(capsys, "graph", "info", "--json")
    assert code == 0
    assert info["backend"] == "networkx"
    assert (info["nodes"], info["edges"], info["directed"]) == (28, 34, False)
    assert len(info["fingerprint"]) == 64


def test_graph_info_text_output_names_labels_and_types(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "info", "--sample", "company_kg"]) == 0
    out = capsys.readouterr().out
    assert "directed" in out and "nodes: 26" in out
    assert "WORKS_AT" in out and "Person" in out


def test_graph_info_reads_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "g.csv"
    path.write_text("source,target,weight\na,b,2\nb,c,3\n")
    code, info = run_json(capsys, "graph", "info", "--graph", str(path), "--directed", "--json")
    assert code == 0
    assert (info["nodes"], info["edges"], info["directed"], info["weighted"]) == (3, 2, True, True)


def test_a_malformed_file_is_one_clear_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("source,target,weight\na,b,2\nb,c,heavy\n")
    assert main(["graph", "info", "--graph", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "bad.csv:3" in err and err.count("\n") == 1


def test_an_unknown_sample_names_the_available_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "info", "--sample", "nope"]) == 2
    assert "nordic_roads" in capsys.readouterr().err


def test_tools_list_json_describes_the_whole_suite(capsys: pytest.CaptureFixture[str]) -> None:
    code, specs = run_json(capsys, "tools", "list", "--json")
    assert code == 0
    assert [s["name"] for s in specs] == [t.name for t in TOOLS]
    for spec in specs:
        assert spec["description"]
        assert spec["parameters"]["type"] == "object"


def test_tools_call_prints_the_exact_result(capsys: pytest.CaptureFixture[str]) -> None:
    args = json.dumps({"source": "Oslo", "target": "Copenhagen", "weight": "weight"})
    code, result = run_json(capsys, "tools", "call", "shortest_path", "--sample", "nordic_roads", "--args", args)
    assert code == 0
    assert result["path"] == ["Oslo", "Gothenburg", "Malmö", "Copenhagen"]
    assert result["total_weight"] == 295 + 275 + 45


def test_tools_call_unknown_node_returns_close_matches_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, result = run_json(capsys, "tools", "call", "node_info", "--args", '{"node": "Oslp"}')
    assert code == 1
    assert result["error"] == "node_not_found"
    assert "Oslo" in result["close_matches"]


def test_tools_call_rejects_args_that_are_not_a_json_object() -> None:
    with pytest.raises(SystemExit, match="not valid JSON"):
        main(["tools", "call", "degree", "--args", "{node: Oslo}"])
    with pytest.raises(SystemExit, match="JSON object"):
        main(["tools", "call", "degree", "--args", "[1, 2]"])


def test_cache_stats_count_a_repeated_call_as_a_hit(capsys: pytest.CaptureFixture[str]) -> None:
    for _ in range(2):
        main(["tools", "call", "degree", "--args", '{"node": "Oslo"}'])
    capsys.readouterr()
    code, stats = run_json(capsys, "cache", "stats", "--json")
    assert code == 0
    assert (stats["tool"]["hits"], stats["tool"]["misses"]) == (1, 1)
    assert main(["cache", "clear"]) == 0
    capsys.readouterr()
    _, stats = run_json(capsys, "cache", "stats", "--json")
    assert stats["entries"] == 0


def test_the_console_script_runs_in_a_fresh_process(private_cache: Path) -> None:
    script = Path(sys.executable).with_name("graph-agent")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "tui.cli"]
    env = {**os.environ, "GRAPH_AGENT_CACHE_DIR": str(private_cache)}
    done = subprocess.run(
        [*command, "tools", "call", "has_path", "--args", '{"source": "Oslo", "target": "Reykjavik"}'],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"has_path": False}


def test_chat_without_a_terminal_says_to_use_ask(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chat", "--sample", "nordic_roads"]) == 2
    assert "needs an interactive terminal" in capsys.readouterr().err
