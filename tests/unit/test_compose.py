"""docker-compose.yml cannot run here; check that it agrees with the code's defaults."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import yaml

from lineage_graph.devstack.opa import DEFAULT_OPA_GOGC, DEFAULT_OPA_GOMEMLIMIT
from lineage_graph.devstack.versions import NEO4J_VERSION, OPA_VERSION
from lineage_graph.settings import (
    DEFAULT_API_PORT,
    DEFAULT_BOLT_PORT,
    DEFAULT_NEO4J_HTTP_PORT,
    DEFAULT_OPA_PORT,
    Settings,
)
from tests.stack import NEO4J_IMAGE, OPA_IMAGE

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def _published(service: str) -> set[tuple[str, int, int]]:
    ports = set()
    for mapping in SERVICES[service]["ports"]:
        host, published, target = mapping.split(":")
        ports.add((host, int(published), int(target)))
    return ports


def test_images_match_the_pinned_server_versions() -> None:
    neo4j_line = ".".join(NEO4J_VERSION.split(".")[:2])
    assert SERVICES["neo4j"]["image"] == f"neo4j:{neo4j_line}-community" == NEO4J_IMAGE
    assert SERVICES["opa"]["image"].startswith(f"openpolicyagent/opa:{OPA_VERSION.lstrip('v')}")
    assert f"openpolicyagent/opa:{OPA_VERSION.lstrip('v')}" == OPA_IMAGE


def test_ports_agree_with_the_default_settings() -> None:
    fields = Settings.model_fields
    assert _published("neo4j") == {
        ("127.0.0.1", DEFAULT_NEO4J_HTTP_PORT, 7474),
        ("127.0.0.1", DEFAULT_BOLT_PORT, 7687),
    }
    assert _published("opa") == {("127.0.0.1", DEFAULT_OPA_PORT, 8181)}
    assert _published("api") == {("127.0.0.1", DEFAULT_API_PORT, DEFAULT_API_PORT)}
    assert urlsplit(fields["neo4j_uri"].default).port == DEFAULT_BOLT_PORT
    assert urlsplit(fields["opa_url"].default).port == DEFAULT_OPA_PORT
    assert fields["api_port"].default == DEFAULT_API_PORT


def test_the_api_reaches_the_other_services_by_name() -> None:
    env = SERVICES["api"]["environment"]
    assert urlsplit(env["LINEAGE_GRAPH_NEO4J_URI"]).hostname == "neo4j"
    assert urlsplit(env["LINEAGE_GRAPH_NEO4J_URI"]).port == 7687
    assert urlsplit(env["LINEAGE_GRAPH_OPA_URL"]).hostname == "opa"
    assert urlsplit(env["LINEAGE_GRAPH_OPA_URL"]).port == 8181
    assert int(env["LINEAGE_GRAPH_API_PORT"]) == DEFAULT_API_PORT
    for name in env:
        assert name.removeprefix("LINEAGE_GRAPH_").lower() in Settings.model_fields, name


def test_policies_are_mounted_and_data_is_on_a_named_volume() -> None:
    assert "./policies:/policies:ro" in SERVICES["opa"]["volumes"]
    assert "/policies" in SERVICES["opa"]["command"]
    assert "neo4j-data:/data" in SERVICES["neo4j"]["volumes"]
    assert "neo4j-data" in COMPOSE["volumes"]


def test_every_service_has_a_health_check() -> None:
    for name, service in SERVICES.items():
        assert "healthcheck" in service, name
    for dependency in SERVICES["api"]["depends_on"].values():
        assert dependency["condition"] == "service_healthy"


def test_opa_runs_with_the_local_stacks_gc_settings() -> None:
    assert SERVICES["opa"]["environment"] == {"GOGC": DEFAULT_OPA_GOGC, "GOMEMLIMIT": DEFAULT_OPA_GOMEMLIMIT}
