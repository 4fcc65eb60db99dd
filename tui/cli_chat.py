"""``graph-agent chat`` (the Textual chat UI) and ``graph-agent feedback export`` (human pairs for DPO).

``chat`` takes the graph-source and engine flags of ``ask``; ``--ab-adapter A,B`` and/or ``--ab-engine A,B``
name the two configurations that blind A/B mode (Ctrl+T) compares. The graph is opened and the adapters checked
before the UI starts, so a bad file, a dead database or a missing adapter is one ``error:`` line, exit 2.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Mapping


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``chat`` and ``feedback export`` to the ``graph-agent`` parser."""
    from tui.cli import _add_engine_options, _add_graph_source  # imported here: tui.cli imports this module

    chat = commands.add_parser("chat", help="chat with the agent in a terminal UI (the main job)")
    _add_graph_source(chat)
    _add_engine_options(chat)
    chat.add_argument("--ab-adapter", metavar="A,B", help="blind A/B: two adapters (PATH, default or none)")
    chat.add_argument("--ab-engine", metavar="A,B", help="blind A/B: two engines (llamacpp, hf, openai)")
    chat.set_defaults(func=_chat)

    feedback = commands.add_parser("feedback", help="people's ratings, corrections and A/B choices")
    actions = feedback.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="write the human preference pairs for `finetune dpo`")
    export.add_argument("--out", required=True, help="JSON lines file to write")
    export.add_argument("--log", help="trajectory log (default: the one in the data dir)")
    export.set_defaults(func=_feedback_export)


def _pair(text: str | None, flag: str) -> list[str | None]:
    if text is None:
        return [None, None]
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"{flag} needs two comma-separated values, e.g. {flag} none,adapters/default")
    return list(parts)


def _chat(args: argparse.Namespace) -> int:
    from agent.context import AgentConfig
    from agent.engines.base import AdapterError
    from agent.model_files import resolve_adapter
    from tui.app import GraphAgentApp, LoadedGraph
    from tui.cli import _source

    options = {"base_url": args.base_url} if args.base_url else {}
    try:
        config = AgentConfig(engine=args.engine, model=args.model, adapter=args.adapter,
                             max_tool_rounds=args.max_rounds, use_cache=not args.no_cache, engine_options=options)
        ab_configs = []
        if args.ab_adapter or args.ab_engine:
            adapters, engines = _pair(args.ab_adapter, "--ab-adapter"), _pair(args.ab_engine, "--ab-engine")
            ab_configs = [dataclasses.replace(config, adapter=adapter or config.adapter, engine=engine or config.engine)
                          for adapter, engine in zip(adapters, engines, strict=True)]
        for checked in (config, *ab_configs):
            if checked.engine not in ("llamacpp", "hf", "openai"):
                raise ValueError(f"unknown engine {checked.engine!r}; choose llamacpp, hf or openai")
            if checked.engine != "openai":
                resolve_adapter(checked.adapter, checked.engine)
    except (ValueError, AdapterError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print("error: graph-agent chat needs an interactive terminal; for scripts use graph-agent ask",
              file=sys.stderr)
        return 2
    source = _source(args)
    graph = LoadedGraph.open(source, label=source.sample or None)
    GraphAgentApp(graph, config, ab_configs=ab_configs).run()
    return 0


def _feedback_export(args: argparse.Namespace) -> int:
    return write_pairs(args.log, args.out)


def write_pairs(log: str | os.PathLike[str] | None, out: str, verified: bool = False,
                graded: Mapping[str, str] | None = None) -> int:
    """Write the trajectory log's preference pairs (human feedback; with ``verified`` also verified runs, graded
    ones by ``graded``) to ``out`` and say how many came from where and what was skipped; exit status 0, or 2 with
    one error line."""
    from agent.model_files import data_dir
    from agent.trajectory import FILE_NAME
    from finetune.log_pairs import FeedbackExportError, export_pairs

    try:
        export = export_pairs(log or data_dir() / FILE_NAME, out, verified=verified, graded=graded)
    except FeedbackExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sources = f"{export.corrections} from corrections, {export.comparisons} from blind A/B choices"
    if verified:
        sources += f", {export.verified} from verified runs"
    print(f"wrote {len(export.records)} preference pairs to {out} ({sources})")
    for reason, count in sorted(export.skipped.items()):
        print(f"  skipped {count}: {reason}")
    return 0
