"""Pinned versions of the servers and tools the local stack provisions."""

NEO4J_VERSION = "5.26.30"
NEO4J_BROWSER_VERSION = "5.24.0"
CYPHER_SHELL_VERSION = "5.26.30"
OPA_VERSION = "v1.22.3"
REGAL_VERSION = "v0.37.0"
# The Go checksum database does not serve regal's entry through the module proxy, so the
# module is verified against this pinned hash instead (see docs/adr/0001).
REGAL_MODULE_SUM = "h1:PQf5+bRSrjDQlc8oSczg/nVrNUjWEy38KRQhpYzGpVo="
