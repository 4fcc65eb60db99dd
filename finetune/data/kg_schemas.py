"""Knowledge graphs over many schemas (films, shops, universities, ...), for training.

Why: a fine-tuned model that saw one schema (``company_kg``) learns its label and relationship names instead of
copying them from the graph context; the test split's knowledge graph (``library_kg``) has a schema no training
row uses, so training needs many schemas. None of these uses the library schema's labels or relationship types.

A schema lists its labels (how their nodes are named, how many, which properties) and its relationship types
(source label, target label, how many per source node, edge properties).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import networkx as nx

from finetune.data.names import CITY_NAMES, COMPANY_HEADS, PLACE_HEADS, PROJECT_NAMES, WORDS, person_names

Property = tuple[int, int] | tuple[str, ...]
"""An integer range (low, high), or the strings to choose from."""


@dataclass(frozen=True)
class Label:
    name: str
    plural: str
    naming: str
    """``person``, ``place``, ``org:TAIL|TAIL``, ``title:TAIL|TAIL``, ``code:PREFIX`` or ``pick:A|B|C``."""
    count: tuple[int, int]
    properties: dict[str, Property]


@dataclass(frozen=True)
class Relationship:
    type: str
    source: str
    target: str
    per_source: tuple[int, int]
    properties: dict[str, Property]


@dataclass(frozen=True)
class Schema:
    labels: tuple[Label, ...]
    relationships: tuple[Relationship, ...]


def _l(name: str, plural: str, naming: str, count: tuple[int, int], **properties: Property) -> Label:
    return Label(name, plural, naming, count, properties)


def _r(type_: str, source: str, target: str, per_source: tuple[int, int], **properties: Property) -> Relationship:
    return Relationship(type_, source, target, per_source, properties)


SCHEMAS: dict[str, Schema] = {
    "film": Schema(
        (_l("Actor", "actors", "person", (3, 6), born=(1940, 2002)),
         _l("Film", "films", "title:Skies|Road|Dreams|Echoes|Nights|Shadow", (3, 6), released=(1970, 2025),
            rating=(1, 10)),
         _l("Studio", "studios", "org:Studios|Pictures|Films", (2, 3), founded=(1912, 2015)),
         _l("Country", "countries", "place", (2, 3))),
        (_r("ACTED_IN", "Actor", "Film", (1, 3), role=("lead", "support", "cameo")),
         _r("DIRECTED", "Actor", "Film", (0, 1)),
         _r("PRODUCED_BY", "Film", "Studio", (1, 1)),
         _r("BASED_IN", "Studio", "Country", (1, 1))),
    ),
    "shop": Schema(
        (_l("Customer", "customers", "person", (3, 7), age=(18, 80)),
         _l("Product", "products", "title:Lamp|Chair|Kettle|Jacket|Backpack|Clock", (3, 6), price=(5, 400),
            stock=(0, 90)),
         _l("Category", "categories", "pick:Home|Outdoor|Kitchen|Clothing|Office", (2, 3)),
         _l("Store", "stores", "org:Market|Outlet|Store", (2, 3), opened=(1990, 2024))),
        (_r("BOUGHT", "Customer", "Product", (1, 3), quantity=(1, 5)),
         _r("REVIEWED", "Customer", "Product", (0, 1), stars=(1, 5)),
         _r("BELONGS_TO", "Product", "Category", (1, 1)),
         _r("SELLS", "Store", "Product", (1, 3))),
    ),
    "university": Schema(
        (_l("Student", "students", "person", (3, 7), year=(1, 4)),
         _l("Course", "courses", "code:CS|MA|PH|BI", (3, 5), credits=(3, 10)),
         _l("Professor", "professors", "person", (2, 3), office=(100, 420)),
         _l("Department", "departments", "pick:Physics|Mathematics|Biology|Computing", (2, 2))),
        (_r("ENROLLED_IN", "Student", "Course", (1, 3), grade=("A", "B", "C")),
         _r("TEACHES", "Professor", "Course", (1, 2)),
         _r("MEMBER_OF", "Professor", "Department", (1, 1)),
         _r("OFFERED_BY", "Course", "Department", (1, 1))),
    ),
    "software": Schema(
        (_l("Developer", "developers", "person", (3, 6), joined=(2010, 2025)),
         _l("Repository", "repositories", "title:Core|CLI|SDK|Docs|Server", (3, 5), stars=(0, 5000)),
         _l("Language", "languages", "pick:Rust|Python|Go|Kotlin|Haskell", (2, 3)),
         _l("Team", "teams", "org:Team|Squad|Guild", (2, 3), size=(3, 20))),
        (_r("COMMITS_TO", "Developer", "Repository", (1, 2), commits=(1, 900)),
         _r("WRITTEN_IN", "Repository", "Language", (1, 1)),
         _r("OWNS", "Team", "Repository", (1, 2)),
         _r("DEPENDS_ON", "Repository", "Repository", (0, 1)),
         _r("MEMBER_OF", "Developer", "Team", (1, 1))),
    ),
    "transit": Schema(
        (_l("Station", "stations", "place", (4, 7), platforms=(1, 8)),
         _l("Line", "lines", "pick:Red Line|Blue Line|Green Line|Circle Line", (2, 3), opened=(1900, 2020)),
         _l("Operator", "operators", "org:Rail|Transit|Metro", (1, 2))),
        (_r("ON_LINE", "Station", "Line", (1, 2)),
         _r("RUNS", "Operator", "Line", (1, 2)),
         _r("NEXT_TO", "Station", "Station", (0, 1), minutes=(1, 9))),
    ),
    "clinic": Schema(
        (_l("Patient", "patients", "person", (3, 6), age=(1, 95)),
         _l("Doctor", "doctors", "person", (2, 3), licensed=(1985, 2022)),
         _l("Hospital", "hospitals", "org:General|Clinic|Infirmary", (1, 2), beds=(40, 900)),
         _l("Condition", "conditions", "pick:Asthma|Migraine|Diabetes|Fracture", (2, 3))),
        (_r("TREATS", "Doctor", "Patient", (1, 3)),
         _r("WORKS_IN", "Doctor", "Hospital", (1, 1)),
         _r("DIAGNOSED_WITH", "Patient", "Condition", (1, 2), year=(2015, 2025))),
    ),
    "sport": Schema(
        (_l("Player", "players", "person", (4, 7), goals=(0, 40)),
         _l("Club", "clubs", "org:United|Rovers|Athletic|City", (2, 3), founded=(1870, 2010)),
         _l("League", "leagues", "pick:Premier|Championship|Division One", (1, 2)),
         _l("Stadium", "stadiums", "title:Park|Arena|Ground", (2, 3), seats=(5000, 90000))),
        (_r("PLAYS_FOR", "Player", "Club", (1, 1), since=(2012, 2025)),
         _r("COMPETES_IN", "Club", "League", (1, 1)),
         _r("HOME_GROUND", "Club", "Stadium", (1, 1))),
    ),
}
"""Training schemas by domain."""

PLURALS = {label.name: label.plural for schema in SCHEMAS.values() for label in schema.labels}


def _names(naming: str, count: int, rng: random.Random) -> list[str]:
    kind, _, spec = naming.partition(":")
    options = spec.split("|")
    if kind == "person":
        return person_names(count, rng)
    if kind == "place":
        return rng.sample(list(CITY_NAMES) + [f"{h} Cross" for h in PLACE_HEADS], count)
    if kind == "org":
        return rng.sample([f"{head} {tail}" for head in COMPANY_HEADS for tail in options], count)
    if kind == "title":
        return rng.sample([f"{word} {tail}" for word in WORDS + PROJECT_NAMES for tail in options], count)
    if kind == "code":
        return rng.sample([f"{prefix}{number}" for prefix in options for number in range(101, 400, 7)], count)
    if kind == "pick":
        return rng.sample(options, min(count, len(options)))
    raise ValueError(f"unknown naming {naming!r}")


def _value(prop: Property, rng: random.Random) -> int | str:
    low, high = prop if isinstance(prop[0], int) else (None, None)
    return rng.randint(low, high) if low is not None else rng.choice(prop)


def schema_graph(domain: str, rng: random.Random) -> tuple[nx.DiGraph, bool]:
    """A graph of ``domain``'s schema and whether its node ids are keys with a name shared by two nodes (then a
    reference by that name is ambiguous)."""
    schema = SCHEMAS[domain]
    graph = nx.DiGraph()
    members: dict[str, list[str]] = {}
    taken: set[str] = set()
    keyed = rng.random() < 0.4 and schema.labels[0].naming == "person"
    for label in schema.labels:
        names = [name for name in _names(label.naming, rng.randint(*label.count), rng) if name not in taken]
        taken.update(names)
        if keyed and label is schema.labels[0]:
            names.append(rng.choice(names))
            ids = [f"{label.name[0].lower()}{i}" for i in range(len(names))]
        else:
            ids = names
        for node, name in zip(ids, names, strict=True):
            props = {key: _value(prop, rng) for key, prop in label.properties.items()}
            graph.add_node(node, labels=[label.name], name=name, **props)
        members[label.name] = ids
    for rel in schema.relationships:
        for source in members[rel.source]:
            targets = [t for t in members[rel.target] if t != source]
            for target in rng.sample(targets, min(len(targets), rng.randint(*rel.per_source))):
                if not graph.has_edge(source, target):
                    props = {key: _value(prop, rng) for key, prop in rel.properties.items()}
                    graph.add_edge(source, target, type=rel.type, **props)
    return graph, keyed
