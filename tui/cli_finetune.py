"""``graph-agent finetune ...``: the fine-tuning commands: ``data``, ``sft``, ``dpo`` and ``export``.

``graph-agent finetune data --out DIR [--seed N] [--size small|medium|large|TRAIN,VALIDATION,TEST]`` writes the
SFT, DPO and eval files of ``finetune.data.generate`` with a progress bar and prints the counts. Registered on the
main parser by ``register``; later actions (``sft``, ``dpo``, ``pairs``, ``export``) add one
``_add_<action>(actions)`` function here and one call in ``register``. A bad option or an output directory that
already holds a data set is one ``error:`` line on stderr with exit status 2.

``graph-agent finetune sft|dpo --config configs/sft.yaml|dpo.yaml [FLAGS]`` hand every flag after the action to
TRL's ``TrlParser`` (``finetune.sft`` / ``finetune.dpo``), so the flags are TRL's config fields and ``--help``
lists them all. ``graph-agent finetune pairs --from-log --out FILE`` writes preference pairs from the trajectory
log (``finetune.log_pairs``). ``graph-agent finetune export ADAPTER_DIR [--out FILE]`` writes a PEFT adapter's GGUF
LoRA for the llama.cpp engine (``finetune.export``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(commands: Any) -> None:
    """Add the ``finetune`` command and its actions to ``commands`` (the main parser's subparsers object)."""
    finetune = commands.add_parser("finetune", help="fine-tuning: data, training, export")
    actions = finetune.add_subparsers(dest="action", required=True, metavar="ACTION")
    _add_data(actions)
    for name, help_text in (("sft", "LoRA SFT with TRL's SFTTrainer (flags: --config YAML, --data_dir, TRL's)"),
                            ("dpo", "DPO of an SFT adapter with TRL's DPOTrainer (flags: --config YAML, TRL's)")):
        trainer = actions.add_parser(name, help=help_text, add_help=False)
        trainer.set_defaults(func=_train, trainer=name, passes_flags_on=True)
    pairs = actions.add_parser("pairs", help="preference pairs from the trajectory log: human feedback and runs "
                               "verified right vs wrong on the same question and graph")
    pairs.add_argument("--from-log", action="store_true", required=True, help="read the trajectory log")
    pairs.add_argument("--log", help="the trajectory log (default: the data dir's)")
    pairs.add_argument("--out", required=True, help="the JSONL file for graph-agent finetune dpo")
    pairs.set_defaults(func=_pairs)
    export = actions.add_parser("export", help="write a PEFT adapter as a GGUF LoRA for the llama.cpp engine")
    export.add_argument("adapter", help="a PEFT adapter directory (output_dir of finetune sft or dpo)")
    export.add_argument("--out", help="the GGUF file (default: ADAPTER/adapter.gguf)")
    export.add_argument("--model", help="the base model it was trained on (default: the default base model)")
    export.set_defaults(func=_export)


def _add_data(actions: Any) -> None:
    from finetune.data import SIZES

    data = actions.add_parser("data", help="generate SFT conversations, DPO pairs and the eval question file")
    data.add_argument("--out", required=True, metavar="DIR", help="a new (or empty) directory for the data set")
    data.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same files")
    data.add_argument(
        "--size", default="small", metavar="SIZE",
        help=f"{', '.join(SIZES)} (default small) or counts TRAIN,VALIDATION,TEST",
    )
    data.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    data.set_defaults(func=_data)


def _data(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from finetune.data import generate, parse_sizes

    try:
        sizes = parse_sizes(args.size)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        print(f"error: {out} is not a directory", file=sys.stderr)
        return 2
    try:
        with Progress(disable=args.no_progress, transient=True) as progress:
            task = progress.add_task("generating conversations", total=sum(sizes.values()))
            manifest = generate(out, args.seed, sizes, lambda n: progress.advance(task, n))
    except (FileExistsError, PermissionError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _print_counts(out, manifest)
    return 0


def _train(args: argparse.Namespace) -> int:
    import importlib

    module = importlib.import_module(f"finetune.{args.trainer}")
    try:
        return module.main(args.passed_flags)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _pairs(args: argparse.Namespace) -> int:
    from tui.cli_chat import write_pairs

    return write_pairs(args.log, args.out, verified=True)


def _export(args: argparse.Namespace) -> int:
    from finetune.export import ExportError, export_gguf_lora

    try:
        out = export_gguf_lora(args.adapter, args.out, args.model)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}")
    return 0


def _print_counts(out: Path, manifest: dict[str, Any]) -> None:
    counts = manifest["counts"]
    print(f"wrote {out} (seed {manifest['seed']})")
    for split, group in counts.items():
        turns = sum(group["task"].values())
        print(f"  {split:<10} {group['conversations']['total']:>6} conversations, {turns} questions, "
              f"{len(group['task'])} tasks, {len(group['family'])} families")
    for split, failures in manifest["dpo_pairs"].items():
        print(f"  dpo {split:<6} {sum(failures.values()):>6} pairs ({len(failures)} failure kinds)")
    print(f"  eval       {manifest['eval_questions']:>6} questions in test.eval.jsonl")
    held = manifest["held_out_for_test"]
    print(f"  held out for test: families {', '.join(held['families'])}; {len(held['templates'])} templates")
