"""Node names for generated graphs, in every style a user writes them: integers, letters, words, multi-word names.

Why a module of its own: the same name pools feed the graph families (which nodes exist) and the question
templates (misspelled or unknown names), and the inline-graph notations need to know which styles they can
write. Every name here is made up by us; none is taken from a benchmark data set.
"""

from __future__ import annotations

import random
import string

STYLES = ("int", "letter", "word", "spaced")
"""Naming styles: ``0, 1, 2``; ``A, B`` (then ``A1, B1``); ``Maple, Ridge``; ``North Quay, Elm Court``."""

WORDS = (
    "Amber", "Birch", "Cobalt", "Delta", "Ember", "Falcon", "Garnet", "Harbor", "Indigo", "Juniper", "Kestrel",
    "Lantern", "Meadow", "Nimbus", "Orchid", "Pebble", "Quartz", "Raven", "Saffron", "Thistle", "Umber",
    "Velvet", "Willow", "Yarrow", "Zephyr", "Acorn", "Basalt", "Cedar", "Dune", "Fjord", "Glacier", "Heron",
    "Ivy", "Jasper", "Kelp", "Lichen", "Maple", "Nettle", "Onyx", "Pine",
)
PLACE_HEADS = (
    "North", "South", "East", "West", "Upper", "Lower", "Old", "New", "Port", "Little", "Great", "Mill",
    "Stone", "Bright", "Cold", "Green",
)
PLACE_TAILS = (
    "Quay", "Court", "Bridge", "Hollow", "Crossing", "Harbor", "Ridge", "Field", "Gate", "Market", "Point",
    "Heath", "Wharf", "Vale", "Moor", "Reach",
)
FIRST_NAMES = (
    "Ada", "Bruno", "Carmen", "Dmitri", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonah", "Kalani", "Lena",
    "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Soren", "Tala", "Uma", "Viktor", "Wen", "Yusuf",
)
LAST_NAMES = (
    "Abara", "Brandt", "Castell", "Dovic", "Eriksen", "Faure", "Grove", "Halloran", "Ivers", "Janek",
    "Kovalenko", "Lindgren", "Moreau", "Nakata", "Osei", "Petrov", "Quist", "Rahman", "Sato", "Tanaka",
)
COMPANY_HEADS = ("Blue", "Iron", "Silver", "Bright", "Swift", "Clear", "Red", "North", "Open", "True")
COMPANY_TAILS = ("Works", "Labs", "Systems", "Foundry", "Dynamics", "Logistics", "Analytics", "Robotics")
PROJECT_NAMES = (
    "Atlas", "Beacon", "Compass", "Drift", "Echo", "Fable", "Gemini", "Horizon", "Ion", "Jigsaw", "Kite",
    "Lumen", "Mosaic", "Nova", "Orbit", "Prism",
)
CITY_NAMES = (
    "Varnholm", "Estrela", "Kallby", "Montverre", "Duskport", "Halvik", "Sorrento Bay", "Ravensund", "Lindale",
    "Marisol",
)


def node_names(style: str, count: int, rng: random.Random) -> list[int | str]:
    """``count`` distinct node names in ``style`` (one of ``STYLES``), in a random order for word styles."""
    if style == "int":
        start = rng.choice((0, 0, 1))
        return list(range(start, start + count))
    if style == "letter":
        letters = string.ascii_uppercase
        return [letters[i % 26] + (str(i // 26) if i >= 26 else "") for i in range(count)]
    if style == "word":
        pool = list(WORDS)
    elif style == "spaced":
        pool = [f"{head} {tail}" for head in PLACE_HEADS for tail in PLACE_TAILS]
    else:
        raise ValueError(f"unknown naming style {style!r}; expected one of {', '.join(STYLES)}")
    if count > len(pool):
        raise ValueError(f"at most {len(pool)} {style} names, asked for {count}")
    return rng.sample(pool, count)


def person_names(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct made-up people's names (first and last)."""
    pool = [f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES]
    return rng.sample(pool, count)


def unknown_name(style: str, taken: set, rng: random.Random) -> int | str:
    """A name in ``style`` that is not a node of the graph (for questions about missing nodes)."""
    if style == "int":
        return max((n for n in taken if isinstance(n, int)), default=0) + rng.randint(3, 40)
    if style == "letter":
        pool = [f"{letter}{digit}" for letter in "QRSTUVWXYZ" for digit in range(5, 10)]
    elif style == "word":
        pool = list(WORDS)
    else:
        pool = [f"{head} {tail}" for head in PLACE_HEADS for tail in PLACE_TAILS]
    free = [name for name in pool if name not in taken]
    return rng.choice(free) if free else "Nowhere Junction"


def misspell(name: str, rng: random.Random) -> str:
    """``name`` with one typo (two neighbouring letters swapped, or one dropped); names under 5 letters are kept."""
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(letters) < 5:
        return name
    i = rng.choice(letters[1:-2])
    if rng.random() < 0.5 and name[i + 1].isalpha() and name[i] != name[i + 1]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + name[i + 1 :]
