"""Splits by graph family and by phrasing template, so the test split measures generalisation, not memory.

- ``train`` and ``validation`` draw from the training families and the training templates (validation is new
  graphs and questions of the same kinds: an in-distribution check for training runs);
- ``test`` draws only from held-out families and held-out templates (and held-out follow-up phrasings), none
  of which a training row ever uses.
"""

from __future__ import annotations

from finetune.data.families import FAMILIES
from finetune.data.templates import FOLLOW_UPS, TEMPLATES, held_out_count

SPLITS = ("train", "validation", "test")

TEST_FAMILIES = ("grid", "scale_free", "ring", "layered", "library_kg")
"""Families only the test split sees: a new regular shape, a new degree distribution, a new cycle shape, a
layered pipeline with capacities, and a knowledge graph with a schema (labels, relationship types, properties)
never seen in training."""

TRAIN_FAMILIES = tuple(name for name in FAMILIES if name not in TEST_FAMILIES)


def families_for(split: str) -> tuple[str, ...]:
    """The families ``split`` draws graphs from."""
    _check(split)
    return TEST_FAMILIES if split == "test" else TRAIN_FAMILIES


def templates_for(task: str, split: str) -> list[tuple[str, str]]:
    """``[(template id, text)]`` of ``task`` that ``split`` may use (the last few are test-only)."""
    _check(split)
    texts = TEMPLATES[task]
    cut = len(texts) - held_out_count(len(texts))
    chosen = range(cut, len(texts)) if split == "test" else range(cut)
    return [(f"{task}.{i}", texts[i]) for i in chosen]


def follow_ups_for(split: str) -> list[tuple[str, str]]:
    """``[(id, text)]`` of the follow-up phrasings ``split`` may use."""
    _check(split)
    cut = len(FOLLOW_UPS) - held_out_count(len(FOLLOW_UPS))
    chosen = range(cut, len(FOLLOW_UPS)) if split == "test" else range(cut)
    return [(f"follow_up.{i}", FOLLOW_UPS[i]) for i in chosen]


def held_out() -> dict[str, list[str]]:
    """What only the test split sees: families, template ids and follow-up ids (for the manifest)."""
    return {
        "families": list(TEST_FAMILIES),
        "templates": [tid for task in TEMPLATES for tid, _ in templates_for(task, "test")],
        "follow_ups": [fid for fid, _ in follow_ups_for("test")],
    }


def _check(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
