from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest

from lineage_graph import resources
from lineage_graph.domain.kinds import ALL_LABELS
from lineage_graph.graph.migrations import MigrationError, load_migrations, migrate
from lineage_graph.services import bootstrap

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from lineage_graph.graph import Graph
    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration


@pytest.fixture
async def fresh_ledger(graph: Graph, settings: Settings) -> AsyncIterator[Graph]:
    """Forget the ledger for the test (constraints stay), and restore it afterwards."""
    await graph.run_schema("MATCH (m:SchemaMigration) DETACH DELETE m")
    yield graph
    await graph.run_schema("MATCH (m:SchemaMigration) DETACH DELETE m")
    await bootstrap.apply_migrations(graph, settings)


async def test_every_label_has_a_uid_constraint(graph: Graph) -> None:
    rows = await graph.read("system/show_constraints")
    constrained = {
        row["labels"][0] for row in rows if row["properties"] == ["uid"] and row["type"] == "UNIQUENESS"
    }
    assert set(ALL_LABELS) <= constrained
    assert "Entity" in constrained


async def test_migrating_twice_changes_nothing(fresh_ledger: Graph, settings: Settings) -> None:
    first = await bootstrap.apply_migrations(fresh_ledger, settings)
    constraints = await fresh_ledger.read("system/show_constraints")
    second = await bootstrap.apply_migrations(fresh_ledger, settings)
    assert [m.version for m in first] == [
        m.version for m in load_migrations(resources.cypher_dir() / "migrations")
    ]
    assert second == []
    assert await fresh_ledger.read("system/show_constraints") == constraints
    ledger = await fresh_ledger.read("system/migrations_applied")
    assert [row["version"] for row in ledger] == [m.version for m in first]


async def test_a_changed_applied_migration_is_refused(fresh_ledger: Graph, tmp_path: Path) -> None:
    migrations = tmp_path / "migrations"
    shutil.copytree(resources.cypher_dir() / "migrations", migrations)
    await migrate(fresh_ledger, migrations)
    edited = sorted(migrations.glob("V0001__*.cypher"))[0]
    edited.write_text(edited.read_text() + "\n// an innocent-looking edit\n")
    before = await fresh_ledger.read("system/migrations_applied")
    with pytest.raises(MigrationError, match=f"{edited.name} was changed after it was applied"):
        await migrate(fresh_ledger, migrations)
    assert await fresh_ledger.read("system/migrations_applied") == before


async def test_badly_named_migration_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "0001_constraints.cypher").write_text("RETURN 1")
    with pytest.raises(MigrationError, match="V<NNNN>__"):
        load_migrations(tmp_path)
