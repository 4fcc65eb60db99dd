"""Fake engines for eval tests: an oracle that calls the expected tool and answers from its result, and a
yes-sayer that never calls a tool (the untuned base model's habit), both keyed by the question in the prompt."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from agent.engines.base import Generation
from agent.template import TURN_END, TURN_START

DATA = Path(__file__).parent / "data" / "eval" / "questions.jsonl"

ORACLE_ANSWERS = {
    "Is there a path from 0 to 2?": "Yes, 0 reaches 2.",
    "Is there a path from 0 to 4?": "No, there is no path from 0 to 4.",
    "Can you drive from Oslo to Reykjavik?": "No, Reykjavik cannot be reached from Oslo.",
    "How many cities are in the network?": "There are 28 cities.",
    "What is the degree of node 2?": "Node 2 has degree 3.",
    "How many corridors does the office network have?": "It has 5 corridors.",
    "Which city has the most direct links?": "Oslo has the most direct links.",
    "Which cities are directly linked to Gothenburg?": "Frederikshavn, Jönköping, Malmö and Oslo.",
    "What is the shortest route from Oslo to Copenhagen by road distance?": "Oslo, Gothenburg, Malmö, Copenhagen.",
    "What is the cheapest path from 0 to 3 by weight?": "0 -> 1 -> 3.",
    "What is the quickest way from reception to archive?": "reception, hall, office, archive.",
    "In which order can the release tasks be done?": None,
    "In which order can the tasks be done?": "A, B, D, C.",
    "Which pairs form a maximum matching?": "(ann, y), (bob, x)",
    "Which country is Oslo in?": "Oslo is in Norway.",
    "Describe the road network.": "28 cities joined by roads and ferries.",
}


def expected_calls() -> dict[str, dict[str, Any]]:
    """The first expected call of each question in the hand-made file, by the question text the model sees."""
    from agent.ingest import split_question

    calls = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        call = (row.get("expected_calls") or [{"name": "graph_summary", "args": {}}])[0]
        calls[split_question(row["question"])[0]] = call
    return calls


class KeyedEngine:
    """Replies by the last user question in the prompt: ``reply(question, has_tool_result) -> text``."""

    name = "scripted"
    model_id = "scripted-model"

    def __init__(self, reply: Callable[[str, bool], str], adapter_id: str | None = None) -> None:
        self.reply, self.adapter_id = reply, adapter_id
        self.questions: list[str] = []
        self.closed = False

    def generate(self, prompt: str, **kwargs: Any) -> Generation:
        last_user = prompt.rsplit(f"{TURN_START}user\n", 1)[-1]
        question = last_user.split(TURN_END, 1)[0].strip()
        has_result = f"{TURN_START}tool" in last_user
        if not has_result:
            self.questions.append(question)
        text = self.reply(question, has_result)
        return Generation(text, len(prompt) // 4, max(len(text) // 4, 2), len(prompt) // 8, 0.01, 0.02)

    def count_tokens(self, text: str) -> int:
        return len(text) // 4

    def close(self) -> None:
        self.closed = True


def oracle_reply(question: str, has_result: bool) -> str:
    """Call the expected tool first, then answer as a good model would."""
    if not has_result:
        call = expected_calls()[question]
        return f"<call>{call['name']} {json.dumps(call['args'], ensure_ascii=False)}</call>"
    answer = ORACLE_ANSWERS[question]
    if answer is None:
        from graphs.sources import GraphSource, open_backend
        from tools.registry import call_tool

        order = call_tool(open_backend(GraphSource(sample="release_pipeline")), "topological_order", {})["items"]
        answer = ", ".join(order) + "."
    return answer


def yes_sayer_reply(question: str, has_result: bool) -> str:
    """Answer "Yes." at once, without a tool call."""
    return "Yes."
