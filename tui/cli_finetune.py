"""``graph-agent finetune ...``: the fine-tuning commands: ``data``, ``sft``, ``dpo``, ``pairs``, ``export``,
``gate`` and ``overfit``.

``graph-agent finetune data --out DIR [--seed N] [--size small|medium|large|TRAIN,VALIDATION,TEST]`` writes the
SFT, DPO and eval files of ``finetune.data.generate`` with a progress bar and prints the counts. Registered on the
main parser by ``register``; later actions (``sft``, ``dpo``, ``pairs``, ``export``) add one
``_add_<action>(actions)`` function here and one call in ``register``. A bad option or an output directory that
already holds a data set is one ``error:`` line on stderr with exit status 2.

``graph-agent finetune sft|dpo --config configs/sft.yaml|dpo.yaml [FLAGS]`` hand every flag after the action to
TRL's ``TrlParser`` (``finetune.sft`` / ``finetune.dpo``), so the flags are TRL's config fields and ``--help``
lists them all. ``graph-agent finetune pairs --from-log --out FILE`` writes preference pairs from the trajectory
log (``finetune.log_pairs``). ``graph-agent finetune export ADAPTER_DIR [--out FILE] [--eval DIR]`` writes a PEFT
adapter's GGUF LoRA for the llama.cpp engine (``finetune.export``) and its card (``finetune.card``).
``graph-agent finetune gate EVAL_DIR --sft A --dpo B`` is the DPO regression gate (``finetune.gate``; exit 1 when
rejected) and ``graph-agent finetune overfit ADAPTER`` the overfitting check (``finetune.overfit``).
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
    pairs = actions.add_parser("pairs", help="preference pairs: human feedback and runs verified right vs wrong on "
                               "the same question and graph, from the trajectory log or sampled from the model")
    source = pairs.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-log", action="store_true", help="read the trajectory log")
    source.add_argument("--sample", type=int, metavar="K", help="sample K answers per question of --questions "
                        "from the model, grade them against the gold answers, pair right with wrong")
    pairs.add_argument("--log", help="the trajectory log (default: the data dir's; with --sample: OUT.runs/)")
    pairs.add_argument("--questions", metavar="FILE", help="with --sample: an eval question file with gold answers "
                       "(e.g. DATA/validation.eval.jsonl)")
    pairs.add_argument("--adapter", default="default", help="with --sample: the adapter to sample (default: shipped)")
    pairs.add_argument("--temperature", type=float, default=0.8, help="with --sample: sampling temperature (0.8)")
    pairs.add_argument("--seed", type=int, default=0, help="with --sample: sampling seed")
    pairs.add_argument("--limit", type=int, help="with --sample: only the first N questions")
    pairs.add_argument("--out", required=True, help="the JSONL file for graph-agent finetune dpo")
    pairs.set_defaults(func=_pairs)
    export = actions.add_parser("export", help="write a PEFT adapter as a GGUF LoRA for the llama.cpp engine")
    export.add_argument("adapter", help="a PEFT adapter directory (output_dir of finetune sft or dpo)")
    export.add_argument("--out", help="the GGUF file (default: ADAPTER/adapter.gguf)")
    export.add_argument("--model", help="the base model it was trained on (default: the default base model)")
    export.add_argument("--eval", metavar="DIR", help="a graph-agent eval run whose tables go into the adapter card")
    export.set_defaults(func=_export)
    gate = actions.add_parser("gate", help="the DPO regression gate over a graph-agent eval run of SFT vs DPO")
    gate.add_argument("eval_dir", help="the --out of `graph-agent eval --data VALIDATION --compare SFT,DPO`")
    gate.add_argument("--sft", required=True, help="the SFT configuration's label in that run (its adapter path)")
    gate.add_argument("--dpo", required=True, help="the DPO configuration's label (its adapter path; gate.md goes "
                      "there when it is a directory)")
    gate.add_argument("--tolerance", type=float, default=0.01, help="largest allowed fall per task (default 0.01)")
    gate.set_defaults(func=_gate)
    overfit = actions.add_parser("overfit", help="base vs adapter: perplexity on general English and answers to "
                                 "off-topic chat turns (writes ADAPTER/overfit.md)")
    overfit.add_argument("adapter", help="a PEFT adapter directory")
    overfit.add_argument("--engine", default="llamacpp", choices=("llamacpp", "hf"), help="engine for the chat turns")
    overfit.set_defaults(func=_overfit)


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

    if args.sample is None:
        return write_pairs(args.log, args.out, verified=True)
    from agent.trajectory import FILE_NAME
    from finetune.eval_input import EvalInputError
    from finetune.sampled_pairs import sample_runs

    if not args.questions:
        print("error: --sample needs --questions FILE (an eval question file with gold answers)", file=sys.stderr)
        return 2
    log_dir = Path(args.log) if args.log else Path(f"{args.out}.runs")
    try:
        graded = sample_runs(args.questions, args.sample, log_dir, adapter=args.adapter,
                             temperature=args.temperature, seed=args.seed, limit=args.limit)
    except (ValueError, EvalInputError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    right = sum(verdict == "right" for verdict in graded.values())
    print(f"sampled {len(graded)} graded answers ({right} right, {len(graded) - right} wrong), logged in {log_dir}")
    return write_pairs(log_dir / FILE_NAME, args.out, verified=True, graded=graded)


def _export(args: argparse.Namespace) -> int:
    from finetune.export import ExportError, export_gguf_lora

    try:
        out = export_gguf_lora(args.adapter, args.out, args.model)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {out}")
    from finetune.card import write_card

    try:
        print(f"wrote {write_card(args.adapter, args.eval)}")
    except (FileNotFoundError, KeyError) as exc:
        print(f"error: adapter card: {exc}", file=sys.stderr)
        return 2
    return 0


def _gate(args: argparse.Namespace) -> int:
    from finetune.gate import GATE_FILE, gate_markdown, read_gate

    try:
        result = read_gate(args.eval_dir, args.sft, args.dpo, args.tolerance)
    except (FileNotFoundError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = gate_markdown(result)
    print(report)
    if Path(args.dpo).is_dir():
        (Path(args.dpo) / GATE_FILE).write_text(report, encoding="utf-8")
        print(f"wrote {Path(args.dpo) / GATE_FILE}")
    else:
        print(f"{GATE_FILE} not written: {args.dpo!r} is a label, not an adapter directory (run the eval with the "
              f"adapter's path as its label, e.g. adapters/default, to keep the report with the adapter)")
    return 0 if result.accepted else 1


def _overfit(args: argparse.Namespace) -> int:
    from finetune.overfit import REPORT_MD, overfit_report

    if not (Path(args.adapter) / "adapter_config.json").is_file():
        print(f"error: {args.adapter}: not a PEFT adapter directory (no adapter_config.json)", file=sys.stderr)
        return 2
    overfit_report(args.adapter, args.engine)
    print((Path(args.adapter) / REPORT_MD).read_text(encoding="utf-8"))
    return 0


def _print_counts(out: Path, manifest: dict[str, Any]) -> None:
    from finetune.data.writer import EVAL_FILES

    counts = manifest["counts"]
    print(f"wrote {out} (seed {manifest['seed']})")
    for split, group in counts.items():
        turns = sum(group["task"].values())
        print(f"  {split:<10} {group['conversations']['total']:>6} conversations, {turns} questions, "
              f"{len(group['task'])} tasks, {len(group['family'])} families")
    for split, failures in manifest["dpo_pairs"].items():
        print(f"  dpo {split:<6} {sum(failures.values()):>6} pairs ({len(failures)} failure kinds)")
    for split, count in manifest["eval_questions"].items():
        print(f"  eval {split:<10} {count:>6} questions in {EVAL_FILES[split]}")
    held = manifest["held_out_for_test"]
    print(f"  held out for test: families {', '.join(held['families'])}; {len(held['templates'])} templates")
