"""`EdgeType` names exactly the relationship types the Cypher library and the services use."""

from __future__ import annotations

import re
from typing import Final

from lineage_graph import resources
from lineage_graph.domain import LINEAGE_EDGE_TYPES, EdgeType
from lineage_graph.tools import auditors_doc

TYPED: Final = re.compile(r"\[\w*:([A-Z][A-Z_]*(?:\|[A-Z][A-Z_]*)*)")
"""``[:TYPE``, ``[r:TYPE`` and ``[:A|B|C`` in a relationship pattern."""

WRITTEN_ONLY: Final = {EdgeType.REPLACED_BY, EdgeType.SHADOWS}
"""Types the services write (merge_edges takes the type as a parameter) that no statement names:
the API reads them through the generic neighbour queries."""


def cypher_types() -> set[str]:
    found: set[str] = set()
    for path in resources.cypher_dir().rglob("*.cypher"):
        text = "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("//"))
        for group in TYPED.findall(text):
            found.update(group.split("|"))
    return found


def test_every_type_the_cypher_library_names_is_an_edge_type() -> None:
    assert cypher_types() - {t.value for t in EdgeType} == set()


def test_every_edge_type_is_named_by_the_cypher_library_or_written_by_the_services() -> None:
    unnamed = {t for t in EdgeType if t.value not in cypher_types()}
    assert unnamed == WRITTEN_ONLY
    written = {k for k, info in auditors_doc.relationships().items() if info["writers"]}
    assert written >= WRITTEN_ONLY


def test_members_are_their_own_names_and_lineage_types_are_members() -> None:
    assert all(t.name == t.value for t in EdgeType)
    assert len(set(LINEAGE_EDGE_TYPES)) == len(LINEAGE_EDGE_TYPES)
