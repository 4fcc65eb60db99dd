"""The side panel: the active graph, the engine/model/adapter, and the session's figures.

``SessionFigures`` keeps the numbers (questions, median latency, decode speed, answer-cache hit ratio); the
panel only shows them.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from agent.session import AgentAnswer


@dataclass
class SessionFigures:
    """Running figures of the answers given in this app session."""

    latencies: list[float] = field(default_factory=list)
    decode_rates: list[float] = field(default_factory=list)
    cached: int = 0

    def add(self, answer: AgentAnswer, decode_tok_s: float | None) -> None:
        """Count one finished answer."""
        self.latencies.append(answer.latency_s)
        self.cached += int(answer.cached)
        if decode_tok_s:
            self.decode_rates.append(decode_tok_s)

    def lines(self) -> list[str]:
        """The figures as short lines for the panel."""
        if not self.latencies:
            return ["no questions yet"]
        lines = [f"questions  {len(self.latencies)}", f"p50 latency  {statistics.median(self.latencies):.1f} s"]
        if self.decode_rates:
            lines.append(f"decode  {statistics.median(self.decode_rates):.0f} tok/s")
        lines.append(f"cache hits  {self.cached / len(self.latencies):.0%}")
        return lines


def graph_lines(label: str, summary: dict[str, Any]) -> list[str]:
    """The active graph as short lines: name, backend, size, direction, labels and relationship types."""
    shape = "directed" if summary.get("directed") else "undirected"
    lines = [label, f"{summary.get('backend', '?')}, {shape}", f"{summary.get('nodes', 0):,} nodes",
             f"{summary.get('edges', 0):,} edges"]
    for key, title in (("labels", "labels"), ("relationship_types", "rel types")):
        values = summary.get(key) or {}
        if values and set(values) != {""}:
            lines.append(f"{title}: " + ", ".join(f"{name} ({count})" for name, count in values.items()))
    return lines


class SidePanel(VerticalScroll):
    """Three titled sections: Graph, Model, Session."""

    def compose(self) -> ComposeResult:
        for section in ("graph", "model", "session"):
            box = Static("", id=f"side-{section}", classes="side-section", markup=False)
            box.border_title = section.capitalize()
            yield box

    def show(self, section: str, lines: list[str]) -> None:
        """Replace the lines of ``section`` (``graph``, ``model`` or ``session``)."""
        self.query_one(f"#side-{section}", Static).update("\n".join(lines))
