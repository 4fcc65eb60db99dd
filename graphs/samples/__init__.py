"""Bundled sample graphs, authored by us: small, realistic, and the default graphs of the main job.

Each sample is a node-link JSON file with a card (``<name>.md``) beside it saying what it models and how it
was made. ``sample_path("nordic_roads")`` gives the file; ``SAMPLES`` lists the names.

>>> sorted(SAMPLES)
['company_kg', 'nordic_roads', 'release_pipeline']
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent

SAMPLES: dict[str, str] = {
    "nordic_roads": "Nordic road and ferry network: 28 cities, undirected, weight = km, minutes = travel time.",
    "company_kg": "Company knowledge graph: people, companies, projects and cities with properties, directed.",
    "release_pipeline": "Software release pipeline: 14 tasks as a DAG, weight = hours of the blocking task.",
}

DEFAULT_SAMPLE = "nordic_roads"


def sample_path(name: str) -> Path:
    """Path of the bundled sample ``name``; ``KeyError`` naming the available samples otherwise."""
    if name not in SAMPLES:
        raise KeyError(f"unknown sample {name!r}; available: {', '.join(sorted(SAMPLES))}")
    return _HERE / f"{name}.json"


def sample_card(name: str) -> str:
    """The card (Markdown) describing sample ``name``."""
    return sample_path(name).with_suffix(".md").read_text(encoding="utf-8")
