"""Use cases shared by every entry point (GraphQL, REST ingest, CLI, importers)."""
