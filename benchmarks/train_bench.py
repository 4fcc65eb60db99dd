"""``graph-agent bench train``: LoRA SFT train tokens/s and peak memory, TRL's defaults vs. our fast path.

Every variant trains the same LoRA (r=16, all linear projections, no dropout, as ``configs/sft.yaml``) on the
same rows of our own SFT data, with the loss on the model's turns only, for the same optimizer steps over the same
effective batch of 4 rows, so they learn the same thing; each variant's first-step loss is printed to show it:

- ``naive``: TRL's defaults -- rows padded to the longest of a batch of 4, activation checkpointing on, and TRL's
  fused LM head, which on CPU scores every position;
- ``fast``: the LM head scored only at positions with a label (``finetune.lm_head``), no activation
  checkpointing, one row per micro-batch (no padding) and 4 accumulation steps -- the same arithmetic in fp32;
- ``fast_bf16``: ``fast`` with bf16 autocast (fp32 weights and optimizer, bf16 matmuls), what ``finetune sft``
  uses on a CPU with AVX512-BF16 or AMX: not bit-identical, so its first-step loss differs slightly.

Each variant runs in its own process, so its peak RSS is that process's high-water mark; the first optimizer
step (warm-up) is not timed. Train tokens are the non-padding tokens the model processed (TRL's ``num_tokens``).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from benchmarks.agent_bench import machine

VARIANTS: dict[str, dict[str, Any]] = {
    "naive": {"per_device_train_batch_size": 4, "gradient_accumulation_steps": 1,
              "activation_checkpointing": True, "compact_lm_head": False},
    "fast": {"per_device_train_batch_size": 1, "gradient_accumulation_steps": 4,
             "activation_checkpointing": False, "compact_lm_head": True},
    "fast_bf16": {"per_device_train_batch_size": 1, "gradient_accumulation_steps": 4,
                  "activation_checkpointing": False, "compact_lm_head": True, "bf16": True},
}
TARGET_TOK_S = 300
"""The fine-tuning issue's target for the fast path on the 2-core machine."""


class BenchError(RuntimeError):
    """The benchmark could not run."""


class StepClock(TrainerCallback):
    """Wall-clock time at the end of every optimizer step."""

    def __init__(self) -> None:
        self.ends: list[float] = []

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.ends.append(time.perf_counter())


def bench_variant(name: str, data_dir: str, steps: int, model: str | None) -> dict[str, Any]:
    """Train ``steps`` optimizer steps of one variant in this process; its figures."""
    from trl import ModelConfig, SFTConfig

    from finetune.sft import DataArguments, build_trainer

    settings = dict(VARIANTS[name])
    compact = settings.pop("compact_lm_head")
    rows = steps * settings["per_device_train_batch_size"] * settings["gradient_accumulation_steps"]
    with tempfile.TemporaryDirectory(prefix="graph-agent-train-bench-") as out:
        training = SFTConfig(
            output_dir=out, max_steps=steps, assistant_only_loss=True, max_length=2048, learning_rate=2e-4,
            logging_steps=1, save_strategy="no", eval_strategy="no", report_to="none", seed=0, use_cpu=True,
            disable_tqdm=True, dataloader_drop_last=False, **{"bf16": False, **settings},
        )
        lora = ModelConfig(model_name_or_path=model, use_peft=True, lora_r=16, lora_alpha=32, lora_dropout=0.0,
                           lora_target_modules=["all-linear"])
        data = DataArguments(data_dir=data_dir, eval_file=None, max_train_rows=rows, compact_lm_head=compact)
        trainer = build_trainer(data, training, lora)
        clock = StepClock()
        trainer.add_callback(clock)
        trainer.train()
    logs = [entry for entry in trainer.state.log_history if "loss" in entry]
    tokens = [float(entry["num_tokens"]) for entry in logs]
    timed_tokens, timed_s = tokens[-1] - tokens[0], clock.ends[-1] - clock.ends[0]
    return {
        "variant": name,
        "settings": VARIANTS[name],
        "steps": steps,
        "rows": rows,
        "first_step_loss": float(logs[0]["loss"]),
        "train_tokens_timed": timed_tokens,
        "timed_s": timed_s,
        "train_tok_s": timed_tokens / timed_s if timed_s > 0 else None,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def markdown_table(results: dict[str, dict[str, Any]]) -> str:
    """The variants side by side, with the speed-up of the fast path."""
    names = list(results)
    rows = [
        ("train tokens/s", lambda r: f"{r['train_tok_s']:.0f}"),
        ("timed train tokens", lambda r: f"{r['train_tokens_timed']:.0f}"),
        ("timed seconds", lambda r: f"{r['timed_s']:.1f}"),
        ("first-step loss", lambda r: f"{r['first_step_loss']:.4f}"),
        ("peak RSS (MB)", lambda r: f"{r['peak_rss_mb']:.0f}"),
    ]
    lines = ["| metric | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]
    lines += ["| " + title + " | " + " | ".join(cell(results[n]) for n in names) + " |" for title, cell in rows]
    if "naive" in results:
        for name in names[1:] if names[0] == "naive" else []:
            ratio = results[name]["train_tok_s"] / results["naive"]["train_tok_s"]
            lines.append(("\n" if name == names[1] else "") + f"{name} / naive: {ratio:.2f}x train tokens/s")
        lines.append(f"target: ≥ {TARGET_TOK_S} train tokens/s")
    return "\n".join(lines)


def run_train_benchmark(
    data_dir: str | None = None,
    steps: int = 4,
    variants: Sequence[str] = ("naive", "fast", "fast_bf16"),
    model: str | None = None,
    out: str | None = None,
) -> dict[str, Any]:
    """Run each variant in its own process on the same rows; print the table and optionally write JSON."""
    unknown = [name for name in variants if name not in VARIANTS]
    if unknown or not variants:
        raise BenchError(f"--variants takes a comma list of {', '.join(VARIANTS)}; got {','.join(variants)!r}")
    if steps < 2:
        raise BenchError(f"--steps must be at least 2 (the first is warm-up), got {steps}")
    report: dict[str, Any] = {
        "command": f"graph-agent bench train --steps {steps} --variants {','.join(variants)}"
        + (f" --data {data_dir}" if data_dir else "") + (f" --out {out}" if out else ""),
        "machine": machine(),
        "load_average_at_start": os.getloadavg()[0],
        "variants": {},
    }
    with tempfile.TemporaryDirectory(prefix="graph-agent-train-bench-") as tmp:
        if data_dir is None:
            data_dir = str(Path(tmp) / "data")
            _progress(f"generating SFT rows (graph-agent finetune data --seed 0 --size 64,1,1) into {data_dir} ...")
            from finetune.data.writer import generate, parse_sizes

            generate(Path(data_dir), seed=0, sizes=parse_sizes("64,1,1"))
        for name in variants:
            _progress(f"[{name}] training {steps} steps ...")
            report["variants"][name] = _child({"variant": name, "data_dir": data_dir, "steps": steps,
                                               "model": model}, Path(tmp))
    report["table"] = markdown_table(report["variants"])
    print(report["table"])
    print(f"\ncommand: {report['command']}\nmachine: {report['machine']}")
    print(f"1-minute load average at start: {report['load_average_at_start']:.2f}")
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(json.dumps(report, indent=2, default=str))
        print(f"wrote {out}")
    return report


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _child(spec: dict[str, Any], work: Path) -> dict[str, Any]:
    """One variant in a fresh process (``python -m benchmarks.train_bench SPEC``); its JSON result."""
    result_file = work / f"{spec['variant']}.json"
    command = [sys.executable, "-m", "benchmarks.train_bench", json.dumps({**spec, "result": str(result_file)})]
    done = subprocess.run(command, stdout=2, check=False)
    result = json.loads(result_file.read_text()) if result_file.is_file() else {}
    if done.returncode != 0 or "error" in result:
        reason = result.get("error") or f"exit status {done.returncode}"
        raise BenchError(f"the {spec['variant']} training process failed: {reason}")
    return result


def _main(spec: dict[str, Any]) -> int:
    try:
        result = bench_variant(spec["variant"], spec["data_dir"], spec["steps"], spec["model"])
    except Exception as exc:  # noqa: BLE001 - reported by the parent as one clear line
        Path(spec["result"]).write_text(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))
        raise
    Path(spec["result"]).write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(_main(json.loads(sys.argv[1])))
