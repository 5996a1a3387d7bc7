"""GraphQL types are generated from the domain models: a field added to a model reaches the API
with no other edit (name in camelCase, type, description), and an input reaches the model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import strawberry
from pydantic import Field

from lineage_graph import domain
from lineage_graph.api.graphql.from_domain import input_type, output_type
from lineage_graph.api.graphql.inputs import SchemaFieldInput, to_domain
from lineage_graph.api.graphql.node_types import DataSource
from lineage_graph.api.graphql.nodes import Node, record_node


class ModelWithExtra(domain.ModelVersionInput):
    cost_centre: str | None = Field(None, description="Who pays for its training.")


class CodeRefWithExtra(domain.CodeRef):
    line_count: int = Field(description="Lines of code.")


def sdl(*types: Any) -> str:
    @strawberry.type
    class Query:
        ok: bool = True

    return str(strawberry.Schema(query=Query, types=list(types)))


def block(text: str, header: str) -> str:
    start = text.index(header)
    return text[start : text.index("\n}", start)]


def test_a_field_added_to_a_domain_model_is_in_the_generated_output_type() -> None:
    @output_type(CodeRefWithExtra, name="CodeRefWithExtra", description="test")
    class Generated:
        pass

    text = block(sdl(Generated), "type CodeRefWithExtra {")
    assert '"""Lines of code."""\n  lineCount: Int!' in text
    assert '"""Repository URL."""\n  repo: String!' in text


def test_a_field_added_to_a_domain_model_is_in_the_generated_input_and_reaches_the_model() -> None:
    @input_type(ModelWithExtra, name="ModelWithExtraInput", description="test", exclude=("status",))
    class Generated:
        pass

    text = block(sdl(Generated), "input ModelWithExtraInput {")
    assert '"""Who pays for its training."""\n  costCentre: String' in text
    assert "costCentre: String!" not in text
    assert "status" not in text
    value = Generated(  # type: ignore[call-arg]
        namespace="risk", name="m", version=1, artifact_uri="s3://m/1", cost_centre="cc-7"
    )
    model = to_domain(ModelWithExtra, value)
    assert model.cost_centre == "cc-7"
    assert model.artifact_uri == "s3://m/1"


def test_dtypes_and_kinds_are_strings_and_registered_enums_stay_enums() -> None:
    text = sdl(DataSource, SchemaFieldInput)
    assert "dtype: String!" in block(text, "input SchemaFieldInput {")
    node = block(text, "type DataSource implements Node {")
    assert "kind: String!" in node
    assert "classification: Classification!" in node


def test_a_node_is_built_from_its_record_by_field_name() -> None:
    record = domain.DataSource.from_input(
        domain.DataSourceInput(namespace="postgres://wh:5432", name="shop.orders", platform="postgres"),
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        created_by="alice",
    )
    node = record_node(record)
    assert isinstance(node, DataSource)
    assert isinstance(node, Node)
    assert node.record is record
    assert vars(node)["platform"] == "postgres"
    assert vars(node)["uid"] == record.uid


def test_a_domain_field_without_description_is_refused() -> None:
    class Undocumented(domain.CodeRef):
        undocumented: str = ""

    with pytest.raises(TypeError, match="no description"):

        @output_type(Undocumented, name="Undocumented", description="test")
        class Generated:
            pass
