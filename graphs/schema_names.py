"""The error for a label, relationship type or property name the graph does not have.

Why one helper: every backend checks such names, and the error should read the same everywhere: the names the
graph has (``known``) and the nearest of them (``close_matches``, by the same rules as a node lookup), so a user
or the model can retry with the right name ("GENRE" finds ``IN_GENRE``, "wrote" finds ``WROTE``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphs.errors import InvalidArgument
from graphs.node_match import close_matches


def unknown_name(message: str, given: Any, known: Iterable[str], /, **details: Any) -> InvalidArgument:
    """``InvalidArgument(message + hint)`` with ``known`` (sorted) and ``close_matches`` (at most 3, best first).

    >>> error = unknown_name("Unknown relationship type 'GENRE'.", "GENRE", ["WROTE", "IN_GENRE"])
    >>> error.message, error.details["close_matches"]
    ("Unknown relationship type 'GENRE'. Did you mean: IN_GENRE?", ['IN_GENRE'])
    """
    names = sorted(known)
    matches = close_matches(given, names, n=3) if isinstance(given, str) else []
    hint = f" Did you mean: {', '.join(matches)}?" if matches else ""
    return InvalidArgument(message + hint, **details, known=names, close_matches=matches)
