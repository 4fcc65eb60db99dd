"""The command palette (Ctrl+P): every action of the chat screen, plus one entry per sample and loaded graph.

The commands call the chat screen's actions, so the palette, the key bindings and the tests share one code
path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from graphs.samples import SAMPLES

ACTIONS = (
    ("Load a graph…", "a file, a Neo4j database or a sample", "load_graph"),
    ("New conversation", "start over on the same graph", "new_conversation"),
    ("Conversation history", "reopen an earlier conversation of this session", "history"),
    ("Rate the last answer: good", "mark it correct in the trajectory log", "rate('correct')"),
    ("Rate the last answer: bad", "mark it incorrect in the trajectory log", "rate('incorrect')"),
    ("Correct the last answer…", "write the answer it should have given (a DPO pair)", "correct"),
    ("Toggle blind A/B mode", "two configurations answer side by side, unlabelled", "toggle_ab"),
    ("Copy the last answer", "to the clipboard", "copy_answer"),
    ("Cancel the running answer", "stop the generation in flight", "cancel"),
)


class ChatCommands(Provider):
    """Palette entries for the chat screen's actions and graphs."""

    def _commands(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        if not hasattr(screen, "action_load_graph"):
            return
        for title, help_text, action in ACTIONS:
            yield title, help_text, partial(screen.run_action, action)
        runtime = self.app.runtime  # type: ignore[attr-defined]
        for label in runtime.graphs:
            yield f"Switch graph: {label}", "make this loaded graph active", partial(screen.use_graph, label)
        for name, description in SAMPLES.items():
            if name not in runtime.graphs:
                yield f"Sample graph: {name}", description, partial(screen.use_sample, name)

    async def discover(self) -> Hits:
        for title, help_text, command in self._commands():
            yield DiscoveryHit(title, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), command, help=help_text)
