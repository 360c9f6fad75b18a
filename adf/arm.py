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
"""

from __future__ import annotations

import hashlib
import re
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


def deployment_name(item: AdfItem, factory_name: str) -> str:
    """A deployment name of its own for the item in its factory, the same on every run: the kind, the item's name
    as far as it fits and is allowed, and a hash of the factory, kind and (lower-case) name."""
    digest = hashlib.sha256(f"{factory_name}/{item.kind}/{item.name.lower()}".encode()).hexdigest()[:8]
    readable = _NOT_IN_DEPLOYMENT_NAMES.sub("_", f"adf-{item.kind}-{item.name}")
    return f"{readable[: DEPLOYMENT_NAME_LENGTH - len(digest) - 1]}-{digest}"
