"""What a VM size costs in quota: its quota family and its cores, read from its name.

Managed DevOps Pools count quota "in CPU cores per Azure VM SKU family", per region and subscription, and grant
five cores by default for a list of families, `DEFAULT_QUOTA_FAMILIES`
(https://learn.microsoft.com/azure/devops/managed-devops-pools/prerequisites#review-managed-devops-pools-quotas).

A size name follows Azure's naming convention, `[Family] + [Sub-family]* + [# of vCPUs] + [Constrained vCPUs]* +
[Additive Features] + [Accelerator Type]* + [Version]` (https://learn.microsoft.com/azure/virtual-machines/vm-naming-conventions),
so `Standard_D2ads_v5` is family D, 2 vCPUs, features a/d/s, version 5, and its quota family is the family, the
features and the version: `standardDADSv5Family`, as the prerequisites page lists it. Sizes named before that
convention do not carry their vCPUs in the name (`Standard_D11_v2` has 2), and the B-series v1 sizes share one
family whatever their features (`standardBSFamily`); so only names whose vCPUs the convention gives are read:
version 3 or later, the F-series v2, and the B-series v1. Anything else, constrained-vCPU sizes (`E4-2ds_v5`)
included, is refused, naming what is allowed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_QUOTA_FAMILIES: frozenset[str] = frozenset(
    {
        "standardBSFamily",
        "standardDADSv5Family",
        "standardDASv5Family",
        "standardDDSv5Family",
        "standardDLDSv5Family",
        "standardDPLDSv5Family",
        "standardDPLSv5Family",
        "standardDPSv5Family",
        "standardDSv2Family",
        "standardDSv5Family",
        "standardDv2Family",
        "standardEASv4Family",
        "standardEDSv5Family",
        "standardESv5Family",
        "standardFSv2Family",
        "standardLSv3Family",
    }
)
"""The families with five cores of Managed DevOps Pools quota by default in every region that offers them."""

DEFAULT_CORES_QUOTA = 5
"""Cores per family, region and subscription that Managed DevOps Pools grant without a request."""

_NAME = re.compile(
    r"Standard_(?P<family>[A-Z]+)(?P<cores>[1-9][0-9]*)(?P<features>[a-z]*)(?:_v(?P<version>[1-9][0-9]*))?"
)

ALLOWED = (
    "Standard_<family><vCPUs><features>_v<version> with version 3 or later (e.g. Standard_D2ads_v5), "
    "Standard_F<vCPUs>s_v2, or a B-series v1 size (e.g. Standard_B2s)"
)


@dataclass(frozen=True)
class VmSize:
    """One VM size as Managed DevOps Pools quota counts it."""

    name: str
    family: str
    """The quota family, as Azure's quota pages name it (`standardDADSv5Family`)."""
    cores: int
    """vCPUs of one agent."""


def vm_size(name: str) -> VmSize:
    """The quota family and cores of a size name; ValueError (naming what is allowed) when the name does not say."""
    match = _NAME.fullmatch(name)
    if match is None:
        raise ValueError(f"'{name}' is not an Azure VM size name the quota check can read; allowed: {ALLOWED}")
    family, features, version = match["family"], match["features"], match["version"]
    cores = int(match["cores"])
    if family == "B" and version is None:
        return VmSize(name, "standardBSFamily", cores)
    if version is not None and (int(version) >= 3 or (family == "F" and version == "2")):
        return VmSize(name, f"standard{family}{features.upper()}v{version}Family", cores)
    raise ValueError(
        f"'{name}' does not give its vCPUs in its name (sizes named before Azure's naming convention), so its "
        f"Managed DevOps Pools quota cannot be checked; allowed: {ALLOWED}"
    )


__all__ = ["ALLOWED", "DEFAULT_CORES_QUOTA", "DEFAULT_QUOTA_FAMILIES", "VmSize", "vm_size"]
