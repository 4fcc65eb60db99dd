"""``generate``: write the whole fine-tuning data set for a seed and sizes into one directory.

Files (JSON lines unless noted):

- ``train.jsonl``, ``validation.jsonl``, ``test.jsonl`` -- SFT rows (``finetune.records.conversation_record``);
- ``dpo_train.jsonl``, ``dpo_test.jsonl`` -- DPO rows (``finetune.records.preference_record``) from the train
  and test conversations;
- ``test.eval.jsonl``, ``validation.eval.jsonl`` -- those splits as eval questions (format: README, Evaluation),
  with active graphs under ``graphs/``;
- ``manifest.json`` -- seed, sizes, counts per split / task / family / notation / style / failure, what only the
  test split sees, and each file's SHA-256.

Deterministic: the same seed and sizes give byte-identical files (nothing depends on time, order of dict
iteration across runs, or hash randomisation). Files are written into a staging directory of the run's own
and renamed at the end, so an interrupted run leaves no half-written data set behind a complete-looking name,
and two runs started on the same directory cannot mix their files (the second to finish refuses).
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from finetune.data.conversations import build_conversation
from finetune.data.eval_records import GRAPHS_DIR, eval_record, write_graph_file
from finetune.data.negatives import preference_pairs
from finetune.data.splits import SPLITS, held_out
from finetune.records import conversation_record, preference_record

SIZES: dict[str, dict[str, int]] = {
    "small": {"train": 240, "validation": 40, "test": 80},
    "medium": {"train": 3000, "validation": 300, "test": 500},
    "large": {"train": 12000, "validation": 1000, "test": 2000},
}
"""Conversations per split for each named size."""

PAIRS_PER_CONVERSATION = 1
SFT_FILES = {split: f"{split}.jsonl" for split in SPLITS}
DPO_FILES = {"train": "dpo_train.jsonl", "test": "dpo_test.jsonl"}
EVAL_FILES = {"validation": "validation.eval.jsonl", "test": "test.eval.jsonl"}
"""Eval question files: test for the report, validation for the DPO regression gate."""
MANIFEST = "manifest.json"
OUTPUTS = (*SFT_FILES.values(), *DPO_FILES.values(), *EVAL_FILES.values(), MANIFEST)


def parse_sizes(text: str) -> dict[str, int]:
    """``small``/``medium``/``large`` or three counts ``TRAIN,VALIDATION,TEST``; ``ValueError`` otherwise."""
    if text in SIZES:
        return dict(SIZES[text])
    parts = text.split(",")
    try:
        counts = [int(part) for part in parts]
    except ValueError:
        counts = []
    if len(counts) != 3 or min(counts) < 1:
        raise ValueError(f"size must be one of {', '.join(SIZES)} or TRAIN,VALIDATION,TEST counts (each >= 1), "
                         f"got {text!r}")
    return dict(zip(SPLITS, counts, strict=True))


def generate(out_dir: Path, seed: int, sizes: dict[str, int],
             progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Write the data set into ``out_dir`` (created if needed) and return the manifest. ``progress`` is called
    with 1 after each conversation. ``FileExistsError`` if ``out_dir`` already holds a data set."""
    out_dir = Path(out_dir)
    if existing := _existing(out_dir):
        raise FileExistsError(f"{out_dir} already holds a data set ({', '.join(existing)}); choose another --out")
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".partial-", dir=out_dir))  # one per run: two runs cannot mix files
    try:
        manifest = _write(staging, seed, sizes, progress)
        if _existing(out_dir):
            raise FileExistsError(f"{out_dir} got a data set from another run while this one was writing; "
                                  "choose another --out")
        for entry in sorted(staging.iterdir()):
            entry.rename(out_dir / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _existing(out_dir: Path) -> list[str]:
    return [name for name in (*OUTPUTS, GRAPHS_DIR) if (out_dir / name).exists()]


def _write(staging: Path, seed: int, sizes: dict[str, int],
           progress: Callable[[int], None] | None) -> dict[str, Any]:
    """Write every file of the data set into ``staging`` and return the manifest."""
    counts: dict[str, Any] = {split: _counter_group() for split in SPLITS}
    failures: dict[str, Counter] = defaultdict(Counter)
    eval_counts = dict.fromkeys(EVAL_FILES, 0)
    with _Files(staging, [*SFT_FILES.values(), *DPO_FILES.values(), *EVAL_FILES.values()]) as files:
        for split in SPLITS:
            for index in range(sizes[split]):
                convo = build_conversation(seed, split, index)
                meta = {
                    "id": convo.id, "split": split, "task": convo.turns[0].task,
                    "tasks": [turn.task for turn in convo.turns], "family": convo.family, "mode": convo.mode,
                    "notation": convo.notation, "style": convo.style, "templates": convo.templates,
                }
                files.write(SFT_FILES[split], conversation_record(
                    convo.messages, tools=convo.tools, graph_context=convo.graph_context, **meta))
                _count(counts[split], convo)
                if split in DPO_FILES:
                    rng = random.Random(f"graph-agent/{seed}/{convo.id}/dpo")
                    for pair in preference_pairs(convo, rng, PAIRS_PER_CONVERSATION):
                        provenance = {"source": "synthetic", "seed": seed, "failure": pair["failure"],
                                      **{key: meta[key] for key in ("id", "task", "family", "mode")},
                                      "template": convo.templates[-1]}
                        files.write(DPO_FILES[split], preference_record(
                            pair["prompt"], pair["chosen"], pair["rejected"], tools=convo.tools,
                            graph_context=convo.graph_context, provenance=provenance))
                        failures[split][pair["failure"]] += 1
                if split in EVAL_FILES:
                    record = eval_record(convo)
                    if record is not None:
                        if convo.mode == "file":
                            write_graph_file(convo, staging)
                        files.write(EVAL_FILES[split], record)
                        eval_counts[split] += 1
                if progress is not None:
                    progress(1)
    manifest = {
        "seed": seed,
        "sizes": sizes,
        "held_out_for_test": held_out(),
        "counts": {split: {key: dict(sorted(c.items())) for key, c in group.items()}
                   for split, group in counts.items()},
        "dpo_pairs": {split: dict(sorted(c.items())) for split, c in failures.items()},
        "eval_questions": eval_counts,
        "files": {name: _sha256(staging / name) for name in sorted(files.names)},
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def _counter_group() -> dict[str, Counter]:
    return {key: Counter() for key in ("conversations", "task", "family", "mode", "notation", "style", "turns")}


def _count(group: dict[str, Counter], convo: Any) -> None:
    group["conversations"]["total"] += 1
    for turn in convo.turns:
        group["task"][turn.task] += 1
    group["family"][convo.family] += 1
    group["mode"][convo.mode] += 1
    group["notation"][convo.notation or "none"] += 1
    group["style"][convo.style] += 1
    group["turns"][str(len(convo.turns))] += 1


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class _Files:
    """The JSON-lines files being written in the staging directory, by name (all created up front)."""

    def __init__(self, directory: Path, names: list[str]) -> None:
        self.handles = {name: (directory / name).open("w", encoding="utf-8") for name in names}

    @property
    def names(self) -> list[str]:
        return list(self.handles)

    def write(self, name: str, row: dict[str, Any]) -> None:
        self.handles[name].write(json.dumps(row, ensure_ascii=False) + "\n")

    def __enter__(self) -> _Files:
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self.handles.values():
            handle.close()
