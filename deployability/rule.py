"""One rule of the catalogue, and the lookups over the plan's view that several rules share.

A rule names what it checks, the resource types it judges, why (the reason), what to do (the fix) and where
the fact comes from: each source is a page or issue with the fact in our words and the day it was read
(`stack.evidence.Source`). `check` yields (resource, detail) for every resource that breaks it. Values only known
at deployment ("[unknown]") are never reported.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from preview.view import PlanView, Registration, ResourceType, get, known_str
from stack.evidence import Source

Finding = tuple[Registration, str]


@dataclass(frozen=True)
class Rule:
    name: str
    types: tuple[str, ...]
    """The resource types the rule judges (the coverage table counts rules per type)."""
    reason: str
    """What Azure refuses, or what breaks."""
    fix: str
    sources: tuple[Source, ...]
    check: Callable[[PlanView], Iterator[Finding]]


_PROVIDER_PATH = re.compile(r"/providers/([^/]+)/(.+)$", re.IGNORECASE)


def arm_type(resource_id: Any) -> str | None:
    """The ARM resource type of an id, lowercased: `.../providers/Microsoft.Storage/storageAccounts/a/blobServices/
    default` -> `microsoft.storage/storageaccounts/blobservices`. None for what is not a provider resource id."""
    text = known_str(resource_id)
    match = _PROVIDER_PATH.search(text.rstrip("/")) if text else None
    if match is None:
        return None
    segments = match.group(2).split("/")
    if len(segments) % 2:
        return None
    return "/".join([match.group(1), *segments[0::2]]).lower()


def region(value: Any) -> str | None:
    """A location as ARM compares it: lowercase, without spaces ('West Europe' is 'westeurope')."""
    text = known_str(value)
    return text.replace(" ", "").lower() if text else None


def location_of(reg: Registration | None) -> str | None:
    return region(reg.inputs.get("location")) if reg is not None else None


def same_id(first: Any, second: Any) -> bool:
    """Two ARM ids name the same resource (ARM compares them without regard to case)."""
    a, b = known_str(first), known_str(second)
    return a is not None and b is not None and a.rstrip("/").lower() == b.rstrip("/").lower()


def subnet_and_network(view: PlanView, subnet_id: Any) -> tuple[Registration | None, Registration | None]:
    """The planned subnet an id names and its planned virtual network (found from the id when the subnet is not
    planned on its own)."""
    subnet = view.resource(subnet_id)
    network = view.arm_parent(subnet) if subnet is not None else None
    text = known_str(subnet_id)
    if network is None and text and "/subnets/" in text.lower():
        network = view.resource(text[: text.lower().rindex("/subnets/")])
    return subnet, network


def subnet_name(subnet_id: Any) -> str | None:
    text = known_str(subnet_id)
    return text.rstrip("/").rsplit("/", 1)[-1] if text and "/subnets/" in text.lower() else None


def delegations(subnet: Registration | None) -> set[str]:
    """The services a planned subnet is delegated to."""
    entries = subnet.inputs.get("delegations") if subnet is not None else None
    return {str(get(entry, "serviceName")) for entry in (entries if isinstance(entries, list) else [])} - {"None"}


def subnet_prefix(subnet: Registration | None) -> ipaddress.IPv4Network | None:
    """The subnet's IPv4 range, where the plan knows it."""
    if subnet is None:
        return None
    prefixes = [subnet.inputs.get("addressPrefix"), *(subnet.inputs.get("addressPrefixes") or [])]
    for prefix in prefixes:
        text = known_str(prefix)
        if text:
            try:
                network = ipaddress.ip_network(text, strict=False)
            except ValueError:
                continue
            if isinstance(network, ipaddress.IPv4Network):
                return network
    return None


def number(value: Any) -> float | None:
    """A plain number (not a bool), or None."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def flex_plans(view: PlanView) -> Iterator[Registration]:
    """The Flex Consumption (FC1) App Service plans."""
    for reg in view.of_type(ResourceType.APP_SERVICE_PLAN):
        sku = get(reg.inputs, "sku")
        if isinstance(sku, dict) and (sku.get("name") == "FC1" or sku.get("tier") == "FlexConsumption"):
            yield reg


def flex_sites(view: PlanView) -> Iterator[Registration]:
    """The sites on a Flex Consumption plan."""
    plans = {view.arm_id(plan) for plan in flex_plans(view)}
    for reg in view.of_type(ResourceType.WEB_APP):
        farm = view.resource(reg.inputs.get("serverFarmId"))
        if farm is not None and view.arm_id(farm) in plans:
            yield reg
