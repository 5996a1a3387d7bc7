"""Versioned schema migrations from ``cypher/migrations/V<NNNN>__<description>.cypher``.

Applied in version order, each recorded as a ``:SchemaMigration`` node with the file's
checksum. Applying again is a no-op; a file changed after it was applied is refused, since
released migrations are never edited (add a new one instead).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from lineage_graph.graph.database import Graph

_FILE = re.compile(r"^V(?P<version>\d{4,})__(?P<description>[a-z0-9_]+)\.cypher$")


class MigrationError(RuntimeError):
    """A migration file is malformed, or was changed after it was applied."""


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    path: Path
    statements: tuple[str, ...]
    checksum: str


def _statements(text: str) -> tuple[str, ...]:
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return tuple(s.strip() for s in re.split(r";\s*(?:\n|$)", body) if s.strip())


def load_migrations(directory: Path) -> list[Migration]:
    migrations: list[Migration] = []
    for path in sorted(directory.glob("*.cypher")):
        match = _FILE.match(path.name)
        if match is None:
            msg = f"{path}: migration files are named V<NNNN>__<lower_snake_description>.cypher"
            raise MigrationError(msg)
        text = path.read_text()
        migrations.append(
            Migration(
                version=int(match["version"]),
                description=match["description"],
                path=path,
                statements=_statements(text),
                checksum=hashlib.sha256(text.encode()).hexdigest(),
            )
        )
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        msg = f"{directory}: two migration files share a version number"
        raise MigrationError(msg)
    return sorted(migrations, key=lambda m: m.version)


async def migrate(graph: Graph, directory: Path) -> list[Migration]:
    """Apply the pending migrations; returns the ones applied by this call."""
    migrations = load_migrations(directory)
    await graph.write("system/migration_constraint")
    applied = {row["version"]: row for row in await graph.read("system/migrations_applied")}
    for migration in migrations:
        recorded = applied.get(migration.version)
        if recorded is not None and recorded["checksum"] != migration.checksum:
            msg = (
                f"{migration.path.name} was changed after it was applied on "
                f"{recorded['appliedAt']} (checksum {recorded['checksum'][:12]}… now "
                f"{migration.checksum[:12]}…); never edit a released migration, add a new one"
            )
            raise MigrationError(msg)
    pending = [m for m in migrations if m.version not in applied]
    for migration in pending:
        for statement in migration.statements:
            await graph.run_schema(statement)
        await graph.write(
            "system/migration_record",
            {
                "version": migration.version,
                "description": migration.description,
                "checksum": migration.checksum,
            },
        )
    return pending
