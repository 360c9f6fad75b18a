"""Every storage account the platform creates carries the same hardening flags, from one place."""

from __future__ import annotations

import pytest

from preview.plan import Plan
from tests.conftest import STACKS

HARDENED = {
    "enableHttpsTrafficOnly": True,
    "minimumTlsVersion": "TLS1_2",
    "allowBlobPublicAccess": False,
    "allowSharedKeyAccess": False,
    "defaultToOAuthAuthentication": True,
    "allowCrossTenantReplication": False,
}


@pytest.mark.parametrize("stack", STACKS)
def test_the_lake_and_the_host_storage_are_hardened_alike(plans: dict[str, Plan], stack: str) -> None:
    accounts = {reg.name: reg.inputs for reg in plans[stack].by_type("azure-native:storage:StorageAccount")}
    assert set(accounts) == {"platform-lake-account", "platform-generator-host-storage"}
    for name, inputs in accounts.items():
        assert {key: inputs.get(key) for key in HARDENED} == HARDENED, name
