"""Linked service routes and ADF Studio's connection test, as azure.datafactory.tools calls them.

* `GET linkedservices` (paged) and `GET linkedservices/<name>`: the linked service resource as ARM returns it,
  `{"id", "name", "type", "etag", "properties"}`; 404 for a name the factory lacks.
* `POST testConnectivity` with the body `{"linkedService": <that resource>}`: 200 with `{"succeeded": true}` for a
  linked service whose test passes, `{"succeeded": false, "errors": [...]}` for one that fails; the test of an object
  that is not what the GET returned is refused (400), so a client must send the resource as it read it. A linked
  service can also be refused with an HTTP error, as ADF refuses a test through a managed virtual network runtime
  whose interactive authoring is off (Azure-Player/azure.datafactory.tools#255).

The request and response shapes are those of adf.tools' private/Test-LinkedServiceConnection.ps1; ops/
adf_test_connection.py quotes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ops.factory import API_VERSION
from tests.support.arm_server.model import FACTORY, Reply, error
from tests.support.arm_server.state import ServerState


@dataclass
class FakeLinkedService:
    """A linked service and what its connection test answers."""

    name: str
    properties: dict[str, Any] = field(
        default_factory=lambda: {"type": "AzureBlobFS", "typeProperties": {"url": "https://lake.dfs.core.windows.net/"}}
    )
    errors: list[dict[str, Any]] | None = None
    """The errors of a failed test; None: the test passes."""
    refuse: tuple[int, str, str] | None = None
    """(HTTP status, error code, message) with which ADF refuses to run the test."""

    def resource(self, base: str) -> dict[str, Any]:
        return {
            "id": f"{base}/linkedservices/{self.name}",
            "name": self.name,
            "type": "Microsoft.DataFactory/factories/linkedservices",
            "etag": "3a00c6e2-0000-0100-0000-65f0a1b20000",
            "properties": self.properties,
        }


class ConnectivityRoutes(ServerState):
    linked_services: dict[str, FakeLinkedService]
    tested: list[dict[str, Any]]
    """The body of every testConnectivity request, in order."""

    def add_linked_service(self, name: str, **behaviour: Any) -> FakeLinkedService:
        linked_service = FakeLinkedService(name, **behaviour)
        self.linked_services[name.lower()] = linked_service
        return linked_service

    def _connectivity_route(self, method: str, rest: list[str], query: dict[str, str], body: Any) -> Reply | None:
        """The answer to a linked service or testConnectivity request; None for any other route."""
        kind = rest[0].lower() if rest else ""
        if method == "GET" and kind == "linkedservices" and len(rest) == 1:
            return self._list_linked_services(query)
        if method == "GET" and kind == "linkedservices" and len(rest) == 2:
            linked_service = self.linked_services.get(rest[1].lower())
            if linked_service is None:
                return error(404, "NotFound", f"Linked service '{rest[1]}' does not exist in factory '{FACTORY}'.")
            return 200, {}, linked_service.resource(self.base)
        if method == "POST" and kind == "testconnectivity" and len(rest) == 1:
            return self._test_connectivity(body)
        return None

    def _list_linked_services(self, query: dict[str, str]) -> Reply:
        names = sorted(self.linked_services)
        offset = int(query.get("$skipToken", "0"))
        page = [self.linked_services[n].resource(self.base) for n in names[offset : offset + self.page_size]]
        document: dict[str, Any] = {"value": page}
        if offset + self.page_size < len(names):
            document["nextLink"] = (
                f"{self.endpoint}{self.base}/linkedservices?api-version={API_VERSION}"
                f"&$skipToken={offset + self.page_size}"
            )
        return 200, {}, document

    def _test_connectivity(self, body: Any) -> Reply:
        self.tested.append(body)
        sent = body.get("linkedService") if isinstance(body, dict) else None
        name = sent.get("name") if isinstance(sent, dict) else None
        linked_service = self.linked_services.get(str(name).lower()) if name else None
        if linked_service is None or sent != linked_service.resource(self.base):
            return error(400, "BadRequest", "The request body must be {'linkedService': <the linked service>}.")
        if linked_service.refuse is not None:
            return error(*linked_service.refuse)
        if linked_service.errors is None:
            return 200, {}, {"succeeded": True}
        return 200, {}, {"succeeded": False, "errors": linked_service.errors}
