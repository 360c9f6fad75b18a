"""The security baseline: each rule fires on a violating copy of the real plan and stays quiet on the real one."""

from __future__ import annotations

import dataclasses
import importlib
import json
import os
import runpy
import select
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import grpc
import pulumi_policy
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer

from policy.offline import PolicyError, Violation, check, evaluate
from policy.rules import PACK_NAME, RULE_NAMES, RULES, build_policies
from policy.settings import POLICY_KEY, PolicyConfigError, settings_from_config
from preview.mocks import MOCK_SUBSCRIPTION_ID, Registration
from preview.plan import PROJECT_DIR, Plan
from stack.config import parse_config
from tests.conftest import STACKS
from tests.policy.fixtures import (
    added,
    edited,
    of_rule,
    plan_unchecked,
    reg_named,
    stack_values,
    violations_of,
    without,
)

LAKE = "platform-lake-account"
HOST_STORAGE = "platform-generator-host-storage"
VAULT = "platform-key-vault-vault"
APP = "platform-generator-app"
FACTORY = "platform-adf-factory"
LS_SQL = "platform-adf-content-linkedService-LS_AzureSql"
LS_LAKE = "platform-adf-content-linkedService-LS_DataLake"
ROLE = "platform-generator-bronze-blob-contributor"
OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR = "b24988ac-6180-42a4-ab89-5b3abc4a9d4b"
SAS_URL = (
    "https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01&sig=AbCdEf0123456789%2BxyZ%3D"
)
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


def _set(*path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(inputs: dict[str, Any]) -> None:
        target = inputs
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value

    return change


def _drop(*path: str) -> Callable[[dict[str, Any]], None]:
    def change(inputs: dict[str, Any]) -> None:
        target = inputs
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return change


def _only(violations: list[Violation]) -> Violation:
    assert len(violations) == 1, [str(v) for v in violations]
    return violations[0]


def _name(plan: Plan, reg_name: str, key: str) -> str:
    return str(reg_named(plan, reg_name).inputs[key])


# ------------------------------------------------------------------ the compliant stacks


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_passes_with_zero_violations(plans: dict[str, Plan], stack: str) -> None:
    values = stack_values(stack)
    assert [str(v) for v in evaluate(plans[stack].resources, values)] == []
    parsed = parse_config(values, set(values), f"Pulumi.{stack}.yaml")
    assert [str(v) for v in evaluate(plans[stack].resources, parsed)] == []
    check(plans[stack], values)


# The resource types each rule examines: quietness on the real stacks only counts if they are there.
_EXAMINES = {
    "storage-https-only": "azure-native:storage:StorageAccount",
    "storage-min-tls-1-2": "azure-native:storage:StorageAccount",
    "storage-no-public-blob-access": "azure-native:storage:BlobContainer",
    "storage-shared-key-disabled": "azure-native:storage:StorageAccount",
    "storage-lake-hierarchical-namespace": "azure-native:storage:BlobContainer",
    "storage-lake-soft-delete": "azure-native:storage:BlobServiceProperties",
    "keyvault-rbac-authorization": "azure-native:keyvault:Vault",
    "keyvault-soft-delete": "azure-native:keyvault:Vault",
    "keyvault-purge-protection-in-prod": "azure-native:keyvault:Vault",
    "keyvault-no-access-policies": "azure-native:keyvault:Vault",
    "functionapp-https-only": "azure-native:web:WebApp",
    "functionapp-ftps-disabled": "azure-native:web:WebApp",
    "functionapp-min-tls-1-2": "azure-native:web:WebApp",
    "functionapp-managed-identity": "azure-native:web:WebApp",
    "functionapp-no-inline-secrets": "azure-native:web:WebApp",
    "datafactory-managed-identity": "azure-native:datafactory:Factory",
    "datafactory-no-inline-credentials": "azure-native:datafactory:LinkedService",
    "datafactory-public-network-access": "azure-native:datafactory:Factory",
    "role-assignment-scope": "azure-native:authorization:RoleAssignment",
    "role-assignment-no-privileged-workloads": "azure-native:authorization:RoleAssignment",
    "prod-stateful-protected": "azure-native:sql:Database",
    "prod-stateful-locked": "azure-native:authorization:ManagementLockByScope",
    "required-tags": "azure-native:resources:ResourceGroup",
    "no-plaintext-secrets": "azure-native:keyvault:Secret",
}


def test_every_rule_is_listed_once_with_a_reason() -> None:
    assert sorted(_EXAMINES) == sorted(RULE_NAMES)
    assert len(set(RULE_NAMES)) == len(RULES)
    for rule in RULES:
        assert rule.reason and rule.requires
        assert f"Reason: {rule.reason}" in rule.description


def test_readme_lists_every_rule() -> None:
    readme = (PROJECT_DIR / "policy" / "README.md").read_text()
    assert [name for name in RULE_NAMES if f"| `{name}` |" not in readme] == []


@pytest.fixture(scope="module")
def baseline(plans: dict[str, Plan]) -> dict[str, list[Violation]]:
    """Every stack's violations, evaluated once for the per-rule tests."""
    return {stack: evaluate(plans[stack].resources, stack_values(stack)) for stack in STACKS}


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_rule_stays_quiet_on_the_compliant_stacks(
    plans: dict[str, Plan], baseline: dict[str, list[Violation]], rule: str
) -> None:
    assert plans["prod"].by_type(_EXAMINES[rule]), f"prod has nothing {rule} examines"
    for stack in STACKS:
        assert of_rule(baseline[stack], rule) == []


# ------------------------------------------------------------------ storage


def test_storage_https_only_fires(prod: Plan) -> None:
    regs = edited(prod, LAKE, _set("enableHttpsTrafficOnly", value=False))
    found = _only(violations_of(regs, "prod", "storage-https-only"))
    assert found.message == (
        f"storage account '{_name(prod, LAKE, 'accountName')}': enableHttpsTrafficOnly is False; it must be true"
    )
    assert found.urn == reg_named(prod, LAKE).urn
    assert found.enforcement == "mandatory"


def test_storage_min_tls_fires(dev: Plan) -> None:
    regs = edited(dev, HOST_STORAGE, _set("minimumTlsVersion", value="TLS1_0"))
    found = _only(violations_of(regs, "dev", "storage-min-tls-1-2"))
    assert found.message == (
        f"storage account '{_name(dev, HOST_STORAGE, 'accountName')}': minimumTlsVersion is 'TLS1_0'; "
        "it must be TLS1_2 or later"
    )


def test_storage_public_blob_access_fires_on_account_and_container(dev: Plan) -> None:
    regs = edited(dev, LAKE, _set("allowBlobPublicAccess", value=True))
    found = _only(violations_of(regs, "dev", "storage-no-public-blob-access"))
    assert found.message.endswith("allowBlobPublicAccess is True; it must be false")

    regs = edited(dev, "platform-lake-bronze", _set("publicAccess", value="Container"))
    found = _only(violations_of(regs, "dev", "storage-no-public-blob-access"))
    assert found.message == "blob container 'bronze': publicAccess is 'Container'; it must be None"


def test_storage_shared_key_fires_when_not_switched_off(dev: Plan) -> None:
    regs = edited(dev, LAKE, _drop("allowSharedKeyAccess"))
    found = _only(violations_of(regs, "dev", "storage-shared-key-disabled"))
    assert found.message == (
        f"storage account '{_name(dev, LAKE, 'accountName')}': allowSharedKeyAccess is not set; it must be false"
    )


def test_lake_without_hns_is_found_by_its_containers(dev: Plan) -> None:
    regs = edited(dev, LAKE, _set("isHnsEnabled", value=False))
    found = _only(violations_of(regs, "dev", "storage-lake-hierarchical-namespace"))
    assert found.urn == reg_named(dev, LAKE).urn
    assert found.message.startswith(f"storage account '{_name(dev, LAKE, 'accountName')}' holds the lake's")
    assert "isHnsEnabled is False" in found.message


def test_lake_soft_delete_fires_when_disabled_or_missing(dev: Plan) -> None:
    regs = edited(dev, "platform-lake-blob-service", _set("deleteRetentionPolicy", "enabled", value=False))
    found = _only(violations_of(regs, "dev", "storage-lake-soft-delete"))
    assert found.urn == reg_named(dev, "platform-lake-blob-service").urn
    assert found.message == (
        f"blob service of storage account '{_name(dev, LAKE, 'accountName')}': deleteRetentionPolicy.enabled is "
        "False; soft delete must be on"
    )

    found = _only(violations_of(without(dev, "platform-lake-blob-service"), "dev", "storage-lake-soft-delete"))
    assert found.urn == reg_named(dev, LAKE).urn
    assert "has no blob service properties, so blob soft delete is off" in found.message


# ------------------------------------------------------------------ key vault


def test_keyvault_rbac_fires(dev: Plan) -> None:
    regs = edited(dev, VAULT, _set("properties", "enableRbacAuthorization", value=False))
    found = _only(violations_of(regs, "dev", "keyvault-rbac-authorization"))
    assert found.message == (
        f"key vault '{_name(dev, VAULT, 'vaultName')}': properties.enableRbacAuthorization is False; it must be true"
    )


def test_keyvault_soft_delete_fires(dev: Plan) -> None:
    regs = edited(dev, VAULT, _set("properties", "enableSoftDelete", value=False))
    found = _only(violations_of(regs, "dev", "keyvault-soft-delete"))
    assert found.message.endswith("properties.enableSoftDelete is False; it must be true")


def test_keyvault_purge_protection_fires_in_prod_when_config_turns_it_off() -> None:
    plan = plan_unchecked("prod", **{"data-platform:keyVault": {"purgeProtection": False, "sku": "premium"}})
    values = stack_values("prod", **{"data-platform:keyVault": {"purgeProtection": False, "sku": "premium"}})
    found = _only(of_rule(evaluate(plan.resources, values), "keyvault-purge-protection-in-prod"))
    assert found.message == (
        f"key vault '{_name(plan, VAULT, 'vaultName')}': properties.enablePurgeProtection is not set; "
        "it must be true in prod (keyVault.purgeProtection: true)"
    )


def test_keyvault_purge_protection_derives_prod_from_tags_without_config(prod: Plan) -> None:
    regs = edited(prod, VAULT, _set("properties", "enablePurgeProtection", value=False))
    found = _only(of_rule(evaluate(regs, None), "keyvault-purge-protection-in-prod"))
    assert "enablePurgeProtection is False" in found.message


def test_keyvault_access_policies_fire_inline_and_as_resources(dev: Plan) -> None:
    policy = {"tenantId": "t", "objectId": "o", "permissions": {"secrets": ["get"]}}
    regs = edited(dev, VAULT, _set("properties", "accessPolicies", value=[policy]))
    found = _only(violations_of(regs, "dev", "keyvault-no-access-policies"))
    assert found.message == (
        f"key vault '{_name(dev, VAULT, 'vaultName')}' has 1 access policy; "
        "grant access with Azure RBAC role assignments instead"
    )

    extra = dataclasses.replace(
        reg_named(dev, VAULT),
        urn=reg_named(dev, VAULT).urn.replace("keyvault:Vault::platform-key-vault-vault", "keyvault:AccessPolicy::ap"),
        type="azure-native:keyvault:AccessPolicy",
        name="ap",
        inputs={"vaultName": "kv", "resourceGroupName": "rg", "policy": policy},
    )
    found = _only(violations_of(added(dev, extra), "dev", "keyvault-no-access-policies"))
    assert found.message == "'ap' is a Key Vault access policy; grant access with Azure RBAC role assignments instead"


# ------------------------------------------------------------------ function app


def test_functionapp_https_only_fires(dev: Plan) -> None:
    regs = edited(dev, APP, _set("httpsOnly", value=False))
    found = _only(violations_of(regs, "dev", "functionapp-https-only"))
    assert found.message == f"function app '{_name(dev, APP, 'name')}': httpsOnly is False; it must be true"


def test_functionapp_ftps_fires(dev: Plan) -> None:
    regs = edited(dev, APP, _set("siteConfig", "ftpsState", value="FtpsOnly"))
    found = _only(violations_of(regs, "dev", "functionapp-ftps-disabled"))
    assert found.message.endswith("siteConfig.ftpsState is 'FtpsOnly'; it must be Disabled")


def test_functionapp_ftps_is_quiet_on_a_flex_site_without_ftps_state(dev: Plan) -> None:
    assert "ftpsState" not in reg_named(dev, APP).inputs["siteConfig"]
    assert violations_of(dev.resources, "dev", "functionapp-ftps-disabled") == []


def test_functionapp_ftps_fires_when_a_site_without_function_app_config_omits_it(dev: Plan) -> None:
    regs = edited(dev, APP, lambda inputs: inputs.pop("functionAppConfig"))
    found = _only(violations_of(regs, "dev", "functionapp-ftps-disabled"))
    assert found.message.endswith("siteConfig.ftpsState is not set; it must be Disabled")


def test_functionapp_min_tls_fires(dev: Plan) -> None:
    regs = edited(dev, APP, _set("siteConfig", "minTlsVersion", value="1.0"))
    found = _only(violations_of(regs, "dev", "functionapp-min-tls-1-2"))
    assert found.message.endswith("siteConfig.minTlsVersion is '1.0'; it must be 1.2 or later")


def test_functionapp_identity_fires(dev: Plan) -> None:
    regs = edited(dev, APP, _drop("identity"))
    found = _only(violations_of(regs, "dev", "functionapp-managed-identity"))
    assert found.message == (
        f"function app '{_name(dev, APP, 'name')}': identity.type is not set; "
        "it needs a SystemAssigned or UserAssigned managed identity"
    )


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        (
            {"name": "PARTNER_API_KEY", "value": "abc123"},
            "app setting PARTNER_API_KEY names a secret but holds a plain value, not a Key Vault reference",
        ),
        (
            {"name": "partnerToken", "value": "[secret]"},
            "app setting partnerToken names a secret but holds a Pulumi secret, not a Key Vault reference",
        ),
        (
            {"name": "LAKE", "value": "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=c2VjcmV0"},
            "app setting LAKE holds a storage account key (AccountKey=) in plain text",
        ),
    ],
)
def test_functionapp_inline_secret_fires(dev: Plan, setting: dict[str, str], expected: str) -> None:
    def add_setting(inputs: dict[str, Any]) -> None:
        inputs["siteConfig"]["appSettings"].append(setting)

    found = _only(violations_of(edited(dev, APP, add_setting), "dev", "functionapp-no-inline-secrets"))
    assert found.message.startswith(f"function app '{_name(dev, APP, 'name')}': {expected}")


def test_functionapp_key_vault_reference_for_a_secret_setting_is_fine(dev: Plan) -> None:
    def add_setting(inputs: dict[str, Any]) -> None:
        inputs["siteConfig"]["appSettings"].append(
            {"name": "PARTNER_API_KEY", "value": "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/x/)"}
        )

    assert violations_of(edited(dev, APP, add_setting), "dev", "functionapp-no-inline-secrets") == []


def test_functionapp_app_insights_connection_string_may_be_set_directly(dev: Plan) -> None:
    def set_plain(inputs: dict[str, Any]) -> None:
        for setting in inputs["siteConfig"]["appSettings"]:
            if setting["name"] == "APPLICATIONINSIGHTS_CONNECTION_STRING":
                setting["value"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000"

    assert violations_of(dev.resources, "dev", "functionapp-no-inline-secrets") == []
    assert violations_of(edited(dev, APP, set_plain), "dev", "functionapp-no-inline-secrets") == []


# ------------------------------------------------------------------ data factory


def test_datafactory_identity_fires(dev: Plan) -> None:
    regs = edited(dev, FACTORY, _drop("identity"))
    found = _only(violations_of(regs, "dev", "datafactory-managed-identity"))
    assert found.message == (
        f"data factory '{_name(dev, FACTORY, 'factoryName')}': identity.type is not set; "
        "it needs a SystemAssigned or UserAssigned managed identity"
    )


@pytest.mark.parametrize(
    ("name", "change", "problem"),
    [
        (
            LS_SQL,
            _set("properties", "password", value={"type": "SecureString", "value": "hunter2"}),
            "properties.password is an inline SecureString",
        ),
        (LS_LAKE, _set("properties", "accountKey", value="[secret]"), "properties.accountKey is inlined"),
        (
            LS_LAKE,
            _set("properties", "connectionString", value="DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k"),
            "properties.connectionString carries AccountKey=",
        ),
        (
            LS_SQL,
            _set("properties", "servicePrincipalKey", value={"type": "SecureString", "value": "x"}),
            "properties.servicePrincipalKey is an inline SecureString",
        ),
    ],
)
def test_datafactory_inline_credentials_fire(
    dev: Plan, name: str, change: Callable[[dict[str, Any]], None], problem: str
) -> None:
    found = _only(violations_of(edited(dev, name, change), "dev", "datafactory-no-inline-credentials"))
    assert found.message == (
        f"linked service '{_name(dev, name, 'linkedServiceName')}': {problem}; every secret must come from Key Vault "
        "(an AzureKeyVaultSecret reference through the Key Vault linked service)"
    )


def test_datafactory_key_vault_secret_reference_is_fine(dev: Plan) -> None:
    reference = {
        "type": "AzureKeyVaultSecret",
        "store": {"referenceName": "LS_KeyVault", "type": "LinkedServiceReference"},
        "secretName": "sql-password",
    }
    regs = edited(dev, LS_SQL, _set("properties", "password", value=reference))
    assert violations_of(regs, "dev", "datafactory-no-inline-credentials") == []


def test_datafactory_public_network_access_follows_the_stack_config(dev: Plan, plan_with: Callable[..., Plan]) -> None:
    closed = {"publicNetworkAccess": False}
    found = _only(
        violations_of(
            dev.resources, "dev", "datafactory-public-network-access", **{"data-platform:dataFactory": closed}
        )
    )
    assert found.message == (
        f"data factory '{_name(dev, FACTORY, 'factoryName')}': publicNetworkAccess is 'Enabled' but the stack "
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


# ------------------------------------------------------------------ role assignments


@pytest.mark.parametrize(
    ("scope", "what"),
    [
        (f"/subscriptions/{MOCK_SUBSCRIPTION_ID}", "a whole subscription"),
        ("/", "the tenant root"),
        ("/providers/Microsoft.Management/managementGroups/corp", "a management group"),
    ],
)
def test_role_assignment_scope_fires(dev: Plan, scope: str, what: str) -> None:
    found = _only(violations_of(edited(dev, ROLE, _set("scope", value=scope)), "dev", "role-assignment-scope"))
    assert found.message == (
        f"role assignment '{ROLE}': scope {scope!r} is {what}; scope it to a resource group or a resource"
    )


@pytest.mark.parametrize(("role_guid", "role"), [(OWNER, "Owner"), (CONTRIBUTOR, "Contributor")])
def test_privileged_role_for_a_workload_fires(dev: Plan, role_guid: str, role: str) -> None:
    role_id = f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}"
    regs = edited(dev, ROLE, _set("roleDefinitionId", value=role_id))
    found = _only(violations_of(regs, "dev", "role-assignment-no-privileged-workloads"))
    assert found.message == (
        f"role assignment '{ROLE}' grants {role} to a workload identity (principalType ServicePrincipal); "
        "grant the narrowest data-plane or built-in role the workload needs"
    )


def test_privileged_role_for_a_user_is_not_a_workload_finding(dev: Plan) -> None:
    role_id = f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/{OWNER}"
    regs = edited(dev, ROLE, lambda i: i.update(roleDefinitionId=role_id, principalType="User"))
    assert violations_of(regs, "dev", "role-assignment-no-privileged-workloads") == []


# ------------------------------------------------------------------ prod protection


def test_prod_protection_fires_on_an_unprotected_resource(prod: Plan) -> None:
    regs = edited(prod, LAKE, lambda _: None, protect=False)
    found = _only(violations_of(regs, "prod", "prod-stateful-protected"))
    assert found.urn == reg_named(prod, LAKE).urn
    assert found.message == (
        f"data lake storage account '{_name(prod, LAKE, 'accountName')}' is not protected; set protect: true in prod"
    )


def test_prod_lock_fires_when_missing_or_scoped_elsewhere(prod: Plan) -> None:
    found = _only(violations_of(without(prod, "platform-key-vault-lock"), "prod", "prod-stateful-locked"))
    assert found.urn == reg_named(prod, VAULT).urn
    assert found.message == (
        f"Key Vault '{_name(prod, VAULT, 'vaultName')}' has no CanNotDelete management lock "
        "(ManagementLockByScope whose scope is its id); add one in prod"
    )
    elsewhere = reg_named(prod, "platform-key-vault-lock").inputs["scope"] + "/secrets/other"
    regs = edited(prod, "platform-key-vault-lock", _set("scope", value=elsewhere))
    assert _only(violations_of(regs, "prod", "prod-stateful-locked")).urn == reg_named(prod, VAULT).urn


def test_prod_without_protect_config_breaks_both_prod_rules() -> None:
    plan = plan_unchecked("prod", **{"data-platform:protect": "false"})
    violations = evaluate(plan.resources, stack_values("prod", **{"data-platform:protect": "false"}))
    stateful = {reg_named(plan, name).urn for name in (LAKE, VAULT, "platform-sql-database")}
    assert {v.urn for v in of_rule(violations, "prod-stateful-protected")} == stateful
    assert {v.urn for v in of_rule(violations, "prod-stateful-locked")} == stateful


def test_prod_rules_do_not_apply_outside_prod(prod: Plan) -> None:
    regs = edited(prod, LAKE, lambda _: None, protect=False)
    values = stack_values("prod", **{"data-platform:environment": "test"})
    assert of_rule(evaluate(regs, values), "prod-stateful-protected") == []


# ------------------------------------------------------------------ everywhere


def test_required_tags_fire_on_missing_tags(dev: Plan) -> None:
    regs = edited(dev, LAKE, _drop("tags", "owner"))
    found = _only(violations_of(regs, "dev", "required-tags"))
    assert found.message == (
        f"'{_name(dev, LAKE, 'accountName')}' (azure-native:storage:StorageAccount) is missing required tag(s): owner"
    )
    regs = edited(dev, FACTORY, _drop("tags"))
    found = _only(violations_of(regs, "dev", "required-tags"))
    assert found.message.endswith("is missing required tag(s): environment, project, owner, cost-center, managed-by")


@pytest.mark.parametrize(
    ("name", "change", "expected"),
    [
        (
            LS_LAKE,
            _set("properties", "url", value=SAS_URL),
            "properties.url holds a SAS token signature (sig=) in plain text",
        ),
        (
            FACTORY,
            _set("globalParameters", "token", value={"type": "String", "value": JWT}),
            "globalParameters.token.value holds a JSON Web Token in plain text",
        ),
        (
            FACTORY,
            _set("globalParameters", "cert", value={"type": "String", "value": "-----BEGIN RSA PRIVATE KEY-----\nx"}),
            "globalParameters.cert.value holds a private key in plain text",
        ),
        (
            "platform-sql-server",
            _set("administratorLoginPassword", value="Tr0ub4dor&3"),
            "administratorLoginPassword is a credential in plain text; make it a Pulumi secret",
        ),
    ],
)
def test_plaintext_secret_fires(dev: Plan, name: str, change: Callable[[dict[str, Any]], None], expected: str) -> None:
    found = _only(of_rule(evaluate(edited(dev, name, change), stack_values("dev")), "no-plaintext-secrets"))
    assert found.urn == reg_named(dev, name).urn
    assert found.message.endswith(expected)


def test_key_vault_secret_value_must_be_a_pulumi_secret(dev: Plan) -> None:
    name = "platform-key-vault-sql-connection-string"
    regs = edited(dev, name, _set("properties", "value", value="Server=tcp:x;Authentication=Active Directory Default"))
    found = _only(violations_of(regs, "dev", "no-plaintext-secrets"))
    assert found.message == "Key Vault secret 'sql-connection-string': properties.value is not a Pulumi secret"


# ------------------------------------------------------------------ enforcement and check()


_LOWERED = {"storage-https-only": {"enforcement": "advisory", "reason": "Legacy client until PLAT-42 ships."}}


def test_config_lowered_rule_is_advisory_and_check_passes(prod: Plan, capsys: pytest.CaptureFixture[str]) -> None:
    regs = edited(prod, LAKE, _set("enableHttpsTrafficOnly", value=False))
    values = stack_values("prod", **{POLICY_KEY: _LOWERED})
    found = _only(evaluate(regs, values))
    assert (found.policy, found.enforcement) == ("storage-https-only", "advisory")
    assert found.reason == "Legacy client until PLAT-42 ships."
    check(regs, values)
    warning = capsys.readouterr().err
    assert "warning: policy [advisory] storage-https-only:" in warning
    assert "Legacy client until PLAT-42 ships." in warning


def test_overrides_from_a_parameter_and_from_a_config_model(prod: Plan) -> None:
    regs = edited(prod, LAKE, _set("enableHttpsTrafficOnly", value=False))
    values = stack_values("prod")
    assert _only(evaluate(regs, values, overrides=_LOWERED)).enforcement == "advisory"
    cfg = parse_config(values, set(values), "Pulumi.prod.yaml")

    @dataclasses.dataclass
    class WithPolicy:  # the config model once it has its `policy` field
        environment: str
        data_factory: Any
        policy: dict[str, Any]

    model = WithPolicy(cfg.environment, cfg.data_factory, _LOWERED)
    assert _only(evaluate(regs, model)).enforcement == "advisory"
    warnings: list[str] = []
    check(regs, model, warn=warnings.append)
    assert len(warnings) == 1


def test_check_raises_listing_each_mandatory_violation(prod: Plan) -> None:
    regs = edited(prod, LAKE, _set("enableHttpsTrafficOnly", value=False))
    regs = [dataclasses.replace(r, protect=False) if r.name == VAULT else r for r in regs]
    with pytest.raises(PolicyError) as info:
        check(regs, stack_values("prod"))
    text = str(info.value)
    assert text.startswith("2 mandatory policy violation(s) in the security baseline:")
    lake, vault = reg_named(prod, LAKE), reg_named(prod, VAULT)
    assert f"  - storage-https-only: {lake.urn} ({LAKE}): storage account '" in text
    assert f"  - prod-stateful-protected: {vault.urn} ({VAULT}): Key Vault '" in text
    assert [v.policy for v in info.value.violations] == ["storage-https-only", "prod-stateful-protected"]


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"no-such-rule": {"enforcement": "advisory", "reason": "x"}}, "unknown rule(s): no-such-rule"),
        ({"storage-https-only": {"enforcement": "advisory"}}, "lowering a rule to advisory needs a written reason"),
        ({"storage-https-only": {"enforcement": "disabled", "reason": "x"}}, "must be one of advisory, mandatory"),
    ],
)
def test_bad_overrides_are_refused(dev: Plan, overrides: dict[str, Any], problem: str) -> None:
    with pytest.raises(PolicyConfigError) as info:
        evaluate(dev.resources, stack_values("dev"), overrides=overrides)
    assert problem in str(info.value)


# ------------------------------------------------------------------ the pack itself


def test_importing_the_package_never_constructs_a_pack(monkeypatch: pytest.MonkeyPatch, dev: Plan) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("PolicyPack constructed")

    monkeypatch.setattr(pulumi_policy.PolicyPack, "__init__", refuse)
    for module in [m for m in sys.modules if m == "policy" or m.startswith("policy.")]:
        monkeypatch.delitem(sys.modules, module)
    for module in ("policy", "policy.values", "policy.settings", "policy.rules", "policy.offline"):
        importlib.import_module(module)
    offline = importlib.import_module("policy.offline")
    assert offline.evaluate(dev.resources, stack_values("dev")) == []


class _Recorder:
    packs: list[dict[str, Any]] = []  # noqa: RUF012 - a test double's class-level log

    def __init__(self, **kwargs: Any) -> None:
        _Recorder.packs.append(kwargs)


def _run_main(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    _Recorder.packs = []
    monkeypatch.setattr(pulumi_policy, "PolicyPack", _Recorder)
    runpy.run_path(str(PROJECT_DIR / "policy" / "__main__.py"), run_name="__main__")
    assert len(_Recorder.packs) == 1
    return _Recorder.packs[0]


def test_main_constructs_the_pack_with_every_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)
    pack = _run_main(monkeypatch)
    assert pack["name"] == PACK_NAME
    assert pack["enforcement_level"] == EnforcementLevel.MANDATORY
    assert [p.name for p in pack["policies"]] == list(RULE_NAMES)
    for policy, rule in zip(pack["policies"], RULES, strict=True):
        expected = ResourceValidationPolicy if rule.kind == "resource" else StackValidationPolicy
        assert isinstance(policy, expected)
        assert policy.enforcement_level == EnforcementLevel.MANDATORY
        assert policy.description == rule.description


def test_main_reads_the_stack_config_pulumi_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    values = stack_values("prod", **{POLICY_KEY: _LOWERED, "data-platform:dataFactory": {"publicNetworkAccess": False}})
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(values))
    pack = _run_main(monkeypatch)
    levels = {p.name: p.enforcement_level for p in pack["policies"]}
    assert levels["storage-https-only"] == EnforcementLevel.ADVISORY
    assert levels["keyvault-rbac-authorization"] == EnforcementLevel.MANDATORY
    settings = settings_from_config(values, secrets_masked=False)
    assert (settings.environment, settings.data_factory_public_network_access) == ("prod", False)


# ------------------------------------------------------------------ through pulumi_policy's own analyzer


_UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
_SIG_KEY = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def _wire(value: Any) -> Any:
    """Offline inputs as the engine sends them: unknowns as sentinels, secrets wrapped around a plain value."""
    if value == "[unknown]":
        return _UNKNOWN_STRING
    if value == "[secret]":
        return {_SIG_KEY: _SECRET_SIG, "value": "decrypted-secret-value"}
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v) for v in value]
    return value


def _struct(inputs: dict[str, Any]) -> struct_pb2.Struct:
    return json_format.ParseDict(_wire(inputs), struct_pb2.Struct())


def _servicer(stack: str) -> _PolicyAnalyzerServicer:
    settings = settings_from_config(stack_values(stack), secrets_masked=False)
    return _PolicyAnalyzerServicer(PACK_NAME, "0.0.1", build_policies(settings), EnforcementLevel.MANDATORY)


def _analyze(servicer: _PolicyAnalyzerServicer, reg: Registration) -> list[Any]:
    request = proto.AnalyzeRequest(
        urn=reg.urn,
        type=reg.type,
        name=reg.name,
        properties=_struct(reg.inputs),
        options=proto.AnalyzerResourceOptions(protect=reg.protect),
    )
    return list(servicer.Analyze(request, None).diagnostics)


def _analyze_stack(servicer: _PolicyAnalyzerServicer, regs: list[Registration]) -> list[Any]:
    resources = [
        proto.AnalyzerResource(
            urn=reg.urn,
            type=reg.type,
            name=reg.name,
            properties=_struct(reg.inputs),
            options=proto.AnalyzerResourceOptions(protect=reg.protect),
            parent=reg.parent or "",
            dependencies=reg.depends_on,
        )
        for reg in regs
    ]
    return list(servicer.AnalyzeStack(proto.AnalyzeStackRequest(resources=resources), None).diagnostics)


def test_real_analyzer_passes_prod_with_decrypted_secrets(prod: Plan) -> None:
    servicer = _servicer("prod")
    assert [d.message for reg in prod.resources for d in _analyze(servicer, reg)] == []
    assert [d.message for d in _analyze_stack(servicer, prod.resources)] == []


def test_real_analyzer_reports_violations_and_skips_unknowns(prod: Plan) -> None:
    servicer = _servicer("prod")
    lake = reg_named(prod, LAKE)
    broken = dataclasses.replace(lake, inputs={**lake.inputs, "enableHttpsTrafficOnly": False})
    diagnostics = _analyze(servicer, broken)
    assert [(d.policyName, d.enforcementLevel) for d in diagnostics] == [("storage-https-only", proto.MANDATORY)]
    assert "enableHttpsTrafficOnly is False; it must be true" in diagnostics[0].message

    unknown = dataclasses.replace(broken, inputs={**broken.inputs, "enableHttpsTrafficOnly": "[unknown]"})
    assert _analyze(servicer, unknown) == []

    regs = without(prod, "platform-lake-lock")
    diagnostics = _analyze_stack(servicer, regs)
    assert [(d.policyName, d.urn) for d in diagnostics] == [("prod-stateful-locked", reg_named(prod, LAKE).urn)]


def test_pack_process_serves_the_rules_as_pulumi_starts_it(prod: Plan) -> None:
    """`python -u -m pulumi.policy <engine> .` in policy/, as Pulumi's policy-python shim runs it."""
    values = stack_values("prod", **{POLICY_KEY: _LOWERED})
    env = {**os.environ, "PULUMI_CONFIG": json.dumps(values)}
    env.pop("PYTHONPATH", None)
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
        cwd=PROJECT_DIR / "policy",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, "the pack did not print its port within 60 s"
        port = process.stdout.readline().strip()
        assert port.isdigit(), (port, process.stderr.read() if process.poll() is not None and process.stderr else "")
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            stub = analyzer_pb2_grpc.AnalyzerStub(channel)
            info = stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=30)
            assert info.name == PACK_NAME
            levels = {p.name: p.enforcementLevel for p in info.policies}
            assert list(levels) == list(RULE_NAMES)
            assert levels["storage-https-only"] == proto.ADVISORY
            assert levels["storage-min-tls-1-2"] == proto.MANDATORY
            vault = reg_named(prod, VAULT)
            broken = dataclasses.replace(
                vault, inputs={**vault.inputs, "properties": {**vault.inputs["properties"], "enableSoftDelete": False}}
            )
            request = proto.AnalyzeRequest(
                urn=broken.urn, type=broken.type, name=broken.name, properties=_struct(broken.inputs)
            )
            diagnostics = stub.Analyze(request, timeout=30).diagnostics
            assert [(d.policyName, d.enforcementLevel) for d in diagnostics] == [
                ("keyvault-soft-delete", proto.MANDATORY)
            ]
    finally:
        process.terminate()
        process.wait(timeout=10)
