"""Linked service connection tests: what `python -m ops adf test-connection --stack <s> [NAME ...]` runs. Each
linked service is tested as ADF Studio's "Test connection" button tests it, through the REST call
azure.datafactory.tools makes (`Test-AdfLinkedService`).

The contract, from adf.tools' private/Test-LinkedServiceConnection.ps1 (`Get-LinkedServiceBody`,
`Test-LinkedServiceConnection`) and public/Test-AdfLinkedService.ps1, for each linked service:

1. Read it:
   `GET {endpoint}/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.DataFactory/factories/
   {factory}/linkedservices/{name}?api-version=2018-06-01`, which answers the resource as ARM stores it,
   `{"id": ..., "name": ..., "type": "Microsoft.DataFactory/factories/linkedservices", "etag": ...,
   "properties": {...}}`.
2. Test it:
   `POST {endpoint}/subscriptions/{subscription}/resourcegroups/{group}/providers/Microsoft.DataFactory/factories/
   {factory}/testConnectivity?api-version=2018-06-01` with the JSON body `{"linkedService": <the resource read in
   step 1, unchanged>}` (adf.tools replaces `linkedService.properties.parameters` only when its definition file
   gives parameters; this command passes none, so the linked service's own defaults apply).
3. The answer is a JSON object whose `succeeded` says whether the connection works; adf.tools reads nothing else
   (`if ($null -ne $r -and $r.succeeded)`). When a test fails, this command shows the messages of the answer's
   `errors` where it lists them, else the answer itself; an HTTP error (the linked service does not exist, sign-in,
   a runtime that cannot run the test) is a failure of that linked service, with ARM's code and message.

The call is not in Data Factory's published REST API: adf.tools names it an "undocumented API call
(testConnectivity)" (its README), and Microsoft's Data Factory team said these APIs "are not available in our
swagger/SDK-s, they are only used in our UI" (Azure/azure-sdk-for-python#3214), so no SDK method exists and the
request goes through the management client's own pipeline (`send_request`: same credential, endpoint and retries).
A linked service that connects via a managed virtual network runtime can be tested only while the runtime's
interactive authoring is on; otherwise ADF refuses the test (Azure-Player/azure.datafactory.tools#255).

The command exits 0 when every linked service connected and 3 (Azure refused or failed) when any did not, one
error naming each; 2 when the factory cannot be located.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import AzureError
from azure.core.rest import HttpRequest

from ops import factory
from stack.errors import AzureRefusedError

TEST_CONNECTIVITY = "testConnectivity"


@dataclass(frozen=True)
class ConnectionResult:
    """One linked service's test: whether it connected, and if not, why."""

    name: str
    succeeded: bool
    reason: str = ""

    def document(self) -> dict[str, Any]:
        return {"name": self.name, "succeeded": self.succeeded, "reason": self.reason}


def _path(coordinates: factory.FactoryCoordinates, tail: str) -> str:
    return f"{coordinates.resource_id}/{tail}?api-version={factory.API_VERSION}"


def _answer(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text()


def _refusal(status: int, body: Any) -> str:
    """ARM's `code: message` from an error body, else the status and the body."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        return f"HTTP {status}: {error.get('code', 'Error')}: {error['message']}"
    shown = body if isinstance(body, str) else json.dumps(body)
    return f"HTTP {status}: {shown}" if shown else f"HTTP {status}"


def _why_failed(body: Any) -> str:
    """What a failed test's answer says: its errors' messages where it lists them, else the answer."""
    errors = body.get("errors") if isinstance(body, dict) else None
    messages = [str(e["message"]) for e in errors or [] if isinstance(e, dict) and e.get("message")]
    if messages:
        return "; ".join(messages)
    rest = {k: v for k, v in body.items() if k != "succeeded"} if isinstance(body, dict) else body
    return json.dumps(rest) if rest else "the test reported no reason"


def connection_test(adf: factory.Factory, name: str) -> ConnectionResult:
    """Read the linked service and test it, exactly as adf.tools does (see the module docstring)."""
    read = adf.client.send_request(HttpRequest("GET", _path(adf.coordinates, f"linkedservices/{name}")))
    if read.status_code != 200:
        return ConnectionResult(name, False, f"cannot read it: {_refusal(read.status_code, _answer(read))}")
    request = HttpRequest("POST", _path(adf.coordinates, TEST_CONNECTIVITY), json={"linkedService": read.json()})
    tested = adf.client.send_request(request)
    body = _answer(tested)
    if tested.status_code != 200:
        return ConnectionResult(name, False, f"Azure refused the test: {_refusal(tested.status_code, body)}")
    if isinstance(body, dict) and body.get("succeeded") is True:
        return ConnectionResult(name, True)
    return ConnectionResult(name, False, _why_failed(body))


def connection_tests(adf: factory.Factory, names: list[str]) -> list[ConnectionResult]:
    """Each named linked service's test, in order; without names, every linked service of the factory by name."""
    if not names:
        listed = adf.client.linked_services.list_by_factory(adf.resource_group, adf.name)
        names = sorted((str(linked_service.name) for linked_service in listed), key=str.lower)
    results = []
    for name in names:
        try:
            results.append(connection_test(adf, name))
        except AzureError as exc:
            results.append(ConnectionResult(name, False, f"Azure failed the test: {factory.describe_error(exc)}"))
    return results


def report(results: list[ConnectionResult], coordinates: factory.FactoryCoordinates) -> dict[str, Any]:
    """The result for `--json`: the factory, the counts adf.tools reports (passed, failed, total) and each result."""
    passed = sum(result.succeeded for result in results)
    return {
        "factory": coordinates.resource_id,
        "passed": passed,
        "failed": len(results) - passed,
        "total": len(results),
        "results": [result.document() for result in results],
    }


def failures(results: list[ConnectionResult]) -> list[AzureRefusedError]:
    """One error per linked service that did not connect, naming it: the command's exit code 3."""
    return [AzureRefusedError(f"{r.name}: connection failed: {r.reason}") for r in results if not r.succeeded]
