"""The one door to OPA: a thin wrapper over opa-python-client that fails closed.

Any failure to obtain a decision (OPA unreachable, an HTTP error, an unreadable answer, an
undefined rule) raises ``PolicyEngineUnavailableError``; callers turn that into a denial, never
an allow. An undefined rule may mean OPA restarted empty: when ``on_undefined`` is set (the API
sets it to push its policies again, at most once per interval), it is awaited and, if it says
the policies are back, the query is asked once more.

Queries go through opa-python-client's request path (its session and retries) with orjson for
the bodies: a compliance scan sends tens of megabytes of input documents and reads back a
hundred thousand findings, and the standard library's encoder and decoder were a quarter of
the scan's own CPU time (docs/adr/0006-gc-thresholds-and-orjson.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode, urlsplit

import aiohttp
import orjson
from opa_client import AsyncOpaClient
from opa_client.errors import DeletePolicyError, PolicyNotFoundError, RegoParseError

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable


class PolicyEngineUnavailableError(RuntimeError):
    """No decision could be obtained from OPA; the request must be denied."""

    code = "POLICY_ENGINE_UNAVAILABLE"


class PolicyRejectedError(RuntimeError):
    """OPA refused a policy or data document; ``errors`` holds OPA's located errors."""

    def __init__(self, message: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(message)
        self.errors = errors


_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS  # keys as the standard library writes them ({1: x} -> {"1": x})


class _OpaClient(AsyncOpaClient):  # type: ignore[misc]  # opa-python-client ships no type hints
    """opa-python-client whose data-API queries encode and decode with orjson."""

    async def query_rule(
        self,
        input_data: dict[str, Any],
        package_path: str,
        rule_name: str | None = None,
        query_params: dict[str, bool] | None = None,
    ) -> Any:
        path = package_path.replace(".", "/")
        url = f"{self.root_url}/data/{path}/{rule_name}" if rule_name else f"{self.root_url}/data/{path}"
        if query_params:
            url = f"{url}?{urlencode(query_params)}"
        body = orjson.dumps({"input": input_data}, option=_JSON_OPTIONS)
        headers = {"Content-Type": "application/json"}
        async with self._request("POST", url, data=body, headers=headers) as response:
            response.raise_for_status()
            return orjson.loads(await response.read())


class PolicyEngine:
    """An OPA server reached over HTTP. Open with ``async with`` or ``open()``/``close()``."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        parts = urlsplit(url)
        self.url = url.rstrip("/")
        self._client = _OpaClient(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or (443 if parts.scheme == "https" else 8181),
            ssl=parts.scheme == "https",
            timeout=timeout,
            retries=1,
        )
        self._open = False
        self.on_undefined: Callable[[], Awaitable[bool]] | None = None
        """Awaited when a rule is undefined; True when the policies were pushed again."""

    async def open(self) -> PolicyEngine:
        if not self._open:
            await self._client._init_session()
            self._open = True
        return self

    async def close(self) -> None:
        if self._open:
            await self._client.close_connection()
            self._open = False

    async def __aenter__(self) -> PolicyEngine:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def healthy(self) -> bool:
        return bool(await self._client.check_health())

    async def policy_ids(self) -> list[str]:
        try:
            return [str(p) for p in await self._client.get_policies_list()]
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PolicyEngineUnavailableError(f"policy engine unavailable at {self.url}: {exc}") from exc

    async def put_policy(self, policy_id: str, text: str) -> None:
        try:
            await self._client.update_policy_from_string(text, policy_id, rego_compat=False)
        except RegoParseError as exc:
            raise PolicyRejectedError(str(exc.message), list(exc.errors)) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PolicyEngineUnavailableError(f"policy engine unavailable at {self.url}: {exc}") from exc

    async def delete_policy(self, policy_id: str) -> None:
        """Remove a policy; refused (``PolicyRejectedError``) while other policies use it."""
        try:
            await self._client.delete_policy(policy_id)
        except DeletePolicyError as exc:
            raise PolicyRejectedError(f"{policy_id}: {exc.message}", []) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PolicyEngineUnavailableError(f"policy engine unavailable at {self.url}: {exc}") from exc

    async def put_data(self, path: str, document: dict[str, Any]) -> None:
        try:
            await self._client.update_or_create_data(document, path)
        except RegoParseError as exc:
            raise PolicyRejectedError(str(exc.message), list(exc.errors)) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PolicyEngineUnavailableError(f"policy engine unavailable at {self.url}: {exc}") from exc

    async def get_data(self, path: str) -> Any:
        """The data document at ``data.<path>`` (slashes), None when OPA holds none there."""
        try:
            body = await self._client.get_data(path)
        except PolicyNotFoundError:
            return None
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PolicyEngineUnavailableError(f"policy engine unavailable at {self.url}: {exc}") from exc
        return body.get("result") if isinstance(body, dict) else None

    async def evaluate(self, package: str, rule: str, input_document: dict[str, Any]) -> Any:
        """The value of ``data.<package>.<rule>`` for the input; undefined counts as unavailable
        (asked once more if ``on_undefined`` pushed the policies again)."""
        try:
            return await self._evaluate(package, rule, input_document)
        except _UndefinedError:
            if self.on_undefined is None or not await self.on_undefined():
                raise
        return await self._evaluate(package, rule, input_document)

    async def _evaluate(self, package: str, rule: str, input_document: dict[str, Any]) -> Any:
        try:
            body = await self._client.query_rule(input_document, package, rule)
        except (aiohttp.ClientError, TimeoutError, orjson.JSONDecodeError) as exc:
            msg = f"policy engine unavailable: {package}.{rule} could not be evaluated ({exc})"
            raise PolicyEngineUnavailableError(msg) from exc
        if not isinstance(body, dict) or "result" not in body:
            msg = f"policy engine unavailable: {package}.{rule} is undefined (are the policies synced?)"
            raise _UndefinedError(msg)
        return cast("Any", body["result"])


class _UndefinedError(PolicyEngineUnavailableError):
    """The rule has no value: its policy is missing (OPA restarted empty?) or does not define it."""
