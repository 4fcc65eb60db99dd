"""What the chat screen remembers of a conversation: its graph, its memory thread per configuration and its
exchanges (question and answers), so the history can reopen it."""

from __future__ import annotations

from dataclasses import dataclass, field

from agent.session import AgentAnswer


@dataclass
class Exchange:
    """One question and its answers: one in the normal chat, two (left, right) in blind A/B."""

    question: str
    answers: list[AgentAnswer]
    configs: list[int]
    """The configuration index of each answer."""


@dataclass
class Conversation:
    """A conversation on one graph; ``threads`` maps a configuration index to its memory thread id."""

    graph: str
    threads: dict[int, str] = field(default_factory=dict)
    exchanges: list[Exchange] = field(default_factory=list)

    def title(self, width: int = 60) -> str:
        """A one-line description for the history list."""
        first = self.exchanges[0].question.replace("\n", " ") if self.exchanges else "(empty)"
        first = first if len(first) <= width else first[: width - 1] + "…"
        count = len(self.exchanges)
        return f"{self.graph} · {count} question{'s' if count != 1 else ''} · {first}"
