"""The ARM template that deploys one ADF item losslessly: `Microsoft.DataFactory/factories/<kind>` holding the file's
`properties` as they are.

This is how Microsoft's own CI/CD deploys a factory: ADF Studio's publish turns every object into a resource of
an ARM template (https://learn.microsoft.com/azure/data-factory/continuous-integration-delivery), whose resource
types and properties the template reference documents per kind, API version 2018-06-01, the only one ADF has
(https://learn.microsoft.com/azure/templates/microsoft.datafactory/factories/pipelines and its siblings). ARM
sends a resource's `properties` to the resource provider as they are, so nothing azure-native's typed resources
lack is lost.

Two things in a template are not plain JSON, and the properties are written so that ARM reads them back exactly:

* a string that starts with `[` and ends with `]` is an ARM expression; a literal one starts with `[[`
  (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions#escape-characters).
  A SQL name such as `[dbo].[users]` would otherwise be evaluated;
* an integer beyond 2^53 is written as the expression `[json('<digits>')]`, which ARM parses into the number
  itself (https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-object#json),
  because Pulumi's engine would carry the plain number as a rounded double (adf/lossless.py).

`template_items` reads a template back, escaping undone, so that a check over the plan (the reachability model)
sees the item ADF receives whichever route deployed it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adf.lossless import EXACT_INTEGER
from adf.model import AdfItem, AdfKind

API_VERSION = "2018-06-01"
"""The Data Factory REST API version of every template (and of azure-native's typed datafactory resources)."""

SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"

RESOURCE_TYPES = {
    AdfKind.CREDENTIAL: "credentials",
    AdfKind.MANAGED_VIRTUAL_NETWORK: "managedVirtualNetworks",
    AdfKind.MANAGED_PRIVATE_ENDPOINT: "managedVirtualNetworks/managedPrivateEndpoints",
    AdfKind.INTEGRATION_RUNTIME: "integrationRuntimes",
    AdfKind.LINKED_SERVICE: "linkedservices",
    AdfKind.DATASET: "datasets",
    AdfKind.DATAFLOW: "dataflows",
    AdfKind.PIPELINE: "pipelines",
    AdfKind.TRIGGER: "triggers",
}
"""The child resource type of a factory for each kind, as the template reference names it."""

DEPLOYMENT_NAME_LENGTH = 64
"""Deployment names: 1-64 of letters, digits, `-`, `_`, `.`, `(` and `)`
(https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftresources)."""

_NOT_IN_DEPLOYMENT_NAMES = re.compile(r"[^\w\-.()]")


def resource_type(kind: AdfKind) -> str:
    return f"Microsoft.DataFactory/factories/{RESOURCE_TYPES[kind]}"


def literal(value: Any) -> Any:
    """A JSON value as a template writes it so that ARM reads back exactly this value (see the module docstring)."""
    if isinstance(value, dict):
        return {key: literal(item) for key, item in value.items()}  # expressions are values; keys stay as written
    if isinstance(value, list):
        return [literal(item) for item in value]
    if isinstance(value, str) and value.startswith("[") and value.endswith("]"):
        return "[" + value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > EXACT_INTEGER:
        return f"[json('{value}')]"
    return value


_BIG_INTEGER = re.compile(r"\[json\('(-?\d+)'\)\]")


def unliteral(value: Any) -> Any:
    """The value ARM reads from what `literal` wrote: `[[...]` loses its escape, `[json('<digits>')]` is the number."""
    if isinstance(value, dict):
        return {key: unliteral(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unliteral(item) for item in value]
    if isinstance(value, str) and value.startswith("[["):
        return value[1:]
    if isinstance(value, str) and (number := _BIG_INTEGER.fullmatch(value)):
        return int(number.group(1))
    return value


def _string(text: str) -> str:
    """A string literal inside an ARM expression: single quotes, doubled within."""
    return "'" + text.replace("'", "''") + "'"


def template(item: AdfItem, properties: dict[str, Any]) -> dict[str, Any]:
    """The template of one item: its resource, named under the factory given as the `factoryName` parameter."""
    path = [item.network, item.name] if item.network is not None else [item.name]
    name = "[concat(parameters('factoryName'), " + ", ".join(_string(f"/{part}") for part in path) + ")]"
    return {
        "$schema": SCHEMA,
        "contentVersion": "1.0.0.0",
        "parameters": {"factoryName": {"type": "string"}},
        "resources": [
            {
                "type": resource_type(item.kind),
                "apiVersion": API_VERSION,
                "name": name,
                "properties": literal(properties),
            }
        ],
    }


@dataclass(frozen=True)
class TemplateItem:
    """One ADF item as an item's template holds it, read back: what ARM sends to the factory."""

    kind: AdfKind
    name: str
    network: str | None
    """A managed private endpoint's managed virtual network; None for every other kind."""
    properties: dict[str, Any]


_NAME = re.compile(r"\[concat\(parameters\('factoryName'\)((?:, '(?:[^']|'')*')+)\)\]")
_NAME_PART = re.compile(r"'((?:[^']|'')*)'")
_KINDS = {resource_type(kind): kind for kind in RESOURCE_TYPES}


def template_items(document: Any) -> list[TemplateItem]:
    """The ADF items a template written by `template` holds, their names and properties as ARM reads them back;
    resources of any other shape (another type, a name that is no `concat` of the factory's) are left out."""
    resources = document.get("resources") if isinstance(document, Mapping) else None
    found = []
    for resource in resources if isinstance(resources, list) else []:
        if not isinstance(resource, Mapping):
            continue
        kind = _KINDS.get(str(resource.get("type")))
        name = _NAME.fullmatch(str(resource.get("name")))
        properties = resource.get("properties")
        if kind is None or name is None or not isinstance(properties, Mapping):
            continue
        path = [part.replace("''", "'").removeprefix("/") for part in _NAME_PART.findall(name.group(1))]
        network = path[0] if kind == AdfKind.MANAGED_PRIVATE_ENDPOINT and len(path) == 2 else None
        found.append(TemplateItem(kind, path[-1], network, unliteral(dict(properties))))
    return found


def deployment_name(item: AdfItem, factory_name: str) -> str:
    """A deployment name of its own for the item in its factory, the same on every run: the kind, the item's name
    as far as it fits and is allowed, and a hash of the factory, kind and (lower-case) name."""
    digest = hashlib.sha256(f"{factory_name}/{item.kind}/{item.name.lower()}".encode()).hexdigest()[:8]
    readable = _NOT_IN_DEPLOYMENT_NAMES.sub("_", f"adf-{item.kind}-{item.name}")
    return f"{readable[: DEPLOYMENT_NAME_LENGTH - len(digest) - 1]}-{digest}"
