"""Human evaluation aggregated from a real trajectory log: ratings, corrections, blind A/B win rates."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.trajectory import TrajectoryLog
from finetune.human_eval import comparison_rows, run, wilson_interval

PNG_MAGIC = b"\x89PNG"


def _finished_run(log: TrajectoryLog, question: str, adapter: str | None) -> str:
    run_id = log.start_run(question, engine="llamacpp", adapter_id=adapter)
    log.finish_run(run_id, status="ok", answer="an answer")
    return run_id


def _judged_log(path: Path) -> None:
    """base: 3 runs (2 correct, 1 incorrect with a correction); sft: 2 runs (1 correct, 1 unrated);
    A/B base vs sft: sft wins 3 (one of them recorded with sides swapped), base wins 1, one tie, one both bad."""
    with TrajectoryLog(path) as log:
        base = [_finished_run(log, f"q{i}", None) for i in range(3)]
        sft = [_finished_run(log, f"q{i}", "sft") for i in range(2)]
        log.set_human_label(base[0], "correct")
        log.set_human_label(base[1], "correct")
        log.set_human_label(base[2], "incorrect", correction="Oslo, Drammen, Bergen")
        log.set_human_label(sft[0], "correct")
        for choice in ("b", "b", "a", "tie", "both_bad"):
            log.record_comparison("q0", base[0], sft[0], "base", "sft", choice)
        log.record_comparison("q1", sft[1], base[1], "sft", "base", "a")


def test_a_missing_log_is_reported_as_empty_and_not_created(tmp_path: Path) -> None:
    log_path = tmp_path / "absent.sqlite"
    result = run(log_path, out_dir=tmp_path / "out")
    assert result["summary"]["status"] == "no human ratings or A/B choices in the log yet"
    assert result["summary"]["rated_runs"] == 0 and result["plots"] == []
    assert "no human ratings" in result["table_md"]
    assert not log_path.exists()


def test_a_log_with_runs_but_no_judgements_says_so_with_the_run_count(tmp_path: Path) -> None:
    with TrajectoryLog(tmp_path / "t.sqlite") as log:
        _finished_run(log, "q", None)
    result = run(tmp_path / "t.sqlite", out_dir=tmp_path / "out")
    assert result["summary"]["status"].startswith("no human ratings")
    assert "(1 runs logged)" in result["table_md"]
    assert result["plots"] == []


def test_ratings_and_corrections_are_counted_per_configuration(tmp_path: Path) -> None:
    _judged_log(tmp_path / "t.sqlite")
    result = run(tmp_path / "t.sqlite", out_dir=tmp_path / "out")
    by_config = {row["config"]: row for row in result["data"]["ratings"]}
    assert (by_config["base"]["runs"], by_config["base"]["correct"], by_config["base"]["incorrect"]) == (3, 2, 1)
    assert by_config["base"]["corrections"] == 1
    assert (by_config["sft"]["runs"], by_config["sft"]["rated"], by_config["sft"]["correct"]) == (2, 1, 1)
    assert result["summary"]["rated_correct[base]"] == pytest.approx(2 / 3, abs=1e-4)
    assert result["summary"]["corrections"] == 1


def test_ab_choices_are_merged_per_pair_whichever_side_each_configuration_was_shown_on(tmp_path: Path) -> None:
    _judged_log(tmp_path / "t.sqlite")
    result = run(tmp_path / "t.sqlite", out_dir=tmp_path / "out")
    [pair] = result["data"]["pairs"]
    assert (pair["first"], pair["second"]) == ("base", "sft")
    assert (pair["first_wins"], pair["second_wins"], pair["ties"], pair["both_bad"]) == (1, 3, 1, 1)
    assert pair["first_win_rate"] == pytest.approx(0.25)
    low, high = pair["first_win_ci"]
    assert low < 0.25 < high
    assert result["summary"]["win_rate[base vs sft]"] == pytest.approx(0.25)
    assert "base vs sft" in result["table_md"]


def test_plots_are_written_as_png_files_named_in_the_result(tmp_path: Path) -> None:
    _judged_log(tmp_path / "t.sqlite")
    out = tmp_path / "out"
    result = run(tmp_path / "t.sqlite", out_dir=out)
    assert [plot["file"] for plot in result["plots"]] == ["human_ratings.png", "human_ab.png"]
    for plot in result["plots"]:
        assert (out / plot["file"]).read_bytes()[:4] == PNG_MAGIC
        assert plot["caption"]


def test_wilson_interval_matches_the_textbook_value_and_has_none_without_trials() -> None:
    low, high = wilson_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    assert wilson_interval(0, 0) is None


def test_a_pair_with_only_ties_has_no_win_rate() -> None:
    rows = comparison_rows([{"config_a": "x", "config_b": "y", "choice": "tie"}])
    assert rows[0]["first_win_rate"] is None and rows[0]["first_win_ci"] is None
