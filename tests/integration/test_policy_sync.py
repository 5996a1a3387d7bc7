from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import httpx
import pytest

from lineage_graph import resources
from lineage_graph.api import create_app
from lineage_graph.policy import PolicyEngine, PolicySet, PolicySyntaxError, sync_policies

if TYPE_CHECKING:
    from pathlib import Path

    from lineage_graph.settings import Settings

pytestmark = pytest.mark.integration

BROKEN = """package lineage_graph.broken

allow if {
    input.user ==
}
"""


@pytest.fixture
def broken_policies(tmp_path: Path) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(resources.policies_dir(), root)
    (root / "lineage_graph" / "broken.rego").write_text(BROKEN)
    return root


async def test_every_policy_is_pushed(settings: Settings) -> None:
    policy_set = PolicySet.load(resources.policies_dir())
    assert policy_set.policies, "policies/ holds no .rego files"
    assert not any(name.endswith("_test.rego") for name in policy_set.policies)
    async with PolicyEngine(settings.opa_url) as engine:
        revision = await sync_policies(engine, policy_set)
        assert set(await engine.policy_ids()) == set(policy_set.policies)
    assert revision == policy_set.revision


async def test_a_syntax_error_names_file_and_line(settings: Settings, broken_policies: Path) -> None:
    async with PolicyEngine(settings.opa_url) as engine:
        with pytest.raises(PolicySyntaxError) as caught:
            await sync_policies(engine, PolicySet.load(broken_policies))
        assert f"{broken_policies}/lineage_graph/broken.rego:5:1: rego_parse_error" in str(caught.value)
        assert "rego_parse_error" in str(caught.value)
        assert "lineage_graph/broken.rego" not in await engine.policy_ids()
        await sync_policies(engine, PolicySet.load(resources.policies_dir()))


async def test_the_api_is_not_ready_with_a_broken_policy(settings: Settings, broken_policies: Path) -> None:
    app = create_app(settings.model_copy(update={"policies_dir": broken_policies}))
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                response = await http.get("/readyz")
        assert response.status_code == 503
        assert response.json()["opa"] == "down"
        assert "broken.rego:5:1:" in " ".join(response.json()["problems"])
    finally:
        async with PolicyEngine(settings.opa_url) as engine:
            await sync_policies(engine, PolicySet.load(resources.policies_dir()))


async def test_invalid_data_json_names_the_file(tmp_path: Path) -> None:
    root = tmp_path / "policies"
    (root / "lineage_graph" / "config").mkdir(parents=True)
    (root / "lineage_graph" / "config" / "data.json").write_text('{"roles": [1, 2,]}')
    with pytest.raises(PolicySyntaxError, match=r"config/data.json:1:\d+: invalid JSON"):
        PolicySet.load(root)
