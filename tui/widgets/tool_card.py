"""A compact card for one tool call: tool, arguments, a one-line summary of the result, time and cache hit.

It is a ``Collapsible``: the title line is the summary, expanding it shows the full JSON result.
"""

from __future__ import annotations

import json
from typing import Any

from textual.widgets import Collapsible, Static

SUMMARY_CHARS = 60


def format_args(args: dict[str, Any]) -> str:
    """``source=Oslo, target=Bergen``: arguments as a short call signature."""
    return ", ".join(f"{key}={value}" for key, value in args.items())


def summarize_result(result: Any) -> str:
    """One short line saying what a tool returned (an error code, a count, a path length, or the JSON start)."""
    if isinstance(result, dict) and "error" in result:
        return f"error: {result['error']}"
    if isinstance(result, dict) and isinstance(result.get("path"), list):
        return _clip(" → ".join(map(str, result["path"])))
    if isinstance(result, dict):
        for key in ("order", "nodes", "items", "neighbors", "components", "rows"):
            if isinstance(result.get(key), list):
                total = result.get("count", len(result[key]))
                return f"{key}: {total} item{'s' if total != 1 else ''}"
    return _clip(json.dumps(result, ensure_ascii=False, separators=(",", ":"), default=str))


def _clip(text: str) -> str:
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"


class ToolCard(Collapsible):
    """One tool call; ``finish`` fills in the result when it arrives."""

    def __init__(self, name: str, args: dict[str, Any]) -> None:
        self.tool_name = name
        self.call = f"{name}({format_args(args)})"
        self._body = Static("running…", classes="tool-result", markup=False)
        super().__init__(self._body, title=f"{self.call} …", collapsed=True, classes="tool-card")

    def finish(self, result: Any, seconds: float | None, cache_hit: bool) -> None:
        """Show the result: summary and timing in the title, the whole JSON in the body."""
        timing = f" · {seconds:.2f} s" if seconds is not None else ""
        cached = " · cache" if cache_hit else ""
        self.title = f"{self.call} → {summarize_result(result)}{timing}{cached}"
        self._body.update(json.dumps(result, ensure_ascii=False, indent=2, default=str))
        if isinstance(result, dict) and "error" in result:
            self.add_class("-error")
