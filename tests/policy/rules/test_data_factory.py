"""The Data Factory rules fire on violating copies of the real factory and linked services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from preview.plan import Plan
from tests.policy.fixtures import FACTORY, LS_LAKE, LS_SQL, drop_input, edited, input_of, only, set_input, violations_of


def test_datafactory_identity_fires(dev: Plan) -> None:
    regs = edited(dev, FACTORY, drop_input("identity"))
    found = only(violations_of(regs, "dev", "datafactory-managed-identity"))
    assert found.message == (
        f"data factory '{input_of(dev, FACTORY, 'factoryName')}': identity.type is not set; "
        "it needs a SystemAssigned or UserAssigned managed identity"
    )


@pytest.mark.parametrize(
    ("name", "change", "problem"),
    [
        (
            LS_SQL,
            set_input("properties", "password", value={"type": "SecureString", "value": "hunter2"}),
            "properties.password is an inline SecureString",
        ),
        (LS_LAKE, set_input("properties", "accountKey", value="[secret]"), "properties.accountKey is inlined"),
        (
            LS_LAKE,
            set_input(
                "properties", "connectionString", value="DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k"
            ),
            "properties.connectionString carries AccountKey=",
        ),
        (
            LS_SQL,
            set_input("properties", "servicePrincipalKey", value={"type": "SecureString", "value": "x"}),
            "properties.servicePrincipalKey is an inline SecureString",
        ),
    ],
)
def test_datafactory_inline_credentials_fire(
    dev: Plan, name: str, change: Callable[[dict[str, Any]], None], problem: str
) -> None:
    found = only(violations_of(edited(dev, name, change), "dev", "datafactory-no-inline-credentials"))
    assert found.message == (
        f"linked service '{input_of(dev, name, 'linkedServiceName')}': {problem}; "
        "every secret must come from Key Vault (an AzureKeyVaultSecret reference through the Key Vault linked service)"
    )


def test_datafactory_key_vault_secret_reference_is_fine(dev: Plan) -> None:
    reference = {
        "type": "AzureKeyVaultSecret",
        "store": {"referenceName": "LS_KeyVault", "type": "LinkedServiceReference"},
        "secretName": "sql-password",
    }
    regs = edited(dev, LS_SQL, set_input("properties", "password", value=reference))
    assert violations_of(regs, "dev", "datafactory-no-inline-credentials") == []


def test_datafactory_public_network_access_follows_the_stack_config(dev: Plan, plan_with: Callable[..., Plan]) -> None:
    closed = {"publicNetworkAccess": False, "triggerStartTime": "2026-12-01T00:00:00Z"}
    found = only(
        violations_of(
            dev.resources, "dev", "datafactory-public-network-access", **{"data-platform:dataFactory": closed}
        )
    )
    assert found.message == (
        f"data factory '{input_of(dev, FACTORY, 'factoryName')}': publicNetworkAccess is 'Enabled' but the stack "
        "config says dataFactory.publicNetworkAccess: false (Disabled)"
    )
    # The program follows the same config, so a stack that closes the factory is compliant.
    closed_plan = plan_with("dev", **{"data-platform:dataFactory": closed})
    assert (
        violations_of(
            closed_plan.resources, "dev", "datafactory-public-network-access", **{"data-platform:dataFactory": closed}
        )
        == []
    )
