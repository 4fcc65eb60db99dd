"""What the agent runs with: its configuration (``AgentConfig``) and the graph's runtime context (``AgentContext``).

``AgentConfig`` is plain, serializable configuration (engine, model, adapter, bounds, cache, data directory) --
what the CLI flags and the UI settings fill in. ``AgentContext`` is LangGraph's runtime context
(``context_schema``): the live objects every node and tool reads -- the chat model, the user's graph backend,
the query cache -- which must never go into the checkpointed state.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel

from agent.model_files import data_dir as default_data_dir
from graphs.backend import GraphBackend
from tools.cache import GraphCache


@dataclass(kw_only=True)
class AgentConfig:
    """How the agent runs. Bounds are explicit: a small model must never loop forever."""

    engine: str = "llamacpp"
    """``llamacpp`` (default on CPU), ``hf`` (transformers + PEFT) or ``openai`` (an OpenAI-compatible server)."""
    model: str | None = None
    """A GGUF file / HF model directory / served model name; None: the default Gemma-3-270M base model."""
    adapter: str | None = "default"
    """A LoRA adapter path, ``default`` (the shipped one, if any) or ``none`` (the few-shot baseline); resolved by
    ``agent.model_files.resolve_adapter``."""
    max_tool_rounds: int = 4
    """Tool calls per question; after that the agent answers with what it has and says so."""
    max_invalid_calls: int = 2
    """Malformed tool calls fed back to the model per question before the agent gives up."""
    recursion_limit: int = 25
    """LangGraph's super-step bound (its default is far too high for a small model)."""
    use_cache: bool = True
    """Look up and store final answers and tool results in the query cache."""
    data_dir: Path = field(default_factory=default_data_dir)
    """Trajectory log and conversation memory live here (default: ``$GRAPH_AGENT_DATA_DIR`` or the user data dir)."""
    max_tokens: int = 256
    """Tokens generated per model turn."""
    max_question_chars: int = 4000
    """Longest question (after taking out an inline graph) the model is shown."""
    engine_options: dict[str, Any] = field(default_factory=dict)
    """Extra keyword arguments for ``make_engine`` (e.g. ``n_ctx``, ``base_url``)."""

    def __post_init__(self) -> None:
        for name in ("max_tool_rounds", "max_tokens", "max_question_chars"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.max_invalid_calls < 0:
            raise ValueError(f"max_invalid_calls must be at least 0, got {self.max_invalid_calls}")
        needed = 2 * (self.max_tool_rounds + self.max_invalid_calls) + 4
        if self.recursion_limit < needed:
            raise ValueError(f"recursion_limit {self.recursion_limit} is below the {needed} steps the bounds need")
        self.data_dir = Path(self.data_dir)



@dataclass
class AgentContext:
    """The live objects the graph's nodes and tools use (LangGraph runtime context, never checkpointed)."""

    model: BaseChatModel
    backend: GraphBackend
    """The user's graph; a conversation's inline graph replaces it (see ``agent.ingest``)."""
    config: AgentConfig = field(default_factory=AgentConfig)
    cache: GraphCache | None = None
    model_key: str = "model"
    """Model + adapter id: part of the answer-cache key."""
    cancel: threading.Event = field(default_factory=threading.Event)
    """Set to stop the generation in flight (raises ``GenerationCancelled``)."""
    scratch: dict[str, GraphBackend] = field(default_factory=dict)
    """Inline graphs already rebuilt from the state, by fingerprint."""
