"""The fake ARM, extended with a factory's other objects: listing and deleting pipelines, datasets and the rest.

It extends the shared fake (`tests.support.arm_server`: triggers, runs, long-running operations)
with, per collection of the Data Factory REST API (api-version 2018-06-01), a paged
`GET <collection>` and `DELETE <collection>/<name>` (200 once deleted, 204 when there was nothing
to delete). Two refusals follow what ADF enforces, so that a client has to delete in dependency order:

* a started trigger cannot be deleted (Microsoft's CI/CD script stops triggers before deleting them);
* an object that another object still references cannot be deleted.

Managed virtual networks are listed (the API has no delete for them), their managed private endpoints listed and
deleted per network, and the factory's one global parameters resource (`globalParameters/default`) listed, read
and replaced, as the REST API's Managed Virtual Networks, Managed Private Endpoints and Global Parameters
operations do.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from adf.walk import referenced_names
from ops.factory import API_VERSION
from tests.support.arm_server import ArmServer
from tests.support.arm_server.http import Reply
from tests.support.arm_server.model import error

COLLECTIONS = {
    "pipelines": "Pipeline",
    "datasets": "Dataset",
    "dataflows": "DataFlow",
    "linkedservices": "LinkedService",
    "integrationruntimes": "IntegrationRuntime",
    "credentials": "Credential",
    "managedvirtualnetworks": "ManagedVirtualNetwork",
}
"""The REST collection of each kind of object, lower case, and the kind's name in messages."""


class AdfObjectsServer(ArmServer):
    """The fake ARM with pipelines, datasets, data flows, linked services, integration runtimes and credentials."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objects: dict[str, dict[str, dict[str, Any]]] = {collection: {} for collection in COLLECTIONS}
        self.deleted: list[str] = []
        """`<collection>/<name>` in the order the deletes succeeded (triggers included)."""
        self.endpoints: dict[str, dict[str, dict[str, Any]]] = {}
        """Managed private endpoints by lower-case network name, then lower-case name."""
        self.global_parameters: dict[str, Any] | None = None
        """The properties of `globalParameters/default` (name -> {type, value}); None: the factory has none."""

    def add_object(self, collection: str, name: str, properties: dict[str, Any]) -> None:
        """An object of `collection` (e.g. "pipelines") with these properties."""
        self.objects[collection][name.lower()] = {"name": name, "properties": properties}

    def add_managed_private_endpoint(self, network: str, name: str, properties: dict[str, Any]) -> None:
        """A managed private endpoint in this managed virtual network."""
        self.endpoints.setdefault(network.lower(), {})[name.lower()] = {"name": name, "properties": properties}

    def __enter__(self) -> AdfObjectsServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def _route(self, method: str, rest: list[str], query: dict[str, str], body: Any) -> Reply:
        collection = rest[0].lower() if rest else ""
        if collection == "managedvirtualnetworks" and len(rest) >= 3 and rest[2].lower() == "managedprivateendpoints":
            return self._endpoints(method, rest[1], rest[3:], query)
        if collection == "globalparameters":
            return self._global_parameters(method, rest[1:], body)
        if collection == "managedvirtualnetworks" and method == "DELETE":
            return error(405, "MethodNotAllowed", "The managed virtual network cannot be deleted.")
        if collection in COLLECTIONS and method == "GET" and len(rest) == 1:
            return self._list(collection, query)
        if collection in COLLECTIONS and method == "DELETE" and len(rest) == 2:
            return self._delete(collection, rest[1])
        if collection == "triggers" and method == "DELETE" and len(rest) == 2:
            return self._delete_trigger(rest[1])
        return super()._route(method, rest, query, body)

    def _resource(self, collection: str, item: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"{self.base}/{collection}/{item['name']}",
            "name": item["name"],
            "type": f"Microsoft.DataFactory/factories/{collection}",
            "etag": "0000",
            "properties": item["properties"],
        }

    def _list(self, collection: str, query: dict[str, str]) -> Reply:
        names = sorted(self.objects[collection])
        offset = int(query.get("$skipToken", "0"))
        page = names[offset : offset + self.page_size]
        document: dict[str, Any] = {"value": [self._resource(collection, self.objects[collection][n]) for n in page]}
        if offset + self.page_size < len(names):
            document["nextLink"] = (
                f"{self.endpoint}{self.base}/{collection}?api-version={API_VERSION}"
                f"&$skipToken={offset + self.page_size}"
            )
        return 200, {}, document

    def _referrers(self, name: str) -> list[str]:
        """Every remaining object or trigger that references `name`."""
        referrers = [
            item["name"]
            for objects in self.objects.values()
            for item in objects.values()
            if name.lower() in referenced_names(item["properties"])
        ]
        referrers += [
            trigger.name
            for trigger in self.triggers.values()
            if name.lower() in referenced_names(trigger.resource(self.base)["properties"])
        ]
        return referrers

    def _delete(self, collection: str, name: str) -> Reply:
        item = self.objects[collection].get(name.lower())
        if item is None:
            return 204, {}, None
        referrers = self._referrers(item["name"])
        if referrers:
            return error(
                400,
                "BadRequest",
                f"The document cannot be deleted since it is referenced by {', '.join(sorted(referrers))}.",
            )
        del self.objects[collection][name.lower()]
        self.deleted.append(f"{collection}/{item['name']}")
        return 200, {}, None

    def _delete_trigger(self, name: str) -> Reply:
        trigger = self.triggers.get(name.lower())
        if trigger is None:
            return 204, {}, None
        if trigger.runtime_state == "Started":
            return error(
                400, "TriggerEnabledCannotUpdate", f"Cannot update enabled Trigger {trigger.name}; stop it first."
            )
        del self.triggers[name.lower()]
        self.deleted.append(f"triggers/{trigger.name}")
        return 200, {}, None

    def _endpoints(self, method: str, network: str, rest: list[str], query: dict[str, str]) -> Reply:
        endpoints = self.endpoints.get(network.lower(), {})
        base = f"managedVirtualNetworks/{network}/managedPrivateEndpoints"
        if method == "GET" and not rest:
            return 200, {}, {"value": [self._resource(base, endpoints[name]) for name in sorted(endpoints)]}
        if method == "DELETE" and len(rest) == 1:
            if endpoints.pop(rest[0].lower(), None) is None:
                return 204, {}, None
            self.deleted.append(f"{base}/{rest[0]}")
            return 200, {}, None
        return error(404, "NotFound", f"No route for {method} {base}/{'/'.join(rest)}")

    def _global_parameters(self, method: str, rest: list[str], body: Any) -> Reply:
        def resource() -> dict[str, Any]:
            return self._resource("globalParameters", {"name": "default", "properties": self.global_parameters or {}})

        if method == "GET" and not rest:
            return 200, {}, {"value": [resource()] if self.global_parameters is not None else []}
        if rest[:1] != ["default"] or len(rest) != 1:
            return error(404, "NotFound", "A factory has one global parameters resource, 'default'.")
        if method == "GET":
            return (200, {}, resource()) if self.global_parameters is not None else error(404, "NotFound", "none")
        if method == "PUT" and isinstance(body, dict) and isinstance(body.get("properties"), dict):
            self.global_parameters = body["properties"]
            return 200, {}, resource()
        return error(400, "BadRequest", "Expected {'properties': {<name>: {'type': ..., 'value': ...}}}.")
