"""`Graph.read_rows`' contract: one record with one list column, anything else refused."""

from __future__ import annotations

import pytest

from lineage_graph.graph.database import _only_list


def test_the_list_of_the_only_column_of_the_only_record() -> None:
    assert _only_list("q", [{"rows": [{"uid": "a"}, {"uid": "b"}]}]) == [{"uid": "a"}, {"uid": "b"}]
    assert _only_list("q", [{"uids": []}]) == []


@pytest.mark.parametrize(
    "records",
    [[], [{"rows": []}, {"rows": []}], [{"uid": "a", "kind": "k"}]],
    ids=["no record", "a record per row", "several columns"],
)
def test_other_shapes_are_refused_naming_the_query(records: list[dict[str, object]]) -> None:
    with pytest.raises(ValueError, match="governance/page must return one record with one list column"):
        _only_list("governance/page", records)
