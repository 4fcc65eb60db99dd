"""DPO pairs from a generated conversation: the right next model turn (chosen) against a realistic failure
(rejected) at the same point of the conversation.

Failures, each named in the pair's provenance: ``wrong_tool``, ``swapped_args``, ``wrong_node``,
``hallucinated`` (an answer with no tool call), ``malformed_call``, ``extra_call`` (a call where the answer is
due), ``contradicts_result``, ``verbose`` (the result buried in chatter), ``gives_up`` (no retry after a close
match or a wrong schema name), ``ignores_other_direction`` (nothing found in the asked direction, the other one's
edges left out), ``false_claim`` (pretending to have changed the graph) and ``unneeded_call`` (a
tool for small talk or a write request). Every rejected turn is one model turn, like the chosen one.
"""

from __future__ import annotations

import json
import random
import re
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.messages.tool import tool_call
from pydantic import ValidationError

from agent.template import parse_model_turn
from finetune.data.conversations import Conversation
from finetune.data.turns import Call, node_ref, show
from tools.registry import get_tool

CONFUSED_WITH = {
    "has_path": "shortest_path", "shortest_path": "has_path", "degree": "neighbors", "neighbors": "degree",
    "count_nodes": "count_edges", "count_edges": "count_nodes", "k_hop": "neighbors", "node_info": "degree",
    "connected_components": "find_cycle", "find_cycle": "hamiltonian_path", "topological_order": "find_cycle",
    "is_bipartite": "max_matching", "triangles": "find_cycle", "diameter": "graph_summary", "centrality": "degree",
    "max_flow": "min_cut", "min_cut": "max_flow", "max_matching": "is_bipartite", "hamiltonian_path": "find_cycle",
    "subgraph_match": "triangles", "similarity": "neighbors", "graph_summary": "count_nodes",
    "find_nodes": "count_nodes", "compare_degree": "degree",
}
"""For each tool, the tool a small model most plausibly picks instead."""

_NODE_ARGS = ("node", "source", "target", "sink", "a", "b")
_PAIRS = (("source", "target"), ("source", "sink"), ("a", "b"))
_SYMMETRIC = frozenset({"has_path", "similarity"})


def preference_pairs(convo: Conversation, rng: random.Random, count: int) -> list[dict[str, Any]]:
    """Up to ``count`` pairs ``{"prompt", "chosen", "rejected", "failure"}`` (lists of messages) for the last
    turn of ``convo``, each with a different failure."""
    candidates = _candidates(convo, rng)
    rng.shuffle(candidates)
    chosen, seen = [], set()
    for pair in candidates:
        if pair["failure"] not in seen:
            seen.add(pair["failure"])
            chosen.append(pair)
        if len(chosen) == count:
            break
    return chosen


def _candidates(convo: Conversation, rng: random.Random) -> list[dict[str, Any]]:
    messages, turn = convo.messages, convo.turns[-1]
    start = max(i for i, m in enumerate(messages) if isinstance(m, HumanMessage))
    calls_at = [i for i in range(start + 1, len(messages) - 1) if isinstance(messages[i], AIMessage)]
    answer_at = len(messages) - 1
    out: list[dict[str, Any]] = []

    def pair(at: int, rejected: BaseMessage | None, failure: str) -> None:
        if rejected is not None:
            out.append({"prompt": messages[:at], "chosen": [messages[at]], "rejected": [rejected], "failure": failure})

    if not turn.calls:
        first = next(iter(convo.graph.graph), 0)
        pair(answer_at, _call_message("neighbors", {"node": turn.slots.get("a", first)}), "unneeded_call")
        if turn.task == "write_refusal":
            pair(answer_at, AIMessage(f"Done: I updated the graph for {show(turn.slots['a'])}."), "false_claim")
        else:
            pair(answer_at, _call_message("graph_summary", {}), "unneeded_call")
        return out
    first_at, first_call = calls_at[0], turn.calls[0]
    if turn.recovers and len(calls_at) == 1:  # asked the wrong direction: the answer must read the other one
        nothing = f"{show(turn.slots['a'])} has no {turn.slots['rel']} relationships."
        pair(answer_at, AIMessage(nothing), "ignores_other_direction")
    elif turn.recovers:  # the first call is a wrong guess on purpose: the pairs are about recovering from it
        pair(calls_at[1], AIMessage(f"I could not answer that: {first_call.result['message']}"), "gives_up")
    else:
        pair(first_at, _wrong_tool(first_call, convo, rng), "wrong_tool")
        pair(first_at, _swapped(first_call, convo), "swapped_args")
        pair(first_at, _wrong_node(first_call, convo, rng), "wrong_node")
        pair(first_at, AIMessage(turn.answer), "hallucinated")
        pair(first_at, AIMessage(_malformed(first_call, rng)), "malformed_call")
    if turn.task == "typo_degree":
        pair(calls_at[1], AIMessage(f"There is no node {show(turn.slots['a'])} in the graph."), "gives_up")
    last = turn.calls[-1]
    pair(answer_at, _call_message(last.name, last.args), "extra_call")
    pair(answer_at, _contradiction(turn.answer, convo, rng), "contradicts_result")
    pair(answer_at, AIMessage(_verbose(turn.answer, last.name)), "verbose")
    return out


def _call_message(name: str, args: dict[str, Any]) -> AIMessage:
    return AIMessage("", tool_calls=[tool_call(name=name, args=args, id="call_rejected")])


def _valid(name: str, args: dict[str, Any]) -> bool:
    try:
        get_tool(name).args_model.model_validate(args)
    except ValidationError:
        return False
    return True


def _graph_nodes(convo: Conversation) -> list[Any]:
    fg = convo.graph
    return [node_ref(fg, n) for n in sorted(fg.graph, key=str)]


def _wrong_tool(call: Call, convo: Conversation, rng: random.Random) -> AIMessage | None:
    name = CONFUSED_WITH.get(call.name)
    if name is None:
        return None
    named = [call.args[k] for k in _NODE_ARGS if k in call.args] + list(call.args.get("nodes", ()))
    nodes = named + rng.sample(_graph_nodes(convo), 2)
    fields = get_tool(name).args_model.model_fields
    args, taken = {}, iter(nodes)
    for key, info in fields.items():
        if info.is_required():
            args[key] = next(taken)
    return _call_message(name, args) if _valid(name, args) else None


def _swapped(call: Call, convo: Conversation) -> AIMessage | None:
    if call.name in _SYMMETRIC and not convo.graph.graph.is_directed():
        return None
    for first, second in _PAIRS:
        if first in call.args and second in call.args:
            args = {**call.args, first: call.args[second], second: call.args[first]}
            return _call_message(call.name, args)
    return None


def _wrong_node(call: Call, convo: Conversation, rng: random.Random) -> AIMessage | None:
    keys = [k for k in _NODE_ARGS if k in call.args]
    listed = list(call.args.get("nodes", ()))
    if not keys and not listed:
        return None
    others = [n for n in _graph_nodes(convo) if n not in call.args.values() and n not in listed]
    if not others:
        return None
    if not keys:
        listed[rng.randrange(len(listed))] = rng.choice(others)
        return _call_message(call.name, {**call.args, "nodes": listed})
    return _call_message(call.name, {**call.args, rng.choice(keys): rng.choice(others)})


def _malformed(call: Call, rng: random.Random) -> str:
    body = json.dumps(call.args, ensure_ascii=False, separators=(",", ":"))
    bare_keys = re.sub(r'"(\w+)":', r"\1:", body)
    python_style = ", ".join(f"{key}={value!r}" for key, value in call.args.items())
    shapes = (
        f"<call>{call.name} {body}",
        f"<call>{call.name}({python_style})</call>",
        f"<call>{call.name} {bare_keys}</call>",
        f"<call>{call.name} {body}</call> Let me check that.",
    )
    invalid = [shape for shape in shapes if parse_model_turn(shape, [call.name]).invalid_tool_calls]
    return rng.choice(invalid)


def _contradiction(answer: str, convo: Conversation, rng: random.Random) -> AIMessage | None:
    numbers = list(re.finditer(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])", answer))
    if answer.startswith("Yes"):
        return AIMessage("No" + answer[3:])
    if answer.startswith("No,"):
        return AIMessage("Yes," + answer[3:])
    names = [n for n in _graph_nodes(convo) if isinstance(n, str) and re.search(rf"\b{re.escape(n)}\b", answer)]
    others = [n for n in _graph_nodes(convo) if isinstance(n, str) and n not in answer]
    if names and others:
        old = rng.choice(names)
        return AIMessage(re.sub(rf"\b{re.escape(old)}\b", rng.choice(others), answer, count=1))
    if numbers:
        m = rng.choice(numbers)
        value = float(m.group(0)) if "." in m.group(0) else int(m.group(0))
        changed = value + 1 if value == 0 or rng.random() < 0.5 else value - 1
        text = f"{changed:g}" if isinstance(changed, float) else str(changed)
        return AIMessage(answer[: m.start()] + text + answer[m.end():])
    return None


def _verbose(answer: str, tool: str) -> str:
    return (
        "Great question! Let me walk you through how I approached this, step by step. I looked carefully at the "
        f"graph and used the {tool} tool, which works directly on the graph's structure, and then I thought "
        f"about what its result means for your question. Here is what I found: {answer} I hope this detailed "
        "explanation helps, and let me know if there is anything else about the graph I can check for you!"
    )
