"""Build one training conversation exactly as the agent would hold it: the active graph, the graph context line,
the user turn the model sees, the tool calls, the tool results and the answer.

Two kinds of question:

- about the **active graph** (a file the user opened): the context names the file, as ``open_backend`` does;
- carrying **its own graph** in text: the full text goes through ``agent.ingest.split_question`` (the agent's
  own parser step), the model sees only what remains of the question, and the graph context describes the
  parsed scratch graph. Such a text is used only if the parser reads back exactly the intended graph and
  question.

A conversation may continue with a follow-up that relies on memory ("And B?"). Everything is drawn from one
``random.Random`` seeded by (seed, split, index), so a conversation does not depend on any other.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.messages.tool import tool_call

from agent.ingest import describe_graph, scratch_backend, scratch_data, split_question
from finetune.data.catalog import BUILDERS, FAMILY_WEIGHTS, FOLLOW_UP_TASKS
from finetune.data.families import FamilyGraph, make_graph
from finetune.data.notations import compatible_notations, inline_graph_text, same_graph
from finetune.data.retries import as_served, with_retry
from finetune.data.splits import families_for, follow_ups_for, templates_for
from finetune.data.templates import STYLES, apply_style, choose_wording
from finetune.data.turns import Turn
from graphs.backend import GraphBackend
from graphs.networkx_backend import NetworkxBackend
from graphs.text_graph import parse_question_graph
from tools.registry import applicable_tools, to_content, tool_specs

FILE_STEMS = ("graph", "network", "data", "export", "mygraph", "g1", "sample", "company", "deps", "roads")
FILE_EXTENSIONS = (".json", ".graphml", ".gml")
INLINE_SHARE = 0.5
"""Share of questions (on families that can be written inline) that carry their own graph."""
FOLLOW_UP_SHARE = 0.3
ATTEMPTS = 12


@dataclass
class Conversation:
    """A generated conversation and everything the writers need about it."""

    id: str
    split: str
    family: str
    mode: str
    """``inline`` (the question carries its graph) or ``file`` (the active graph is a file)."""
    graph_context: str
    tools: list[dict[str, Any]]
    messages: list[BaseMessage]
    turns: list[Turn]
    templates: list[str]
    style: str
    notation: str | None
    question_text: str
    """The first question exactly as a user typed it (with its inline graph, if any)."""
    graph: FamilyGraph
    file_name: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def build_conversation(seed: int, split: str, index: int) -> Conversation:
    """Conversation ``index`` of ``split`` for ``seed``; ``RuntimeError`` if no attempt fits (never expected)."""
    rng = random.Random(f"graph-agent/{seed}/{split}/{index}")
    for _ in range(ATTEMPTS):
        built = _attempt(rng, split, f"{split}-{index:05d}")
        if built is not None:
            return built
    raise RuntimeError(f"could not build conversation {split}-{index} for seed {seed}")


def _attempt(rng: random.Random, split: str, conversation_id: str) -> Conversation | None:
    families = families_for(split)
    family = rng.choices(families, [FAMILY_WEIGHTS.get(name, 1.0) for name in families])[0]
    fg = make_graph(family, rng)
    notations = compatible_notations(fg) if "kg" not in fg.tags else []
    if notations and rng.random() < INLINE_SHARE:
        return _inline(rng, split, conversation_id, fg, notations)
    return _on_file(rng, split, conversation_id, fg)


def _on_file(rng: random.Random, split: str, conversation_id: str, fg: FamilyGraph) -> Conversation | None:
    evaluated = split in ("validation", "test")  # eval files need one graph file per question
    name = f"{conversation_id}.json" if evaluated else rng.choice(FILE_STEMS) + rng.choice(FILE_EXTENSIONS)
    backend = NetworkxBackend(fg.graph, name=name)
    turn = _turn(rng, split, fg, backend)
    if turn is None:
        return None
    template_id, question, style = _phrase(rng, split, turn)
    if not _reads_as_plain(question):
        return None
    turn = as_served(turn, backend, question)
    convo = _conversation(conversation_id, split, fg, "file", backend, question, turn, template_id, style, None,
                          question)
    convo.file_name = name
    return _maybe_follow_up(rng, convo, backend)


def _inline(rng: random.Random, split: str, conversation_id: str, fg: FamilyGraph,
            notations: list[str]) -> Conversation | None:
    notation = rng.choice(notations)
    written = copy.deepcopy(fg)
    text = inline_graph_text(written, notation, rng)
    parsed = parse_question_graph(text) if text else None
    if parsed is None or not same_graph(parsed.graph, written.graph):
        return None
    written.graph = parsed.graph
    backend = scratch_backend(scratch_data(parsed.graph))
    turn = _turn(rng, split, written, backend)
    if turn is None:
        return None
    template_id, question, style = _phrase(rng, split, turn)
    full = f"{text} {question}" if rng.random() < 0.8 or "\n" in text else f"{question} {text}"
    seen, graph = split_question(full)
    if graph is None or not same_graph(graph, written.graph) or seen != question[:1].upper() + question[1:]:
        return None
    turn = as_served(turn, backend, seen)
    convo = _conversation(conversation_id, split, written, "inline", backend, seen, turn, template_id, style,
                          parsed.notation, full)
    return _maybe_follow_up(rng, convo, backend)


def _turn(rng: random.Random, split: str, fg: FamilyGraph, backend: GraphBackend) -> Turn | None:
    """A turn of a task drawn by weight; in the train split, sometimes one that recovers from a failed first call
    (``finetune.data.retries``)."""
    names = sorted(BUILDERS)
    weights = [BUILDERS[name][1] for name in names]
    for _ in range(ATTEMPTS):
        builder = BUILDERS[rng.choices(names, weights)[0]][0]
        turn = builder(fg, backend, rng)
        if turn is not None:
            return with_retry(turn, backend, rng) if split == "train" else turn
    return None


def _phrase(rng: random.Random, split: str, turn: Turn) -> tuple[str, str, str]:
    """(template id, question, style): a template of the split, filled and styled."""
    template_id, text = rng.choice(templates_for(turn.task, split))
    question = choose_wording(text, rng).format(**turn.slots)
    style = rng.choice(STYLES)
    names = [value for value in turn.slots.values() if isinstance(value, str)]
    if style == "upper" and names:
        style = "plain"  # upper-casing a name would change what the tool is asked for
    question = apply_style(question, style, [str(v) for v in turn.slots.values()] + turn.protected, rng)
    return template_id, question, style


def _conversation(conversation_id: str, split: str, fg: FamilyGraph, mode: str, backend: GraphBackend,
                  seen: str, turn: Turn, template_id: str, style: str, notation: str | None,
                  question_text: str) -> Conversation:
    return Conversation(
        id=conversation_id, split=split, family=fg.family, mode=mode, graph_context=describe_graph(backend),
        tools=tool_specs(applicable_tools(backend)), messages=turn_messages(seen, turn, 0), turns=[turn],
        templates=[template_id], style=style, notation=notation, question_text=question_text, graph=fg,
    )


def turn_messages(question: str, turn: Turn, offset: int) -> list[BaseMessage]:
    """The messages of one turn as the agent's loop produces them: the question, one model turn per call with
    its tool result, and the answer. Call ids count from ``offset``; a recovering turn's failing first call is
    marked ``wrong_guess`` (``agent.template``: shown in training, never learnt)."""
    messages: list[BaseMessage] = [HumanMessage(question)]
    for number, call in enumerate(turn.calls, start=offset):
        call_id = f"call_{number}"
        wrong = {"wrong_guess": True} if turn.recovers and number == offset else {}  # no loss on the mistake
        messages.append(AIMessage("", tool_calls=[tool_call(name=call.name, args=call.args, id=call_id)],
                                  additional_kwargs=wrong))
        messages.append(ToolMessage(to_content(call.result), tool_call_id=call_id, name=call.name))
    messages.append(AIMessage(turn.answer))
    return messages


def _maybe_follow_up(rng: random.Random, convo: Conversation, backend: GraphBackend) -> Conversation:
    first = convo.turns[0]
    if first.task not in FOLLOW_UP_TASKS or rng.random() >= FOLLOW_UP_SHARE:
        return convo
    builder = BUILDERS[_builder_of(first.task)][0]
    for _ in range(4):
        again = builder(convo.graph, backend, rng)
        if again is None or again.task != first.task:
            continue
        changed = [key for key in first.slots if again.slots.get(key) != first.slots[key]]
        if len(changed) != 1 or not isinstance(again.slots[changed[0]], int | str) or changed[0] == "k":
            continue
        follow_id, text = rng.choice(follow_ups_for(convo.split))
        question = text.format(new=again.slots[changed[0]])
        if not _reads_as_plain(question):
            continue
        offset = len(first.calls)
        convo.messages += turn_messages(question, again, offset)
        convo.turns.append(again)
        convo.templates.append(follow_id)
        break
    return convo


def _reads_as_plain(question: str) -> bool:
    """Whether the agent's parser leaves ``question`` as it is (finds no graph in it), as a question about the
    active graph or a follow-up must be."""
    seen, graph = split_question(question)
    return graph is None and seen == question


def _builder_of(task: str) -> str:
    return {"out_degree": "directed_degree", "in_degree": "directed_degree", "successors": "neighbors"}.get(task, task)
