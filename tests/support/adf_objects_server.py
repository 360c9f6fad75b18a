"""The fake ARM, extended with a factory's other objects: listing and deleting pipelines, datasets and the rest.

It extends the shared fake (`tests.support.arm_server`: triggers, runs, long-running operations)
with, per collection of the Data Factory REST API (api-version 2018-06-01), a paged
`GET <collection>` and `DELETE <collection>/<name>` (200 once deleted, 204 when there was nothing
to delete). Two refusals follow what ADF enforces, so that a client has to delete in dependency order:

* a started trigger cannot be deleted (Microsoft's CI/CD script stops triggers before deleting them);
* an object that another object still references cannot be deleted.
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
}
"""The REST collection of each kind of object, lower case, and the kind's name in messages."""


class AdfObjectsServer(ArmServer):
    """The fake ARM with pipelines, datasets, data flows, linked services, integration runtimes and credentials."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objects: dict[str, dict[str, dict[str, Any]]] = {collection: {} for collection in COLLECTIONS}
        self.deleted: list[str] = []
        """`<collection>/<name>` in the order the deletes succeeded (triggers included)."""

    def add_object(self, collection: str, name: str, properties: dict[str, Any]) -> None:
        """An object of `collection` (e.g. "pipelines") with these properties."""
        self.objects[collection][name.lower()] = {"name": name, "properties": properties}

    def __enter__(self) -> AdfObjectsServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def _route(self, method: str, rest: list[str], query: dict[str, str], body: Any) -> Reply:
        collection = rest[0].lower() if rest else ""
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
