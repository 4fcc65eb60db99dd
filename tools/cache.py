"""The query cache: tool results and final answers kept on disk, keyed by the graph's fingerprint.

On two CPU cores a repeated question should cost a lookup, not a model run or a graph algorithm.
``GraphCache`` holds two layers, each a ``diskcache.Cache`` in its own subdirectory:

- ``tool``: key = (graph fingerprint, tool name, canonical JSON of the validated arguments);
- ``answer``: key = (graph fingerprint, model/adapter id, normalized question).

Design choices:

- Values are stored with ``diskcache.JSONDisk`` -- never pickle (CVE-2025-69872: a writable cache directory
  would otherwise let anyone run code in our process) -- in a private directory (mode 0700).
- The fingerprint is part of every key, so a changed graph never hits old entries; entries are also tagged
  with it, so ``invalidate(old_fingerprint)`` drops them at once (diskcache tag index).
- ``FORMAT_VERSION`` is part of every key too: a release that changes what a tool returns or how the agent
  answers bumps it, and entries of the older release then miss instead of being served (they age out under
  ``size_limit``).
- Entries computed on a live database (backend kind ``"neo4j"``) expire after ``ttl_live_s`` seconds, since
  the database can change under us between fingerprint refreshes.
- Hit/miss counts per layer are diskcache's own statistics, persisted in each layer's database, so the UI,
  the evaluation and the CLI all read the same numbers through ``stats()``.
- Error results are never cached (see ``tools.registry.call_tool``): transient ones (``backend_unavailable``,
  ``timeout``) must be retried, and deterministic ones fail fast anyway.
- A cache that cannot be opened or written (unwritable or corrupted directory) degrades to "no cache" with a
  ``logging.warning``; it never crashes the caller.

>>> import tempfile
>>> with GraphCache(tempfile.mkdtemp()) as cache:
...     cache.put_tool("fp1", "count_nodes", "{}", {"count": 3})
...     cache.get_tool("fp1", "count_nodes", "{}")
{'count': 3}
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import diskcache
from platformdirs import user_cache_dir

log = logging.getLogger(__name__)

ENV_DIR = "GRAPH_AGENT_CACHE_DIR"
"""Environment variable overriding the cache directory."""

LIVE_KINDS = frozenset({"neo4j"})
"""Backend kinds whose data can change under us: their entries expire after ``ttl_live_s``."""

LAYERS = ("tool", "answer")

FORMAT_VERSION = 3
"""Bump when a tool's result or the agent's answers change shape (2: ``neighbors`` adds ``other_direction``;
3: only when a relationship type was asked for)."""

_TRAILING_PUNCTUATION = re.compile(r"[\s.?!,;:]+$")


def default_cache_dir() -> Path:
    """``$GRAPH_AGENT_CACHE_DIR`` if set, else ``queries/`` under the user cache dir of ``graph-agent``."""
    env = os.environ.get(ENV_DIR)
    return Path(env) if env else Path(user_cache_dir("graph-agent")) / "queries"


def normalize_question(question: str) -> str:
    """The answer-cache form of a question: case-folded, whitespace collapsed, trailing punctuation dropped.

    >>> normalize_question("  How many   Nodes?? ")
    'how many nodes'
    """
    return _TRAILING_PUNCTUATION.sub("", " ".join(question.split()).casefold())


def _key(*parts: str) -> str:
    return "\x1f".join((f"v{FORMAT_VERSION}", *parts))


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


class GraphCache:
    """Disk cache of tool results and final answers; see the module docstring.

    ``size_limit`` (bytes) applies to each layer; ``enabled`` is False when the cache degraded to no cache.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        size_limit: int = 256 * 2**20,
        ttl_live_s: float = 300.0,
    ) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.ttl_live_s = ttl_live_s
        self._layers: dict[str, diskcache.Cache] = {}
        try:
            _private_dir(self.directory)
            for layer in LAYERS:
                _private_dir(self.directory / layer)
                self._layers[layer] = diskcache.Cache(
                    str(self.directory / layer),
                    disk=diskcache.JSONDisk,
                    size_limit=size_limit,
                    tag_index=True,
                    statistics=True,
                )
        except Exception as exc:  # noqa: BLE001 - any failure to open means "no cache", never a crash
            self._disable(f"cannot open {self.directory}: {exc}")

    @property
    def enabled(self) -> bool:
        """Whether the cache is in use (False after it degraded to no cache)."""
        return bool(self._layers)

    # --- the two layers ---------------------------------------------------------------------------------
    def get_tool(self, fingerprint: str, tool: str, args_json: str) -> dict[str, Any] | None:
        """The cached result of ``tool`` with canonical arguments ``args_json`` on this graph, or None."""
        return self._get("tool", _key(fingerprint, tool, args_json))

    def put_tool(
        self, fingerprint: str, tool: str, args_json: str, result: dict[str, Any], kind: str = "networkx"
    ) -> None:
        """Store a tool result; ``kind`` is the backend kind (live kinds expire after ``ttl_live_s``)."""
        self._put("tool", _key(fingerprint, tool, args_json), result, fingerprint, kind)

    def get_answer(self, fingerprint: str, model_id: str, question: str) -> Any:
        """The cached final answer of ``model_id`` to ``question`` (normalized) on this graph, or None."""
        return self._get("answer", _key(fingerprint, model_id, normalize_question(question)))

    def put_answer(
        self, fingerprint: str, model_id: str, question: str, answer: Any, kind: str = "networkx"
    ) -> None:
        """Store a final answer (any JSON value but None); ``kind`` as in ``put_tool``."""
        self._put("answer", _key(fingerprint, model_id, normalize_question(question)), answer, fingerprint, kind)

    # --- maintenance -----------------------------------------------------------------------------------
    def invalidate(self, fingerprint: str) -> int:
        """Drop every entry (both layers) of a graph version; returns how many were dropped."""
        return sum(self._run(lambda cache: cache.evict(fingerprint), 0))

    def clear(self) -> None:
        """Drop every entry and reset the hit/miss statistics."""
        self._run(lambda cache: (cache.clear(), cache.stats(reset=True)), None)

    def stats(self) -> dict[str, Any]:
        """``{"tool": {"hits", "misses", "hit_ratio"}, "answer": {...}, "entries", "size_bytes", "directory",
        "enabled"}``; all zero when the cache is disabled."""
        result: dict[str, Any] = {}
        entries = size = 0
        for layer in LAYERS:
            cache = self._layers.get(layer)
            hits, misses = self._guarded(cache.stats, (0, 0)) if cache is not None else (0, 0)
            total = hits + misses
            result[layer] = {"hits": hits, "misses": misses, "hit_ratio": hits / total if total else 0.0}
            if cache is not None:
                entries += self._guarded(cache.__len__, 0)
                size += self._guarded(cache.volume, 0)
        result.update(entries=entries, size_bytes=size, directory=str(self.directory), enabled=self.enabled)
        return result

    def close(self) -> None:
        """Close the layer databases; idempotent."""
        for cache in self._layers.values():
            cache.close()

    def __enter__(self) -> GraphCache:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- internals -------------------------------------------------------------------------------------
    def _get(self, layer: str, key: str) -> Any:
        cache = self._layers.get(layer)
        return self._guarded(lambda: cache.get(key), None) if cache is not None else None

    def _put(self, layer: str, key: str, value: Any, fingerprint: str, kind: str) -> None:
        cache = self._layers.get(layer)
        if cache is None:
            return
        expire = self.ttl_live_s if kind in LIVE_KINDS else None
        try:
            cache.set(key, value, expire=expire, tag=fingerprint)
        except (TypeError, ValueError) as exc:
            log.warning("not caching a %s value that is not plain JSON: %s", layer, exc)
        except Exception as exc:  # noqa: BLE001 - a broken cache degrades to no cache, never a crash
            self._disable(f"cache at {self.directory} failed: {exc}")

    def _run(self, action: Callable[[diskcache.Cache], Any], default: Any) -> list[Any]:
        return [self._guarded(lambda c=cache: action(c), default) for cache in list(self._layers.values())]

    def _guarded(self, action: Callable[[], Any], default: Any) -> Any:
        try:
            return action()
        except Exception as exc:  # noqa: BLE001 - a broken cache degrades to no cache, never a crash
            self._disable(f"cache at {self.directory} failed: {exc}")
            return default

    def _disable(self, reason: str) -> None:
        log.warning("query cache disabled (%s); continuing without a cache", reason)
        for cache in self._layers.values():
            try:
                cache.close()
            except Exception:  # noqa: BLE001, S110 - closing a broken cache is best effort
                log.debug("closing the broken cache failed", exc_info=True)
        self._layers = {}
