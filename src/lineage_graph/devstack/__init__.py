"""Provision and run the local Neo4j and OPA servers without Docker.

Used by `make up`, the test suite and CI. Downloads and builds are cached outside the
repository (``LINEAGE_GRAPH_CACHE_DIR``, default ``~/.cache/lineage-graph``).
"""

from lineage_graph.devstack.errors import ProvisionError, ServerStartError
from lineage_graph.devstack.neo4j import Neo4jServer, provision_neo4j
from lineage_graph.devstack.opa import OpaServer, provision_opa, provision_regal

__all__ = [
    "Neo4jServer",
    "OpaServer",
    "ProvisionError",
    "ServerStartError",
    "provision_neo4j",
    "provision_opa",
    "provision_regal",
]
