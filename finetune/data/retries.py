"""Training turns that recover from a failed first call: a wrong guess at a schema name (the first call names a
label, relationship type or property the graph does not have, the tool's ``invalid_argument`` error lists the names
it does have and the closest of them, ``graphs.schema_names``), or a path question sent to a flow tool on a graph
without capacities; the model then retries with the right call.

Why: on wordings it has not seen, the model guesses schema names (a singular for a plural property, one part of a
compound relationship type); the error already lists the known names, but without examples of a retry the model
answered from the error instead. The wrong guesses here are generic variations of the right name (number, letter
case, one part of a compound name, a typo), not names taken from test questions. Only the train split gets these
turns: validation and test grade the clean call.

Why the flow tools: on unseen wordings ("a minimal sequence of hops") the model sometimes sends a path question to
``min_cut`` or ``max_flow``, whose error says the graph has no capacities, and then answered from that error ("there
is no minimum cut"). An error that shows the tool cannot apply is a reason to pick the tool the question asks for.

Why the directions: on unseen wordings ("edges ending at X") the model asks ``neighbors`` for the wrong direction
and, finding nothing, answered "X has no PUBLISHED relationships". The tool now lists the other direction when the
asked one has no edges of the relationship type (``other_direction``, ``tools.suite.neighbors``); these turns answer
from it, saying which way the edges run, so the answer is right and still true to the call that was made.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

from langchain_core.messages import AIMessage
from langchain_core.messages.tool import tool_call

from agent.grounding import ground_tool_calls
from finetune.data.names import misspell
from finetune.data.turns import Turn, run, show
from graphs.backend import GraphBackend

RETRY_SHARE = 0.4
"""Share of train turns with a schema argument whose first call is a wrong guess."""
SCHEMA_ARGS = ("prop", "rel_type", "label")
TOOL_RETRY_SHARE = 0.4
"""Share of train path turns (on graphs without capacities) whose first call goes to a flow tool."""
CONFUSED_TOOLS = {"shortest_path": ("min_cut", "max_flow")}
"""For a tool, the tools its questions get sent to by mistake; (source, target) become their (source, sink)."""
DIRECTION_RETRY_SHARE = 0.5
"""Share of train ``related_in``/``related_out`` turns whose call asks for the other direction (when it is empty)."""
OPPOSITE = {"in": "out", "out": "in"}


def with_retry(turn: Turn, backend: GraphBackend, rng: random.Random) -> Turn:
    """``turn``, sometimes with a wrong first call: for a relationship turn the other direction
    (``with_direction_retry``), a wrong schema name (``with_schema_retry``), or for a path turn a flow tool the
    graph cannot answer (``with_tool_retry``)."""
    for retry in (with_direction_retry, with_schema_retry, with_tool_retry):
        retried = retry(turn, backend, rng)
        if retried.recovers:
            return retried
    return turn


def near_misses(name: str, rng: random.Random) -> list[str]:
    """Plausible wrong guesses at schema name ``name``, in a fixed order (without ``name`` itself).

    >>> near_misses("IN_GENRE", random.Random(0))
    ['IN_GENRES', 'IN', 'GENRE', 'INGENRE', 'in_genre', 'IN_GERE']
    >>> near_misses("pages", random.Random(0))
    ['page', 'PAGES', 'paes']
    """
    plural = "S" if name.isupper() else "s"
    guesses = [name[:-1] if name.endswith(plural) else name + plural]
    parts = [part for part in re.split(r"[_\s]+", name) if part]
    if len(parts) > 1:
        guesses += parts + ["".join(parts)]
    guesses.append(name.upper() if name.islower() else name.lower())
    guesses.append(misspell(name, rng))
    return [g for i, g in enumerate(guesses) if g and g != name and g not in guesses[:i]]


def with_schema_retry(turn: Turn, backend: GraphBackend, rng: random.Random) -> Turn:
    """``turn`` with a failing first call prepended (a wrong schema name, then the error listing the known ones)
    for ``RETRY_SHARE`` of the turns whose first call has a schema argument; otherwise ``turn`` unchanged."""
    if not turn.calls:
        return turn
    first = turn.calls[0]
    keys = [key for key in SCHEMA_ARGS if isinstance(first.args.get(key), str)]
    if not keys or rng.random() >= RETRY_SHARE:
        return turn
    key = rng.choice(keys)
    right = first.args[key]
    guesses = near_misses(right, rng)
    rng.shuffle(guesses)
    for guess in guesses:
        failed = run(backend, first.name, **{**first.args, key: guess})
        if failed.result.get("error") == "invalid_argument" and right in failed.result.get("known", []):
            return replace(turn, calls=[failed, *turn.calls], recovers=True)
    return turn


def as_served(turn: Turn, backend: GraphBackend, question: str) -> Turn:
    """``turn`` without its wrong first call when the agent would never send that call for ``question``: schema
    grounding (``agent.grounding``) replaces a wrong name the question writes correctly, so the agent's loop
    would run the right call at once, and training must show what serving does."""
    if not turn.recovers or len(turn.calls) < 2:
        return turn
    first = turn.calls[0]
    message = AIMessage("", tool_calls=[tool_call(name=first.name, args=first.args, id="call_0")])
    if ground_tool_calls(message, backend, question) is message:
        return turn
    return replace(turn, calls=turn.calls[1:], recovers=False)


def with_tool_retry(turn: Turn, backend: GraphBackend, rng: random.Random) -> Turn:
    """``turn`` with a failing first call to a confused tool prepended (``CONFUSED_TOOLS``: a flow tool on a graph
    without capacities, whose error says so) for ``TOOL_RETRY_SHARE`` of the turns it applies to; otherwise
    ``turn`` unchanged. Draws from ``rng`` only for turns whose first call has confused tools."""
    if not turn.calls or turn.calls[0].name not in CONFUSED_TOOLS:
        return turn
    first = turn.calls[0]
    if rng.random() >= TOOL_RETRY_SHARE:
        return turn
    wrong = rng.choice(CONFUSED_TOOLS[first.name])
    failed = run(backend, wrong, source=first.args["source"], sink=first.args["target"])
    if failed.result.get("error") != "invalid_argument":
        return turn
    return replace(turn, calls=[failed, *turn.calls], recovers=True)


def with_direction_retry(turn: Turn, backend: GraphBackend, rng: random.Random) -> Turn:
    """A ``related_in``/``related_out`` turn whose one call asks for the other direction, finds nothing there and
    answers from the result's ``other_direction``, for ``DIRECTION_RETRY_SHARE`` of the turns where the other
    direction is empty; otherwise ``turn`` unchanged. Draws from ``rng`` only for those two tasks."""
    if turn.task not in ("related_in", "related_out") or rng.random() >= DIRECTION_RETRY_SHARE:
        return turn
    (right,) = turn.calls
    asked = OPPOSITE[right.args["direction"]]
    wrong = run(backend, "neighbors", **{**right.args, "direction": asked})
    if wrong.result.get("count") != 0 or "other_direction" not in wrong.result:
        return turn
    way = "outgoing" if asked == "out" else "incoming"
    nothing = f"{show(turn.slots['a'])} has no {way} {turn.slots['rel']} relationships; "
    return replace(turn, calls=[wrong], answer=nothing + turn.answer, recovers=True)
