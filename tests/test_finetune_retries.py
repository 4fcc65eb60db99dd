"""Training turns that recover from a wrong schema name (``finetune.data.retries``): the wrong guess fails with
an error that lists the right name, the retry is the original call, only the train split has them, and their DPO
pairs are about recovering, never preferring the wrong guess."""

from __future__ import annotations

import random
from functools import cache

from langchain_core.messages import HumanMessage, ToolMessage

from finetune.data.conversations import build_conversation
from finetune.data.families import make_graph
from finetune.data.negatives import preference_pairs
from finetune.data.retries import SCHEMA_ARGS, near_misses, with_schema_retry
from finetune.data.tasks_kg import find_by_property, related_in
from graphs.networkx_backend import NetworkxBackend


def test_near_misses_vary_number_case_and_compound_parts_and_never_give_the_name_itself():
    guesses = near_misses("WORKS_AT", random.Random(1))
    assert {"WORKS_ATS", "WORKS", "AT", "WORKSAT", "works_at"} <= set(guesses)
    assert "WORKS_AT" not in guesses and len(guesses) == len(set(guesses))
    assert near_misses("pages", random.Random(1))[:2] == ["page", "PAGES"]


def retried(builder, seed_from: int):
    """The first turn of ``builder`` that ``with_schema_retry`` turned into a recovery, with the plain turn."""
    for seed in range(seed_from, seed_from + 200):
        rng = random.Random(seed)
        fg = make_graph("domain_kg", rng)
        backend = NetworkxBackend(fg.graph)
        plain = builder(fg, backend, rng)
        if plain is None:
            continue
        turn = with_schema_retry(plain, backend, rng)
        if turn.recovers:
            return plain, turn
    raise AssertionError("no turn was retried")


def test_a_retried_turn_fails_on_a_wrong_name_listing_the_right_one_then_makes_the_original_call():
    for builder in (find_by_property, related_in):
        plain, turn = retried(builder, 0)
        wrong, *rest = turn.calls
        assert rest == plain.calls and (turn.answer, turn.gold, turn.task) == (plain.answer, plain.gold, plain.task)
        changed = [key for key in wrong.args if wrong.args[key] != plain.calls[0].args[key]]
        assert len(changed) == 1 and changed[0] in SCHEMA_ARGS and wrong.name == plain.calls[0].name
        assert wrong.result["error"] == "invalid_argument"
        assert plain.calls[0].args[changed[0]] in wrong.result["known"]


@cache
def recovering_train_conversations():
    """The conversations among 300 train ones (seed 4) whose first turn recovers from a wrong schema name."""
    return [c for c in (build_conversation(4, "train", i) for i in range(300)) if c.turns[0].recovers]


def test_only_the_train_split_has_recovering_turns_and_their_messages_show_the_error():
    recovering = recovering_train_conversations()
    assert len(recovering) >= 5
    for convo in recovering:
        tool_messages = [m for m in convo.messages if isinstance(m, ToolMessage)]
        assert '"invalid_argument"' in tool_messages[0].content and "error" not in tool_messages[1].content
    held = [build_conversation(4, split, i) for split in ("validation", "test") for i in range(150)]
    assert not any(turn.recovers for convo in held for turn in convo.turns)


def test_dpo_pairs_of_a_recovering_turn_reject_giving_up_and_never_choose_the_wrong_guess():
    convo = recovering_train_conversations()[0]
    pairs = preference_pairs(convo, random.Random(0), 20)
    failures = {pair["failure"] for pair in pairs}
    assert "gives_up" in failures
    for pair in pairs:
        assert not isinstance(pair["prompt"][-1], HumanMessage)  # no pair at the wrong first guess
        if pair["failure"] == "gives_up":
            assert '"invalid_argument"' in pair["prompt"][-1].content
            assert pair["chosen"][0].tool_calls and not pair["rejected"][0].tool_calls
