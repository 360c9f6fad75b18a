"""The Key Vault rules fire on violating copies of the real vault."""

from __future__ import annotations

import dataclasses

from preview.plan import Plan
from tests.policy.fixtures import (
    VAULT,
    added,
    edited,
    evaluate,
    input_of,
    of_rule,
    only,
    plan_unchecked,
    reg_named,
    set_input,
    violations_of,
)


def test_keyvault_rbac_fires(dev: Plan) -> None:
    regs = edited(dev, VAULT, set_input("properties", "enableRbacAuthorization", value=False))
    found = only(violations_of(regs, "dev", "keyvault-rbac-authorization"))
    assert found.message == (
        f"key vault '{input_of(dev, VAULT, 'vaultName')}': properties.enableRbacAuthorization is False; it must be true"
    )


def test_keyvault_soft_delete_fires(dev: Plan) -> None:
    regs = edited(dev, VAULT, set_input("properties", "enableSoftDelete", value=False))
    found = only(violations_of(regs, "dev", "keyvault-soft-delete"))
    assert found.message.endswith("properties.enableSoftDelete is False; it must be true")


def test_keyvault_purge_protection_fires_in_prod_when_config_turns_it_off() -> None:
    plan = plan_unchecked("prod", **{"data-platform:keyVault": {"purgeProtection": False, "sku": "premium"}})
    found = only(of_rule(evaluate(plan.resources, plan.config), "keyvault-purge-protection-in-prod"))
    assert found.message == (
        f"key vault '{input_of(plan, VAULT, 'vaultName')}': properties.enablePurgeProtection is not set; "
        "it must be true in prod (keyVault.purgeProtection: true)"
    )


def test_keyvault_purge_protection_derives_prod_from_tags_without_config(prod: Plan) -> None:
    regs = edited(prod, VAULT, set_input("properties", "enablePurgeProtection", value=False))
    found = only(of_rule(evaluate(regs, None), "keyvault-purge-protection-in-prod"))
    assert "enablePurgeProtection is False" in found.message


def test_keyvault_access_policies_fire_inline_and_as_resources(dev: Plan) -> None:
    policy = {"tenantId": "t", "objectId": "o", "permissions": {"secrets": ["get"]}}
    regs = edited(dev, VAULT, set_input("properties", "accessPolicies", value=[policy]))
    found = only(violations_of(regs, "dev", "keyvault-no-access-policies"))
    assert found.message == (
        f"key vault '{input_of(dev, VAULT, 'vaultName')}' has 1 access policy; "
        "grant access with Azure RBAC role assignments instead"
    )

    extra = dataclasses.replace(
        reg_named(dev, VAULT),
        urn=reg_named(dev, VAULT).urn.replace("keyvault:Vault::platform-key-vault-vault", "keyvault:AccessPolicy::ap"),
        type="azure-native:keyvault:AccessPolicy",
        name="ap",
        inputs={"vaultName": "kv", "resourceGroupName": "rg", "policy": policy},
    )
    found = only(violations_of(added(dev, extra), "dev", "keyvault-no-access-policies"))
    assert found.message == "'ap' is a Key Vault access policy; grant access with Azure RBAC role assignments instead"
