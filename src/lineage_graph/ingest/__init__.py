"""Ingest from the ecosystem: OpenLineage events, Feast registries, MLflow, catalog export/import.

Each module translates an external format into domain ``*Input`` models and writes them
through the service layer (`services.catalog.CatalogService`, or one `services.unit`
transaction per batch where many small facts must land together).
"""
