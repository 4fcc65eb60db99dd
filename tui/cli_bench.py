"""``graph-agent bench ...``: every speed and scale figure of the project, one subcommand each, and ``bench all``.

- ``bench tools``: graph tools and loaders on generated graphs (``benchmarks.tools_bench``);
- ``bench agent``: the agent end to end per engine (``benchmarks.agent_bench``);
- ``bench train``: LoRA SFT training speed and memory (``benchmarks.train_bench``);
- ``bench cache``: cache hit ratio over a Zipf replay, and invalidation (``benchmarks.cache_replay``);
- ``bench scale``: tools, prompt tokens, agent latency and accuracy from 10^2 to 10^6 edges
  (``benchmarks.scalability``);
- ``bench all``: each of the above in turn, into one directory, with ``bench.md`` gathering their tables.

A new benchmark joins ``bench all`` with one entry in ``SECTIONS``. Measurements write their JSON and
PNG plots into ``--out`` (default: ``bench/`` under the user data directory), never into the repository.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.agent_bench import DEFAULT_MAX_TOKENS

QUICK_TOOL_SIZES, QUICK_BOLT_SIZES = "1000,10000", "1000"
REPORT = "bench.md"


class BenchUsageError(ValueError):
    """A bench option that cannot be used (reported as one line, exit status 2)."""


def _sizes(text: str, flag: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise BenchUsageError(f"{flag} takes a comma list of edge counts such as 1000,10000; got {text!r}") from None
    if any(size < 1 for size in sizes):
        raise BenchUsageError(f"{flag}: edge counts must be positive; got {text!r}")
    return sizes


def _out_dir(value: str | None) -> Path:
    from agent.model_files import data_dir

    return Path(value) if value else data_dir() / "bench"


def _tools(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.tools_bench import run_tools_benchmark

    sizes = _sizes(args.sizes, "--sizes")
    bolt = _sizes(args.bolt_sizes, "--bolt-sizes") if args.bolt_sizes else []
    return run_tools_benchmark(sizes=sizes, bolt_sizes=bolt, repeats=args.repeats, out=args.out)


def _agent(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.agent_bench import run_agent_benchmark

    engines = [engine.strip() for engine in args.engines.split(",") if engine.strip()]
    return run_agent_benchmark(engines=engines, questions=args.questions, adapter=args.adapter,
                               max_tokens=args.max_tokens, out=args.out)


def _train(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.train_bench import BenchError, run_train_benchmark

    variants = [variant.strip() for variant in args.variants.split(",") if variant.strip()]
    try:
        return run_train_benchmark(data_dir=args.data, steps=args.steps, variants=variants, model=args.model,
                                   out=args.out)
    except BenchError as exc:
        raise BenchUsageError(str(exc)) from None


def _measurement(module: str, args: argparse.Namespace, **options: Any) -> dict[str, Any]:
    """Run a contract-3 measurement into ``--out``, print its table, and write ``<name>.json`` beside its plots."""
    import importlib

    out = _out_dir(args.out)
    result = importlib.import_module(module).run(out_dir=out, quick=args.quick, adapter=args.adapter, **options)
    (out / f"{result['name']}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    print(f"\n{result['title']}\n\n{result['table_md']}\n")
    for plot in result["plots"]:
        print(f"plot: {out / plot['file']} - {plot['caption']}")
    print(f"wrote {out / (result['name'] + '.json')}")
    return result


def _cache(args: argparse.Namespace) -> dict[str, Any]:
    if args.requests is not None and args.requests < 1:
        raise BenchUsageError(f"--requests must be at least 1, got {args.requests}")
    return _measurement("benchmarks.cache_replay", args, requests=args.requests)


def _scale(args: argparse.Namespace) -> dict[str, Any]:
    sizes = tuple(_sizes(args.sizes, "--sizes")) if args.sizes is not None else None
    bolt = tuple(_sizes(args.bolt_sizes, "--bolt-sizes")) if args.bolt_sizes is not None else None
    return _measurement("benchmarks.scalability", args, sizes=sizes, bolt_sizes=bolt)


def _tools_in_all(args: argparse.Namespace, out: Path) -> str:
    quick = args.quick
    sub = argparse.Namespace(sizes=QUICK_TOOL_SIZES if quick else "1000,10000,100000,1000000",
                             bolt_sizes=QUICK_BOLT_SIZES if quick else "1000,10000,100000",
                             repeats=2 if quick else 5, out=str(out / "tools.json"))
    results = _tools(sub)
    titles = {"networkx": "networkx backend (median per call)", "loaders": "file loaders (median load time)",
              "bolt": "Neo4j backend on the FalkorDB Bolt test server (median per call)"}
    return "\n\n".join(f"{titles[key]}:\n\n{_milliseconds_table(rows)}" for key, rows in results.items() if rows)


def _milliseconds_table(rows: list[dict[str, Any]]) -> str:
    """``tools_bench`` rows as a Markdown table, ``*_s`` figures in milliseconds."""
    from tabulate import tabulate

    def cell(key: str, value: Any) -> Any:
        return f"{value * 1000:.2f}" if key.endswith("_s") and isinstance(value, float) else value

    headers = [key[:-2] + " (ms)" if key.endswith("_s") else key for key in rows[0]]
    body = [[cell(key, value) for key, value in row.items()] for row in rows]
    return tabulate(body, headers=headers, tablefmt="github", disable_numparse=True)


def _agent_in_all(args: argparse.Namespace, out: Path) -> str:
    sub = argparse.Namespace(engines=args.engines, questions=5 if args.quick else 30, adapter=args.adapter,
                             max_tokens=DEFAULT_MAX_TOKENS, out=str(out / "agent.json"))
    return _agent(sub)["table"]


def _train_in_all(args: argparse.Namespace, out: Path) -> str:
    variants = "fast" if args.quick else "naive,fast,fast_bf16"
    sub = argparse.Namespace(data=None, steps=2 if args.quick else 4, variants=variants, model=None,
                             out=str(out / "train.json"))
    return _train(sub)["table"]


def _cache_in_all(args: argparse.Namespace, out: Path) -> str:
    sub = argparse.Namespace(out=str(out), quick=args.quick, adapter=args.adapter, requests=None)
    return _cache(sub)["table_md"]


def _scale_in_all(args: argparse.Namespace, out: Path) -> str:
    sub = argparse.Namespace(out=str(out), quick=args.quick, adapter=args.adapter, sizes=None, bolt_sizes=None)
    return _scale(sub)["table_md"]


SECTIONS: dict[str, tuple[str, Callable[[argparse.Namespace, Path], str]]] = {
    "tools": ("Graph tools", _tools_in_all),
    "agent": ("The agent end to end", _agent_in_all),
    "train": ("LoRA SFT training speed", _train_in_all),
    "cache": ("Cache hit ratio", _cache_in_all),
    "scale": ("Scalability", _scale_in_all),
}
"""``bench all``'s sections in order: name → (title, runner returning Markdown for ``bench.md``)."""


def _all(args: argparse.Namespace) -> dict[str, Any]:
    names = [name.strip() for name in args.only.split(",") if name.strip()] if args.only else list(SECTIONS)
    unknown = [name for name in names if name not in SECTIONS]
    if unknown:
        raise BenchUsageError(f"--only takes a comma list of {', '.join(SECTIONS)}; got {unknown[0]!r}")
    out = _out_dir(args.out)
    out.mkdir(parents=True, exist_ok=True)
    mode = "quick" if args.quick else "full"
    parts = [f"# graph-agent bench all ({mode})", f"Command: `graph-agent bench all{' --quick' if args.quick else ''}"
             f"{' --only ' + args.only if args.only else ''} --out {out}`"]
    timings = {}
    for name in names:
        title, runner = SECTIONS[name]
        print(f"== bench {name} ({mode}) ==", flush=True)
        started = time.perf_counter()
        body = runner(args, out)
        timings[name] = time.perf_counter() - started
        parts.append(f"## {title}\n\n{body}\n\n_{timings[name]:.0f} s._")
    (out / REPORT).write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    print(f"wrote {out / REPORT}")
    return {"sections": names, "seconds": timings, "out": str(out)}


def _command(action: Callable[[argparse.Namespace], Any]) -> Callable[[argparse.Namespace], int]:
    """A subcommand handler: the action, with bad options and failed benchmarks as one line and exit status 2."""

    def handler(args: argparse.Namespace) -> int:
        from agent.engines.base import AdapterError, ModelFilesMissing
        from benchmarks.agent_bench import BenchError

        try:
            action(args)
        except (BenchUsageError, BenchError, ModelFilesMissing, AdapterError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0

    return handler


def _add_measurement_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="a seconds-to-a-minute variant (tests, CI)")
    parser.add_argument("--adapter", default="default",
                        help="LoRA adapter: 'default' (the shipped one, else the base model), 'none' or PATH")
    parser.add_argument("--out", default=None, help="directory for the JSON and plots (default: bench/ under the "
                                                    "user data dir)")


def register(commands: Any) -> None:
    """Add ``bench tools|agent|train|cache|scale|all`` to the ``graph-agent`` subcommands."""
    bench = commands.add_parser("bench", help="benchmarks").add_subparsers(dest="action", required=True)
    tools = bench.add_parser("tools", help="tool and loader timings on generated graphs")
    tools.add_argument("--sizes", default="1000,10000,100000,1000000", help="edge counts, comma list")
    tools.add_argument("--bolt-sizes", default="1000,10000,100000",
                       help="edge counts on the Bolt test server ('' to skip)")
    tools.add_argument("--repeats", type=int, default=5, help="timed repeats per figure (median)")
    tools.add_argument("--out", default=None, help="also write the figures as JSON here")
    tools.set_defaults(func=_command(_tools))

    agent = bench.add_parser("agent", help="the agent end to end: llama.cpp and transformers side by side")
    agent.add_argument("--engines", default="llamacpp,hf", help="engines to compare, comma list")
    agent.add_argument("--questions", type=int, default=30, help="how many of the 30 fixed questions")
    agent.add_argument("--adapter", default="none",
                       help="LoRA adapter: 'none' (few-shot baseline; the default), 'default' (shipped) or PATH")
    agent.add_argument("--max-tokens", type=int, default=DEFAULT_MAX_TOKENS,
                       help="tokens per model turn (default %(default)s)")
    agent.add_argument("--out", default=None, help="also write the figures as JSON here")
    agent.set_defaults(func=_command(_agent))

    train = bench.add_parser("train", help="LoRA SFT train tokens/s and peak memory: TRL defaults vs our fast path")
    train.add_argument("--data", default=None, help="an SFT data directory (default: 64 generated rows)")
    train.add_argument("--steps", type=int, default=4, help="optimizer steps per variant; the first is warm-up")
    train.add_argument("--variants", default="naive,fast,fast_bf16", help="variants to compare, comma list")
    train.add_argument("--model", default=None, help="a transformers model directory (default: the base model)")
    train.add_argument("--out", default=None, help="also write the figures as JSON here")
    train.set_defaults(func=_command(_train))

    cache = bench.add_parser("cache", help="cache hit ratio over a Zipf-distributed replay, and invalidation")
    _add_measurement_options(cache)
    cache.add_argument("--requests", type=int, default=None, help="requests in the replay (default 60, quick 6)")
    cache.set_defaults(func=_command(_cache))

    scale = bench.add_parser("scale", help="tools, prompt tokens, agent latency and accuracy as graphs grow")
    _add_measurement_options(scale)
    scale.add_argument("--sizes", default=None, help="networkx edge counts (default 100,...,1000000; quick 100,1000)")
    scale.add_argument("--bolt-sizes", default=None,
                       help="Bolt test server edge counts (default 100,...,100000; quick 100; '' to skip)")
    scale.set_defaults(func=_command(_scale))

    every = bench.add_parser("all", help="every benchmark in turn, gathered in bench.md")
    every.add_argument("--quick", action="store_true", help="small sizes and few questions (a few minutes)")
    every.add_argument("--only", default=None, help=f"a comma list of sections: {', '.join(SECTIONS)}")
    every.add_argument("--engines", default="llamacpp", help="engines for the agent section, comma list")
    every.add_argument("--adapter", default="default",
                       help="LoRA adapter for the agent, cache and scale sections: 'default' (the shipped one, else "
                            "the base model), 'none' or PATH")
    every.add_argument("--out", default=None, help="directory for everything (default: bench/ under the user "
                                                   "data dir)")
    every.set_defaults(func=_command(_all))
