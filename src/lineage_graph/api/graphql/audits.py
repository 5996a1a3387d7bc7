"""The auditors' Cypher library over GraphQL: ``audits`` lists it, ``audit(name, params)`` runs one.

Only names from ``cypher/audits/`` run (`services.audits`), read-only, with ``params`` sent as
parameters. Both fields need the ``audit`` action (the auditor and admin roles, see
`api.graphql.access`). Refusals are GraphQL errors with ``extensions.code``: ``UNKNOWN_AUDIT``,
``UNKNOWN_PARAM``, ``INVALID_PARAM`` (and ``WRITE_REFUSED`` / ``CYPHER_ERROR`` should a library
statement ever be refused by Neo4j).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON

from lineage_graph.api.graphql.authz import authz
from lineage_graph.api.graphql.nodes import CtxInfo
from lineage_graph.graph.readonly import CypherError, WriteRefusedError
from lineage_graph.services.reports import AuditError, AuditErrorCode, AuditService

if TYPE_CHECKING:
    from lineage_graph.services.reports import Audit, AuditParam, AuditResult


@strawberry.type(description="A parameter of an audit, with the default its header gives.")
class AuditParameter:
    name: str = strawberry.field(description="The parameter's name ($name in the statement).")
    type: str = strawberry.field(description="STRING, INTEGER, FLOAT, BOOLEAN, DATETIME or MAP.")
    default: str = strawberry.field(
        description="The default, a Cypher expression (datetime(), 'prod', null, ...) evaluated by Neo4j."
    )
    description: str = strawberry.field(description="What the parameter means.")

    @classmethod
    def of(cls, p: AuditParam) -> AuditParameter:
        return cls(name=p.name, type=p.type.value, default=p.default, description=p.description)


@strawberry.type(description="A named audit of cypher/audits/: one read-only Cypher statement.")
class AuditDefinition:
    name: str = strawberry.field(description="The file name without .cypher.")
    question: str = strawberry.field(description="The question the audit answers.")
    params: list[AuditParameter] = strawberry.field(description="Its parameters, in header order.")
    columns: list[str] = strawberry.field(description="The columns of its rows, in order.")

    @classmethod
    def of(cls, a: Audit) -> AuditDefinition:
        return cls(
            name=a.name,
            question=a.question,
            params=[AuditParameter.of(p) for p in a.params],
            columns=list(a.columns),
        )


@strawberry.type(description="The rows an audit returned.")
class AuditRows:
    name: str = strawberry.field(description="The audit.")
    params: JSON = strawberry.field(description="Every parameter's value as run (defaults included).")
    columns: list[str] = strawberry.field(description="The columns, in order.")
    rows: list[JSON] = strawberry.field(
        description="One object per row, keyed by column; date-times as RFC 3339 UTC strings."
    )

    @classmethod
    def of(cls, r: AuditResult) -> AuditRows:
        params: Any = r.params
        rows: list[Any] = list(r.rows)
        return cls(name=r.audit.name, params=params, columns=r.columns, rows=rows)


def _error(exc: AuditError) -> GraphQLError:
    return GraphQLError(exc.message, extensions={"code": str(exc.code), "details": exc.details})


@strawberry.type
class AuditQuery:
    @authz("audit", catalog_wide=True)
    @strawberry.field(description="The named audits of cypher/audits/: question, parameters, columns.")
    def audits(self, info: CtxInfo) -> list[AuditDefinition]:
        return [AuditDefinition.of(a) for a in AuditService(info.context.runtime.graph).audits()]

    @authz("audit", catalog_wide=True)
    @strawberry.field(
        description="Run one named audit read-only. `params` is an object of parameter values "
        '({"asOf": "2026-11-26"}); parameters left out take their defaults.'
    )
    async def audit(self, info: CtxInfo, name: str, params: JSON | None = None) -> AuditRows:
        values: Any = params if params is not None else {}
        if not isinstance(values, dict):
            raise _error(
                AuditError(
                    "params must be an object of parameter values",
                    code=AuditErrorCode.INVALID_PARAM,
                    details={"audit": name},
                )
            )
        try:
            result = await AuditService(info.context.runtime.graph).run(name, values)
        except AuditError as exc:
            raise _error(exc) from exc
        except (WriteRefusedError, CypherError) as exc:
            raise GraphQLError(str(exc), extensions={"code": exc.code}) from exc
        return AuditRows.of(result)
