"""Key Vault: RBAC only, retention and purge protection per stack, and secrets that never race their role."""

from __future__ import annotations

from collections.abc import Callable

from ops.plan import all_checks_but, run_plan
from preview.mocks import MOCK_DEPLOYER_OBJECT_ID, MOCK_SUBSCRIPTION_ID, SECRET
from preview.plan import Plan
from tests.conftest import one
from tests.support.checkout import PROJECT_DIR

VAULT = "azure-native:keyvault:Vault"
SECRET_TYPE = "azure-native:keyvault:Secret"


def test_vault_uses_rbac_and_no_access_policies(dev: Plan) -> None:
    properties = one(dev, VAULT).inputs["properties"]
    assert properties["enableRbacAuthorization"] is True
    assert "accessPolicies" not in properties
    assert properties["enableSoftDelete"] is True


def test_purge_protection_only_where_config_asks(plans: dict[str, Plan]) -> None:
    assert "enablePurgeProtection" not in one(plans["dev"], VAULT).inputs["properties"]
    assert one(plans["prod"], VAULT).inputs["properties"]["enablePurgeProtection"] is True
    assert one(plans["prod"], VAULT).inputs["properties"]["softDeleteRetentionInDays"] == 90
    assert one(plans["dev"], VAULT).inputs["properties"]["softDeleteRetentionInDays"] == 7


def test_network_acls_follow_the_stack(plans: dict[str, Plan]) -> None:
    test = one(plans["test"], VAULT).inputs["properties"]
    assert test["publicNetworkAccess"] == "Disabled"
    assert test["networkAcls"] == {"defaultAction": "Deny", "bypass": "AzureServices", "ipRules": []}
    dev = one(plans["dev"], VAULT).inputs["properties"]
    assert (dev["publicNetworkAccess"], dev["networkAcls"]["defaultAction"]) == ("Enabled", "Allow")


def test_allowed_ip_ranges_become_vault_ip_rules() -> None:
    vault = {"networkDefaultAction": "Deny", "allowedIpRanges": ["203.0.113.0/24"]}
    acls = one(unreachable_dev(**{"data-platform:keyVault": vault}), VAULT).inputs["properties"]["networkAcls"]
    assert acls["ipRules"] == [{"value": "203.0.113.0/24"}]


def test_deployer_gets_secrets_officer_on_the_vault(dev: Plan) -> None:
    officer = one(dev, "azure-native:authorization:RoleAssignment", "deployer-secrets-officer").inputs
    assert officer["principalId"] == MOCK_DEPLOYER_OBJECT_ID
    assert officer["roleDefinitionId"].endswith("b86a8fe4-44ce-4948-aee5-eccb2c155cd7")
    vault_name = one(dev, VAULT).inputs["vaultName"]
    assert vault_name.startswith("kv-konnektmack-dev-")
    assert officer["scope"] == (
        f"/subscriptions/{MOCK_SUBSCRIPTION_ID}/resourceGroups/rg-konnektmack-dev-weu"
        f"/providers/Microsoft.KeyVault/vaults/{vault_name}"
    )


def test_every_secret_waits_for_the_role_to_be_effective(dev: Plan) -> None:
    gate = one(dev, "pulumi-python:dynamic:Resource", "secrets-officer-effective")
    officer = one(dev, "azure-native:authorization:RoleAssignment", "deployer-secrets-officer")
    assert officer.urn in gate.depends_on
    assert gate.inputs["probe_url"].startswith("https://kv-konnektmack-dev-")
    assert gate.inputs["probe_url"].endswith(".vault.azure.net/secrets?api-version=7.4&maxresults=1")
    secrets = dev.by_type(SECRET_TYPE)
    assert sorted(secret.inputs["secretName"] for secret in secrets) == ["generator-function-key"]
    for secret in secrets:
        assert gate.urn in secret.depends_on, f"{secret.name} does not wait for the access gate"


def test_secret_values_are_pulumi_secrets(dev: Plan) -> None:
    names = {reg.inputs["secretName"]: reg.inputs for reg in dev.by_type(SECRET_TYPE)}
    assert set(names) == {"generator-function-key"}
    for inputs in names.values():
        assert inputs["properties"]["value"] == SECRET


def test_config_secrets_are_written_and_stay_secret(plan_with: Callable[..., Plan]) -> None:
    from preview import plan as plan_module

    original = plan_module.read_stack_file

    def with_secret(project_dir, stack):
        stack_file = original(project_dir, stack)
        stack_file.values["data-platform:secrets"] = '{"partner-api-token": "hunter2-value"}'
        stack_file.secret_keys.append("data-platform:secrets")
        return stack_file

    plan_module.read_stack_file = with_secret
    try:
        plan = plan_with("dev")
    finally:
        plan_module.read_stack_file = original
    secret = one(plan, SECRET_TYPE, "partner-api-token").inputs
    assert secret["properties"]["value"] == SECRET
    assert "hunter2-value" not in str(plan.document())


def test_prod_vault_is_protected_and_locked(prod: Plan) -> None:
    vault = one(prod, VAULT)
    assert vault.protect
    lock = one(prod, "azure-native:authorization:ManagementLockByScope", "key-vault-lock").inputs
    assert lock["level"] == "CanNotDelete"
    assert lock["scope"].endswith(vault.inputs["vaultName"])


def test_audit_logs_go_to_the_workspace(dev: Plan) -> None:
    setting = one(dev, "azure-native:monitor:DiagnosticSetting", "key-vault-diagnostics").inputs
    assert {log["category"] for log in setting["logs"]} == {"AuditEvent", "AzurePolicyEvaluationDetails"}


def unreachable_dev(**overrides: object) -> Plan:
    """Dev with overrides that cut the Function app off (a denying firewall without private endpoints)."""
    return run_plan("dev", PROJECT_DIR, config_overrides=overrides, checks=all_checks_but("reachability", "rehearsal"))
