"""Translate domain models to Neo4j node properties and back.

Neo4j stores scalars and lists of scalars only. The fields in `JSON_FIELDS` (maps, lists of
maps) are stored as canonical JSON strings in ``<field>Json`` and decoded on the way back;
auditor-facing scalars are flattened next to them (`flatten`). Datetimes are stored as Neo4j
``DATETIME`` values. `record_from_node` turns a node's properties into the domain record.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from neo4j.time import DateTime as Neo4jDateTime
from pydantic_core import to_jsonable_python

from lineage_graph.domain import RECORD_MODELS, Kind

if TYPE_CHECKING:
    from collections.abc import Mapping

    from lineage_graph.domain import DomainModel, Stored

JSON_FIELDS: Final = frozenset(
    {
        "schemaFields",
        "codeRef",
        "features",
        "hyperparameters",
        "trainingScript",
        "inputs",
        "params",
        "metrics",
        "violations",
        "featureSources",
    }
)
JSON_SUFFIX: Final = "Json"


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no insignificant white space, UTF-8 kept."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=to_jsonable_python
    )


def to_properties(model: DomainModel) -> dict[str, Any]:
    """Node properties of a payload or record model (without server-set fields it lacks)."""
    plain = model.to_properties()
    native = model.model_dump(by_alias=True, exclude_none=True)
    props: dict[str, Any] = {}
    for key, value in plain.items():
        if key in JSON_FIELDS:
            props[key + JSON_SUFFIX] = canonical_json(value)
        elif isinstance(native.get(key), datetime):
            props[key] = native[key]
        else:
            props[key] = value
    props.update(flatten(plain))
    return props


def flatten(plain: Mapping[str, Any]) -> dict[str, Any]:
    """Scalar copies of JSON fields that audits filter on."""
    out: dict[str, Any] = {}
    code_ref = plain.get("codeRef")
    if isinstance(code_ref, dict):
        out |= {"codeRepo": code_ref.get("repo"), "codeCommit": code_ref.get("commit")}
        if code_ref.get("path"):
            out["codePath"] = code_ref["path"]
    script = plain.get("trainingScript")
    if isinstance(script, dict):
        out |= {"trainingScriptRepo": script.get("repo"), "trainingScriptCommit": script.get("commit")}
        if script.get("path"):
            out["trainingScriptPath"] = script["path"]
    if isinstance(plain.get("schemaFields"), list):
        out["schemaFieldNames"] = [f["name"] for f in plain["schemaFields"]]
    if isinstance(plain.get("features"), list):
        out["featureNames"] = [f["name"] for f in plain["features"]]
    if isinstance(plain.get("hyperparameters"), dict):
        out["hyperparameterNames"] = sorted(plain["hyperparameters"])
    if isinstance(plain.get("metrics"), dict):
        names = sorted(plain["metrics"])
        out |= {"metricNames": names, "metricValues": [plain["metrics"][n] for n in names]}
    return out


def native(value: Any) -> Any:
    """A property value as Python sees it (Neo4j temporal values become `datetime`)."""
    if isinstance(value, Neo4jDateTime):
        return value.to_native()
    if isinstance(value, list):
        return [native(v) for v in value]
    return value


def decode(props: Mapping[str, Any]) -> dict[str, Any]:
    """Node properties with JSON fields decoded and temporal values made native."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        if key.endswith(JSON_SUFFIX) and key.removesuffix(JSON_SUFFIX) in JSON_FIELDS:
            out[key.removesuffix(JSON_SUFFIX)] = json.loads(value)
        else:
            out[key] = native(value)
    return out


def kind_of(props: Mapping[str, Any]) -> Kind | None:
    try:
        return Kind(str(props.get("kind")))
    except ValueError:
        return None


def record_from_node(props: Mapping[str, Any]) -> Stored | None:
    """The domain record of a catalog node, or None for nodes of an unknown kind."""
    kind = kind_of(props)
    if kind is None:
        return None
    return RECORD_MODELS[kind].model_validate(decode(props))
