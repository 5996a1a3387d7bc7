"""Runtime settings, read from ``LINEAGE_GRAPH_*`` environment variables (see docs/configuration.md)."""

from __future__ import annotations

import ipaddress
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
    open_mode_on_any_address: bool = False
    graphql_max_cost: int = Field(default=250_000, ge=1)
    graphql_max_root_fields: int = Field(default=100, ge=1)
    openlineage_max_datasets: int = Field(default=1_000, ge=1)
    openlineage_max_fields: int = Field(default=10_000, ge=1)
    graphql_introspection: Literal["everyone", "authenticated", "nobody"] = "authenticated"
    neo4j_acquisition_timeout_seconds: float = Field(default=3.0, gt=0)
    neo4j_connection_timeout_seconds: float = Field(default=3.0, gt=0)
    neo4j_max_retry_seconds: float = Field(default=3.0, ge=0)
    policy_resync_interval_seconds: float = Field(default=10.0, ge=0)

    @field_validator("gc_thresholds")
    @classmethod
    def _gc_thresholds_parse(cls, value: str) -> str:
        parse_thresholds(value)
        return value

    @property
    def collector_thresholds(self) -> Thresholds | None:
        """The collector thresholds to apply (`lineage_graph.gc_tuning`); None keeps CPython's."""
        return parse_thresholds(self.gc_thresholds)

    def open_mode_refusal(self, host: str | None = None) -> str | None:
        """Why the API may not serve on `host` (default `api_host`), if it may not: open mode (no
        tokens file: every caller is admin) only listens on a loopback address unless
        ``open_mode_on_any_address`` says the address is reachable from this host only anyway."""
        host = host or self.api_host
        if self.tokens_file is not None or self.open_mode_on_any_address or _loopback(host):
            return None
        return (
            f"refusing to serve on {host} in open mode (no tokens file: every caller would be admin). "
            "Create one with `lineage-graph tokens new --id ID --role ROLE@NAMESPACE >> tokens.toml` and set "
            "LINEAGE_GRAPH_TOKENS_FILE, or listen on 127.0.0.1 "
            "(LINEAGE_GRAPH_OPEN_MODE_ON_ANY_ADDRESS=true only where the port is reachable from this host alone)"
        )

    @property
    def neo4j_auth(self) -> tuple[str, str] | None:
        password = self.neo4j_password.get_secret_value()
        return (self.neo4j_user, password) if password else None


def _loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
