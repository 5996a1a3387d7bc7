from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from lineage_graph import resources
from lineage_graph.api import create_app
from lineage_graph.graph import Graph, QueryLibrary
from lineage_graph.policy import PolicyEngine
from lineage_graph.services import bootstrap
from lineage_graph.settings import Settings
from tests.stack import Endpoints, session_endpoints

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator


@pytest.fixture(scope="session")
def endpoints(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoints]:
    with session_endpoints(tmp_path_factory.mktemp("stack")) as found:
        yield found


@pytest.fixture(scope="session")
def settings(endpoints: Endpoints) -> Settings:
    """Open mode (no tokens file) with the policy gates in ``warn`` mode: catalog and lineage tests
    exercise the gates (evaluated and recorded) without having to build governed catalogs;
    tests/integration/test_governance_*.py enforce them."""
    return Settings(neo4j_uri=endpoints.neo4j_uri, opa_url=endpoints.opa_url, policy_enforcement="warn")


@pytest.fixture(scope="session")
async def session_graph(settings: Settings) -> AsyncIterator[Graph]:
    graph = Graph.connect(settings, QueryLibrary(resources.cypher_dir()))
    await bootstrap.apply_migrations(graph, settings)
    yield graph
    await graph.close()


@pytest.fixture
async def graph(session_graph: Graph) -> AsyncIterator[Graph]:
    """The session's graph, wiped of catalog data before each test (the schema stays)."""
    await session_graph.run_batched("system/wipe_catalog")
    session_graph.round_trips = 0
    yield session_graph


@pytest.fixture(scope="session")
async def session_engine(settings: Settings) -> AsyncIterator[PolicyEngine]:
    async with PolicyEngine(settings.opa_url) as engine:
        await bootstrap.push_policies(engine, settings)
        yield engine


@pytest.fixture
async def client(
    settings: Settings, graph: Graph, session_engine: PolicyEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to a fully started app (lifespan run) on the test servers."""
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http
