"""``graph-agent bench tools|agent|cache|scale|all``: options, errors, files written, and ``bench.md``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import agent.engines
from tests.test_scalability import oracle_engine
from tui.cli import build_parser, main


@pytest.fixture
def oracle(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every engine the bench commands load is the scripted oracle; data and caches live under tmp_path."""
    monkeypatch.setattr(agent.engines, "make_engine", lambda *args, **kwargs: oracle_engine())
    monkeypatch.setenv("GRAPH_AGENT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GRAPH_AGENT_CACHE_DIR", str(tmp_path / "cache"))


def test_every_bench_subcommand_is_registered() -> None:
    parser = build_parser()
    for action in ("tools", "agent", "train", "cache", "scale", "all"):
        args = parser.parse_args(["bench", action])
        assert args.action == action and callable(args.func)


@pytest.mark.parametrize("argv", [
    ["bench", "tools", "--sizes", "100,many"],
    ["bench", "scale", "--sizes", "-5"],
    ["bench", "cache", "--requests", "0"],
    ["bench", "all", "--only", "cache,nonsense"],
    ["bench", "train", "--steps", "1"],
])
def test_bad_options_give_one_error_line_and_exit_status_2(argv: list[str], capsys: pytest.CaptureFixture) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")


def test_bench_tools_still_writes_its_json(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "tools.json"
    assert main(["bench", "tools", "--sizes", "100", "--bolt-sizes", "", "--repeats", "1", "--out", str(out)]) == 0
    results = json.loads(out.read_text())
    assert [row["edges"] for row in results["networkx"]] == [100] and results["bolt"] == []
    assert "networkx backend (median per call)" in capsys.readouterr().out


def test_bench_cache_prints_its_table_and_writes_json_and_plots(tmp_path: Path, oracle: None,
                                                                capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "cache-out"
    assert main(["bench", "cache", "--quick", "--requests", "5", "--out", str(out)]) == 0
    result = json.loads((out / "cache_replay.json").read_text())
    assert result["summary"]["requests"] == 5
    assert (out / "cache_hit_ratio.png").is_file() and (out / "cache_latency.png").is_file()
    printed = capsys.readouterr().out
    assert "Cache hit ratio" in printed and "| answer_hit_ratio" in printed


def test_bench_scale_defaults_its_output_to_the_user_data_dir(tmp_path: Path, oracle: None) -> None:
    assert main(["bench", "scale", "--quick", "--sizes", "100", "--bolt-sizes", ""]) == 0
    out = tmp_path / "data" / "bench"
    result = json.loads((out / "scalability.json").read_text())
    assert [point["edges"] for point in result["data"]["points"]] == [100]
    assert (out / "scalability.png").is_file()


def test_bench_all_gathers_the_chosen_sections_in_bench_md(tmp_path: Path, oracle: None) -> None:
    out = tmp_path / "all"
    assert main(["bench", "all", "--quick", "--only", "cache,scale", "--out", str(out)]) == 0
    report = (out / "bench.md").read_text()
    assert report.index("## Cache hit ratio") < report.index("## Scalability")
    assert "| answer_hit_ratio" in report and "| bolt" in report
    assert "graph-agent bench all --quick --only cache,scale" in report
    assert (out / "cache_replay.json").is_file() and (out / "scalability.json").is_file()
