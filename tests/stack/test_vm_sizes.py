"""A VM size's Managed DevOps Pools quota family and cores, read from its name; names that do not say are refused."""

from __future__ import annotations

import pytest

from stack.vm_sizes import DEFAULT_QUOTA_FAMILIES, vm_size

# The families with default quota, exactly as Microsoft's prerequisites page lists them
# (https://learn.microsoft.com/azure/devops/managed-devops-pools/prerequisites#review-managed-devops-pools-quotas).
DOCUMENTED_DEFAULT_FAMILIES = {
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


@pytest.mark.parametrize(
    ("name", "family", "cores"),
    [
        # The default size: "Standard D2ads v5 ... part of the standardDADSv5Family ... uses two cores".
        ("Standard_D2ads_v5", "standardDADSv5Family", 2),
        ("Standard_D4as_v5", "standardDASv5Family", 4),
        ("Standard_D8ds_v5", "standardDDSv5Family", 8),
        ("Standard_D2lds_v5", "standardDLDSv5Family", 2),
        ("Standard_D4plds_v5", "standardDPLDSv5Family", 4),
        ("Standard_D2pls_v5", "standardDPLSv5Family", 2),
        ("Standard_D16ps_v5", "standardDPSv5Family", 16),
        ("Standard_D2s_v5", "standardDSv5Family", 2),
        ("Standard_E2as_v4", "standardEASv4Family", 2),
        ("Standard_E4ds_v5", "standardEDSv5Family", 4),
        ("Standard_E8s_v5", "standardESv5Family", 8),
        ("Standard_F2s_v2", "standardFSv2Family", 2),
        ("Standard_L8s_v3", "standardLSv3Family", 8),
        ("Standard_B2ms", "standardBSFamily", 2),
        ("Standard_B1ls", "standardBSFamily", 1),
        # The family of the quota error Microsoft quotes: "... limit of 0 for SKU family standardDDSv4Family".
        ("Standard_D8ds_v4", "standardDDSv4Family", 8),
    ],
)
def test_the_quota_family_and_cores_come_from_the_name(name: str, family: str, cores: int) -> None:
    size = vm_size(name)
    assert (size.family, size.cores) == (family, cores)


def test_every_default_family_that_names_its_vcpus_is_reachable_and_the_list_is_microsofts() -> None:
    assert DEFAULT_QUOTA_FAMILIES == DOCUMENTED_DEFAULT_FAMILIES


@pytest.mark.parametrize(
    "name",
    [
        "Standard_D11_v2",  # 2 vCPUs: named before the convention, the number is not its vCPUs
        "Standard_DS2_v2",
        "Standard_A2",
        "Standard_E4-2ds_v5",  # constrained vCPUs
        "D2ads_v5",
        "standard_d2ads_v5",
        "",
    ],
)
def test_a_name_that_does_not_give_its_vcpus_is_refused_with_what_is_allowed(name: str) -> None:
    with pytest.raises(ValueError, match=r"allowed: Standard_<family><vCPUs><features>_v<version>"):
        vm_size(name)
