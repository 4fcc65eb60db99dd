"""Training turns that recover from a wrong first call (``finetune.data.retries``): a wrong schema name fails
with an error that lists the right name, a path question sent to a flow tool fails because the graph has no
capacities, the retry is the original call; a relationship question asked the wrong way round finds nothing and
answers from the other direction. Only the train split has them, and their DPO pairs are about recovering, never
preferring the wrong guess."""

from __future__ import annotations

import random
from functools import cache

from langchain_core.messages import HumanMessage, ToolMessage
from transformers.utils.chat_template_utils import render_jinja_template

from agent.template import CHAT_TEMPLATE, TURN_END, render_tool_call
from finetune.data.conversations import build_conversation
from finetune.data.families import make_graph
from finetune.data.negatives import preference_pairs
from finetune.data.retries import (
    CONFUSED_TOOLS,
    SCHEMA_ARGS,
    as_served,
    near_misses,
    with_direction_retry,
    with_schema_retry,
    with_tool_retry,
)
from finetune.data.tasks_core import shortest_path, weighted_path
from finetune.data.tasks_kg import find_by_property, related_in, related_out
from finetune.records import conversation_record
from graphs.networkx_backend import NetworkxBackend


def test_near_misses_vary_number_case_and_compound_parts_and_never_give_the_name_itself():
    guesses = near_misses("WORKS_AT", random.Random(1))
    assert {"WORKS_ATS", "WORKS", "AT", "WORKSAT", "works_at"} <= set(guesses)
    assert "WORKS_AT" not in guesses and len(guesses) == len(set(guesses))
    assert near_misses("pages", random.Random(1))[:2] == ["page", "PAGES"]


def retried(builder, seed_from: int, family: str = "domain_kg", retry=with_schema_retry):
    """The first turn of ``builder`` on ``family`` that ``retry`` turned into a recovery, with the plain turn and
    the graph they were made on."""
    for seed in range(seed_from, seed_from + 200):
        rng = random.Random(seed)
        fg = make_graph(family, rng)
        backend = NetworkxBackend(fg.graph)
        plain = builder(fg, backend, rng)
        if plain is None:
            continue
        turn = retry(plain, backend, rng)
        if turn.recovers:
            return plain, turn, backend
    raise AssertionError("no turn was retried")


def test_a_retried_turn_fails_on_a_wrong_name_listing_the_right_one_then_makes_the_original_call():
    for builder in (find_by_property, related_in):
        plain, turn, _ = retried(builder, 0)
        wrong, *rest = turn.calls
        assert rest == plain.calls and (turn.answer, turn.gold, turn.task) == (plain.answer, plain.gold, plain.task)
        changed = [key for key in wrong.args if wrong.args[key] != plain.calls[0].args[key]]
        assert len(changed) == 1 and changed[0] in SCHEMA_ARGS and wrong.name == plain.calls[0].name
        assert wrong.result["error"] == "invalid_argument"
        assert plain.calls[0].args[changed[0]] in wrong.result["known"]


def test_a_path_turn_sent_to_a_flow_tool_fails_for_want_of_capacities_then_makes_the_original_call():
    for builder, family in ((shortest_path, "grid"), (weighted_path, "weighted")):
        plain, turn, _ = retried(builder, 0, family, with_tool_retry)
        wrong, *rest = turn.calls
        assert rest == plain.calls and (turn.answer, turn.gold, turn.task) == (plain.answer, plain.gold, plain.task)
        assert wrong.name in CONFUSED_TOOLS["shortest_path"]
        assert (wrong.args["source"], wrong.args["sink"]) == (plain.calls[0].args["source"],
                                                              plain.calls[0].args["target"])
        assert wrong.result["error"] == "invalid_argument" and "capacity" in wrong.result["message"]


def test_a_path_turn_on_a_graph_with_capacities_is_never_given_a_flow_tool_first():
    """There the flow tool would answer, so a failed first call could not be shown: the turn stays as it was."""
    for seed in range(40):
        rng = random.Random(seed)
        fg = make_graph("flow", rng)
        backend = NetworkxBackend(fg.graph)
        plain = shortest_path(fg, backend, rng)
        if plain is not None:
            assert with_tool_retry(plain, backend, rng) == plain


def test_a_relationship_turn_asked_the_wrong_way_finds_nothing_and_answers_from_the_other_direction():
    for builder in (related_in, related_out):
        plain, turn, _ = retried(builder, 0, retry=with_direction_retry)
        (wrong,) = turn.calls
        (right,) = plain.calls
        assert {**wrong.args, "direction": right.args["direction"]} == right.args
        assert wrong.args["direction"] != right.args["direction"]
        assert wrong.result["count"] == 0
        assert wrong.result["other_direction"] == {"direction": right.args["direction"], **right.result}
        way = "incoming" if wrong.args["direction"] == "in" else "outgoing"
        assert turn.answer.startswith(f"{plain.slots['a']} has no {way} {plain.slots['rel']} relationships; ")
        assert turn.answer.endswith(plain.answer) and (turn.gold, turn.task) == (plain.gold, plain.task)


@cache
def train_conversations():
    return [build_conversation(4, "train", i) for i in range(300)]


@cache
def recovering_train_conversations():
    """The train conversations (seed 4) whose first turn recovers from a failed call (a retry follows it)."""
    return [c for c in train_conversations() if c.turns[0].recovers and len(c.turns[0].calls) > 1]


def test_a_wrong_direction_carries_no_training_loss_and_its_pairs_reject_leaving_the_other_direction_out():
    convo = next(c for c in train_conversations() if c.turns[-1].recovers and len(c.turns[-1].calls) == 1)
    record = conversation_record(convo.messages, tools=convo.tools, graph_context=convo.graph_context)
    rendered, spans = render_jinja_template([record["messages"]], tools=record["tools"],
                                            chat_template=CHAT_TEMPLATE, return_assistant_tokens_mask=True,
                                            **record["chat_template_kwargs"])
    trained = [rendered[0][start:end] for start, end in spans[0]]
    assert trained[-1].startswith(convo.turns[-1].answer) and not any("<call>" in text for text in trained[-1:])
    assert render(convo.turns[-1].calls[0]) not in trained
    pairs = preference_pairs(convo, random.Random(0), 20)
    ignored = [pair for pair in pairs if pair["failure"] == "ignores_other_direction"]
    assert len(ignored) == 1 and '"other_direction"' in ignored[0]["prompt"][-1].content
    assert ignored[0]["rejected"][0].content.endswith(" relationships.")
    assert ignored[0]["chosen"][0].content == convo.turns[-1].answer


def test_only_the_train_split_has_recovering_turns_and_their_messages_show_the_error():
    recovering = recovering_train_conversations()
    assert len(recovering) >= 5
    for convo in recovering:
        tool_messages = [m for m in convo.messages if isinstance(m, ToolMessage)]
        assert '"invalid_argument"' in tool_messages[0].content and "error" not in tool_messages[1].content
    held = [build_conversation(4, split, i) for split in ("validation", "test") for i in range(150)]
    assert not any(turn.recovers for convo in held for turn in convo.turns)


def test_the_wrong_first_call_of_a_recovering_turn_carries_no_training_loss():
    for convo in recovering_train_conversations()[:5]:
        record = conversation_record(convo.messages, tools=convo.tools, graph_context=convo.graph_context)
        rendered, spans = render_jinja_template([record["messages"]], tools=record["tools"],
                                                chat_template=CHAT_TEMPLATE, return_assistant_tokens_mask=True,
                                                **record["chat_template_kwargs"])
        trained = [rendered[0][start:end] for start, end in spans[0]]
        wrong, right = convo.turns[0].calls[:2]
        assert not any(text.startswith(f"<call>{wrong.name} ") and text == render(wrong) for text in trained)
        assert trained[0] == render(right) and trained[1].startswith(convo.turns[0].answer)


def render(call) -> str:
    return render_tool_call(call.name, call.args) + TURN_END


def test_dpo_pairs_of_a_recovering_turn_reject_giving_up_and_never_choose_the_wrong_guess():
    convo = next(c for c in recovering_train_conversations() if c.turns[-1].recovers)  # pairs are for the last
    pairs = preference_pairs(convo, random.Random(0), 20)
    failures = {pair["failure"] for pair in pairs}
    assert "gives_up" in failures
    for pair in pairs:
        assert not isinstance(pair["prompt"][-1], HumanMessage)  # no pair at the wrong first guess
        if pair["failure"] == "gives_up":
            assert '"invalid_argument"' in pair["prompt"][-1].content
            assert pair["chosen"][0].tool_calls and not pair["rejected"][0].tool_calls


def test_a_wrong_name_the_question_writes_correctly_is_dropped_since_serving_grounds_it():
    plain, turn, backend = retried(find_by_property, 0)
    wrong = turn.calls[0]
    right = next(plain.calls[0].args[key] for key in wrong.args if wrong.args[key] != plain.calls[0].args[key])
    served = as_served(turn, backend, f"Which nodes have {right} set to that?")
    assert served.calls == plain.calls and not served.recovers
    assert as_served(turn, backend, "Which nodes have that set to that?") is turn  # nothing to ground from
    assert as_served(plain, backend, f"Which nodes have {right} set to that?") is plain
