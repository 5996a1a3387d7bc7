"""Runtime settings, read from ``LINEAGE_GRAPH_*`` environment variables (see docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lineage_graph.gc_tuning import DEFAULT_THRESHOLDS, Thresholds, parse_thresholds

DEFAULT_API_PORT = 8000
DEFAULT_BOLT_PORT = 7687
DEFAULT_NEO4J_HTTP_PORT = 7474
DEFAULT_OPA_PORT = 8181


class Settings(BaseSettings):
    """Every setting has a documented ``LINEAGE_GRAPH_<NAME>`` environment variable."""

    model_config = SettingsConfigDict(env_prefix="LINEAGE_GRAPH_", extra="ignore")

    api_host: str = "127.0.0.1"
    api_port: int = DEFAULT_API_PORT
    neo4j_uri: str = f"bolt://127.0.0.1:{DEFAULT_BOLT_PORT}"
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    neo4j_http_port: int = DEFAULT_NEO4J_HTTP_PORT
    opa_url: str = f"http://127.0.0.1:{DEFAULT_OPA_PORT}"
    opa_timeout_seconds: float = Field(default=5.0, gt=0)
    policies_dir: Path | None = None
    cypher_dir: Path | None = None
    sync_policies_on_start: bool = True
    query_timeout_seconds: float = Field(default=30.0, gt=0)
    tokens_file: Path | None = None
    mlflow_url: str | None = None
    mlflow_webhook_secret: SecretStr | None = None
    policy_enforcement: Literal["enforce", "warn"] = "enforce"
    log_level: str = "info"
    gc_thresholds: str = DEFAULT_THRESHOLDS
    graphql_max_cost: int = Field(default=100_000, ge=1)
    graphql_max_root_fields: int = Field(default=100, ge=1)
    openlineage_max_datasets: int = Field(default=1_000, ge=1)
    openlineage_max_fields: int = Field(default=10_000, ge=1)
    graphql_introspection: Literal["everyone", "authenticated", "nobody"] = "authenticated"

    @field_validator("gc_thresholds")
    @classmethod
    def _gc_thresholds_parse(cls, value: str) -> str:
        parse_thresholds(value)
        return value

    @property
    def collector_thresholds(self) -> Thresholds | None:
        """The collector thresholds to apply (`lineage_graph.gc_tuning`); None keeps CPython's."""
        return parse_thresholds(self.gc_thresholds)

    @property
    def neo4j_auth(self) -> tuple[str, str] | None:
        password = self.neo4j_password.get_secret_value()
        return (self.neo4j_user, password) if password else None
