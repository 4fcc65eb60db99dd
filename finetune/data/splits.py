"""Splits by graph family and by phrasing template, so the test split measures generalisation, not memory.

- ``train`` and ``validation`` draw from the training families and the training templates (validation is new
  graphs and questions of the same kinds: an in-distribution check for training runs);
- ``test`` draws only from held-out families and held-out templates (and held-out follow-up phrasings), none
  of which a training row ever uses.
"""

from __future__ import annotations

from finetune.data.families import FAMILIES
from finetune.data.templates import FOLLOW_UPS, FRESH, HELD_OUT, HELD_OUT_FOLLOW_UPS, TEMPLATES, WAVE3, WAVE4

SPLITS = ("train", "validation", "test")

TEST_FAMILIES = ("grid", "scale_free", "ring", "layered", "library_kg")
"""Families only the test split sees: a new regular shape, a new degree distribution, a new cycle shape, a
layered pipeline with capacities, and a knowledge graph with a schema (labels, relationship types, properties)
never seen in training."""

TRAIN_FAMILIES = tuple(name for name in FAMILIES if name not in TEST_FAMILIES)

TEST_TEMPLATE_SETS = {"held_out": HELD_OUT, "fresh": FRESH, "wave3": WAVE3, "wave4": WAVE4}
"""The held-out template sets by name; a test template's id is ``task.SET.N``."""


def families_for(split: str) -> tuple[str, ...]:
    """The families ``split`` draws graphs from."""
    _check(split)
    return TEST_FAMILIES if split == "test" else TRAIN_FAMILIES


def templates_for(task: str, split: str) -> list[tuple[str, str]]:
    """``[(template id, text)]`` of ``task`` that ``split`` may use."""
    _check(split)
    if split != "test":
        return [(f"{task}.{i}", text) for i, text in enumerate(TEMPLATES[task])]
    return [(f"{task}.{name}.{i}", text)
            for name, texts in TEST_TEMPLATE_SETS.items() for i, text in enumerate(texts[task])]


def template_set(template_id: str) -> str:
    """``train``, or the held-out set a test template id belongs to."""
    parts = template_id.split(".")
    return parts[1] if len(parts) == 3 else "train"


def follow_ups_for(split: str) -> list[tuple[str, str]]:
    """``[(id, text)]`` of the follow-up phrasings ``split`` may use."""
    _check(split)
    if split == "test":
        return [(f"follow_up.held_out.{i}", text) for i, text in enumerate(HELD_OUT_FOLLOW_UPS)]
    return [(f"follow_up.{i}", text) for i, text in enumerate(FOLLOW_UPS)]


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
