"""The ``graph-agent`` command line: a stable contract that later issues extend (ask, chat, eval, finetune).

Commands now: ``ask``, ``graph info``, ``graph samples``, ``tools list``, ``tools call``, ``cache stats|clear``,
and those each area registers from its own module (``tui/cli_<area>.py``: ``bench ...``, ``chat``, ``eval``).
Errors are printed as one clear line on stderr with exit status 2; a tool that returns an error result prints it
as JSON and exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from graphs.errors import GraphError
from graphs.sources import GraphSource, open_backend
from tui import cli_bench, cli_chat, cli_eval, cli_finetune


def _add_graph_source(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("graph source (default: the bundled sample 'nordic_roads')")
    choice = group.add_mutually_exclusive_group()
    choice.add_argument("--graph", metavar="PATH", help="a graph file: .graphml .gml .json .csv .tsv .txt")
    choice.add_argument("--sample", metavar="NAME", help="a bundled sample graph (see `graph samples`)")
    choice.add_argument(
        "--neo4j",
        metavar="URI",
        nargs="?",
        const="",
        help="a Neo4j database over Bolt (read only); URI defaults to $NEO4J_URI",
    )
    group.add_argument("--format", dest="fmt", help="file format when the extension does not say")
    group.add_argument("--directed", action="store_true", default=None, help="read an edge list as directed")
    group.add_argument("--user", help="Neo4j user (default $NEO4J_USERNAME)")
    group.add_argument("--password", help="Neo4j password (default $NEO4J_PASSWORD)")
    group.add_argument("--database", help="Neo4j database (default $NEO4J_DATABASE or the server default)")
    group.add_argument("--name-property", help="Neo4j property that names a node (default: discovered)")
    group.add_argument(
        "--undirected-rels", action="store_true", help="treat Neo4j relationships as undirected links"
    )


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    """The model and loop flags that ``ask`` and ``chat`` share."""
    parser.add_argument("--engine", choices=["llamacpp", "hf", "openai"], default="llamacpp", help="model engine")
    parser.add_argument("--model", help="a GGUF file or HF model directory (openai: served model name)")
    parser.add_argument(
        "--adapter", default="default", help="LoRA adapter: PATH, 'default' (the shipped one) or 'none' (baseline)"
    )
    parser.add_argument("--base-url", help="OpenAI-compatible server URL (engine openai; default $OPENAI_BASE_URL)")
    parser.add_argument("--max-rounds", type=int, default=4, help="most tool calls before the agent answers")
    parser.add_argument("--no-cache", action="store_true", help="bypass the answer and tool-result caches")


def _source(args: argparse.Namespace) -> GraphSource:
    return GraphSource(
        path=args.graph,
        sample=args.sample,
        neo4j=args.neo4j is not None,
        neo4j_uri=args.neo4j or None,
        fmt=args.fmt,
        directed=args.directed,
        neo4j_user=args.user,
        neo4j_password=args.password,
        neo4j_database=args.database,
        name_property=args.name_property,
        neo4j_undirected=args.undirected_rels,
    )


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False, default=str))


def _graph_info(args: argparse.Namespace) -> int:
    backend = open_backend(_source(args))
    try:
        info = backend.summary()
        info["fingerprint"] = backend.fingerprint()
    finally:
        backend.close()
    if args.json:
        _print_json(info)
        return 0
    kind = "directed" if info["directed"] else "undirected"
    print(f"{info['name']} ({info['backend']}, {kind}{', weighted' if info.get('weighted') else ''})")
    print(f"  nodes: {info['nodes']}   edges: {info['edges']}")
    for key, title in (("labels", "labels"), ("relationship_types", "relationship types")):
        if info.get(key):
            print(f"  {title}: " + ", ".join(f"{k} ({v})" for k, v in info[key].items()))
    for key, title in (("node_properties", "node properties"), ("edge_properties", "edge properties")):
        if info.get(key):
            print(f"  {title}: " + ", ".join(map(str, info[key])))
    if info.get("name_property"):
        print(f"  name property: {info['name_property']}")
    print(f"  fingerprint: {info['fingerprint'][:16]}")
    return 0


def _graph_samples(args: argparse.Namespace) -> int:
    from graphs.samples import SAMPLES

    if args.json:
        _print_json([{"name": name, "description": text} for name, text in SAMPLES.items()])
    else:
        for name, text in SAMPLES.items():
            print(f"{name:18} {text}")
    return 0


def _tools_list(args: argparse.Namespace) -> int:
    from tools.registry import tool_specs

    specs = tool_specs()
    if args.json:
        _print_json(specs)
    else:
        for spec in specs:
            params = spec["parameters"].get("properties", {})
            required = set(spec["parameters"].get("required", []))
            sig = ", ".join(p if p in required else f"{p}?" for p in params)
            print(f"{spec['name']}({sig})\n    {spec['description']}")
    return 0


def _tools_call(args: argparse.Namespace) -> int:
    from tools.cache import GraphCache
    from tools.registry import call_tool

    try:
        call_args = json.loads(args.args)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"error: --args is not valid JSON: {exc}") from None
    if not isinstance(call_args, dict):
        raise SystemExit("error: --args must be a JSON object, e.g. '{\"source\": \"Oslo\"}'")
    backend = open_backend(_source(args))
    try:
        cache = None if args.no_cache else GraphCache()
        result = call_tool(backend, args.name, call_args, cache=cache)
    finally:
        backend.close()
    _print_json(result)
    return 1 if isinstance(result, dict) and "error" in result else 0


def _cache(args: argparse.Namespace) -> int:
    from tools.cache import GraphCache

    cache = GraphCache()
    if args.action == "clear":
        removed = cache.clear()
        print(f"cleared {removed} cache entries from {cache.stats()['directory']}")
        return 0
    stats = cache.stats()
    if args.json:
        _print_json(stats)
    else:
        for layer in ("tool", "answer"):
            s = stats[layer]
            print(f"{layer:7} hits {s['hits']:>8}  misses {s['misses']:>8}  hit ratio {s['hit_ratio']:.1%}")
        print(f"entries {stats['entries']}  size {stats['size_bytes'] / 1e6:.2f} MB  dir {stats['directory']}")
    return 0


def _ask(args: argparse.Namespace) -> int:
    from agent.context import AgentConfig
    from agent.engines.base import AdapterError, ModelFilesMissing
    from agent.ingest import QuestionError, check_question
    from agent.session import AgentSession

    options = {"base_url": args.base_url} if args.base_url else {}
    try:
        config = AgentConfig(
            engine=args.engine,
            model=args.model,
            adapter=args.adapter,
            max_tool_rounds=args.max_rounds,
            use_cache=not args.no_cache,
            engine_options=options,
        )
        check_question(args.question, config.max_question_chars)
    except (QuestionError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    backend = open_backend(_source(args))
    try:
        with AgentSession(backend, config) as session:
            answer = session.ask(args.question, thread_id=args.thread)
    except (ModelFilesMissing, AdapterError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        backend.close()
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, default=str))
        return 0
    print(answer.answer)
    if answer.tool_calls:
        print("\ntool calls:")
    for number, call in enumerate(answer.tool_calls, 1):
        result = json.dumps(call["result"], ensure_ascii=False, default=str)
        result = result if len(result) <= 200 else result[:199] + "…"
        print(f"  {number}. {call['name']} {json.dumps(call['args'], ensure_ascii=False)} -> {result}")
    cached = ", cached" if answer.cached else ""
    print(f"\n({answer.engine}, adapter {answer.adapter or 'none'}, {answer.latency_s:.2f} s{cached}, "
          f"thread {answer.thread_id})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``graph-agent`` (exposed for tests and ``--help`` docs)."""
    parser = argparse.ArgumentParser(
        prog="graph-agent", description="An agentic graph assistant: exact graph tools driven by a small LLM."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer a question about a graph with the agent")
    ask.add_argument("question", help="the question; a graph written inside it needs no --graph")
    _add_graph_source(ask)
    _add_engine_options(ask)
    ask.add_argument("--thread", help="conversation id: reuse it to ask follow-up questions")
    ask.add_argument("--json", action="store_true", help="print {answer, tool_calls, latency_s, cached, ...}")
    ask.set_defaults(func=_ask)

    graph = commands.add_parser("graph", help="inspect graphs").add_subparsers(dest="action", required=True)
    info = graph.add_parser("info", help="size, schema and fingerprint of a graph")
    _add_graph_source(info)
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(func=_graph_info)
    samples = graph.add_parser("samples", help="list the bundled sample graphs")
    samples.add_argument("--json", action="store_true", help="print JSON")
    samples.set_defaults(func=_graph_samples)

    tools = commands.add_parser("tools", help="the graph tool suite").add_subparsers(dest="action", required=True)
    listing = tools.add_parser("list", help="list the tools and their arguments")
    listing.add_argument("--json", action="store_true", help="print [{name, description, parameters}]")
    listing.set_defaults(func=_tools_list)
    call = tools.add_parser("call", help="call one tool and print its JSON result")
    call.add_argument("name", help="tool name (see `tools list`)")
    _add_graph_source(call)
    call.add_argument("--args", default="{}", help="tool arguments as a JSON object")
    call.add_argument("--no-cache", action="store_true", help="bypass the tool-result cache")
    call.set_defaults(func=_tools_call)

    cache = commands.add_parser("cache", help="the query cache")
    cache.add_argument("action", choices=["stats", "clear"])
    cache.add_argument("--json", action="store_true", help="print JSON (stats)")
    cache.set_defaults(func=_cache)

    cli_bench.register(commands)
    cli_chat.register(commands)
    cli_eval.register(commands)
    cli_finetune.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``graph-agent`` console script."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "passes_flags_on", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.passed_flags = extra
    try:
        return args.func(args)
    except GraphError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
