"""``graph-agent eval``: evaluate configurations on a question file and write predictions, metrics and a report.

``graph-agent eval --data FILE.jsonl --out DIR [--compare base,default,PATH] [--engine ...] [--limit N]
[--measurements all|none|cache,scalability,human] [--quick]``. Registered on the main parser by ``register``.
A bad option, an unreadable question file or a wrong adapter is one ``error:`` line on stderr with exit status 2;
bad lines inside the file are skipped with their line numbers, never fatal.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from agent.engines import ENGINES


def register(commands: Any) -> None:
    """Add the ``eval`` command to ``commands`` (the main parser's ``add_subparsers`` object)."""
    parser = commands.add_parser(
        "eval", help="evaluate configurations on a question file: predictions, metrics, report.md and plots"
    )
    parser.add_argument(
        "--data", required=True, metavar="FILE", help="question file, JSON lines (format: README, Evaluation)"
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="where predictions, metrics and report go")
    parser.add_argument(
        "--compare", default="default", metavar="CONFIGS",
        help="comma list of 'base' (untuned, few-shot), 'default' (the shipped adapter) and adapter paths",
    )
    parser.add_argument("--engine", choices=ENGINES, default="llamacpp", help="model engine (default %(default)s)")
    parser.add_argument("--model", help="a GGUF file or HF model directory (openai: served model name)")
    parser.add_argument("--base-url", help="OpenAI-compatible server URL (engine openai)")
    parser.add_argument("--limit", type=int, help="evaluate only the first N usable questions")
    parser.add_argument("--max-tokens", type=int, default=256, help="tokens per model turn (default %(default)s)")
    parser.add_argument("--max-rounds", type=int, default=4, help="most tool calls per question (default %(default)s)")
    parser.add_argument(
        "--measurements", default="all", metavar="NAMES",
        help="other measurements to embed: all (default), none, or a comma list of cache, scalability, human",
    )
    parser.add_argument("--quick", action="store_true", help="run the quick variant of each measurement")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
    parser.set_defaults(func=_eval)


def _eval(args: argparse.Namespace) -> int:
    from agent.engines.base import ModelFilesMissing
    from finetune.evaluate import (
        METRICS,
        PREDICTIONS,
        REPORT,
        EvalError,
        EvalOptions,
        parse_configs,
        parse_measurements,
        run_eval,
    )
    from finetune.report import summary_table

    try:
        options = EvalOptions(
            data=args.data,
            out=args.out,
            configs=parse_configs(args.compare),
            engine=args.engine,
            model=args.model,
            engine_options={"base_url": args.base_url} if args.base_url else {},
            limit=args.limit,
            max_tokens=args.max_tokens,
            max_rounds=args.max_rounds,
            measurements=parse_measurements(args.measurements),
            quick=args.quick,
            progress=not args.no_progress,
            command="graph-agent " + shlex.join(_argv(args)),
        )
        metrics = run_eval(options)
    except (EvalError, ModelFilesMissing, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary_table(metrics))
    skipped = len(metrics["input"]["skipped"])
    if skipped:
        print(f"\n{skipped} input line(s) skipped; see the report")
    out = options.out
    print(f"\nwrote {out / PREDICTIONS}, {out / METRICS} and {out / REPORT}")
    return 0


def _argv(args: argparse.Namespace) -> list[str]:
    """The command line that reproduces this run (for the report)."""
    parts = ["eval", "--data", args.data, "--out", args.out, "--compare", args.compare, "--engine", args.engine]
    for flag, value in (("--model", args.model), ("--base-url", args.base_url), ("--limit", args.limit)):
        if value:
            parts += [flag, str(value)]
    parts += ["--max-tokens", str(args.max_tokens), "--max-rounds", str(args.max_rounds)]
    return parts + ["--measurements", args.measurements] + (["--quick"] if args.quick else [])
