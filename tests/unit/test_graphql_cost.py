"""The cost model on documents against the real schema (no servers needed)."""

from __future__ import annotations

from graphql import parse

from lineage_graph.api.graphql.cost import (
    DEFAULT_LIST_SIZE,
    INTROSPECTION_COST,
    Estimate,
    Limits,
    estimate,
    refusal,
)
from lineage_graph.api.graphql.schema import schema

LIMITS = Limits(max_cost=1_000, max_root_fields=3, introspection="authenticated")


def cost(document: str, **variables: object) -> Estimate:
    found = estimate(schema._schema, parse(document), None, variables)
    assert found is not None
    return found


def test_each_field_costs_one_per_time_its_parent_can_occur() -> None:
    assert cost('{ node(uid: "u") { uid kind } }') == Estimate(3, 1, False)


def test_a_connections_page_size_applies_to_its_edges_only() -> None:
    query = "query($n: Int!) { search(first: $n) { edges { node { uid } } pageInfo { hasNextPage } } }"
    # search (1) + edges (1 + n x (node (1) + uid (1))) + pageInfo (1 + hasNextPage (1))
    assert cost(query, n=7).cost == 1 + (1 + 7 * 2) + 2
    assert cost("{ search { edges { cursor } } }").cost == 1 + (1 + 20 * 1), "the schema's default page"


def test_lists_without_a_size_count_the_default_each_level() -> None:
    query = '{ node(uid: "u") { ... on Model { versions { uid inputs { input } } } } }'
    # node (1) + versions (1 + 10 x (uid (1) + inputs (1 + 10 x input (1))))
    assert cost(query).cost == 1 + 1 + DEFAULT_LIST_SIZE * (1 + 1 + DEFAULT_LIST_SIZE)


def test_nested_fragment_spreads_are_costed_in_linear_time() -> None:
    levels = 40
    fragments = [f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels)]
    document = "query { ...F0 }\n" + "\n".join(
        [*fragments, f"fragment F{levels} on Query {{ serverInfo {{ version }} }}"]
    )
    assert cost(document) == Estimate(2**levels * 2, 1, False)


def test_skipped_selections_cost_nothing() -> None:
    query = 'query($s: Boolean!) { a: node(uid: "u") @skip(if: $s) { uid } b: serverInfo { version } }'
    assert cost(query, s=True) == Estimate(2, 1, False)
    assert cost(query, s=False) == Estimate(4, 2, False)


def test_refusals_name_the_figure_and_the_limit() -> None:
    many = "{ " + " ".join(f"a{n}: serverInfo {{ version }}" for n in range(4)) + " }"
    error = refusal(cost(many), LIMITS, authenticated=True)
    assert error is not None
    assert error.extensions == {"code": "QUERY_TOO_COSTLY", "rootFields": 4, "limit": 3}
    introspection = cost("{ __schema { types { name } } }")
    assert introspection == Estimate(INTROSPECTION_COST, 1, True)
    assert refusal(introspection, LIMITS, authenticated=True) is None, "at the limit passes"
    denied = refusal(introspection, LIMITS, authenticated=False)
    assert denied is not None
    assert denied.extensions == {"code": "INTROSPECTION_DISABLED", "introspection": "authenticated"}
    costly = refusal(cost("{ search(first: 600) { edges { node { uid } } } }"), LIMITS, authenticated=True)
    assert costly is not None
    assert costly.extensions == {"code": "QUERY_TOO_COSTLY", "cost": 1 + 1 + 600 * 2, "limit": 1_000}
