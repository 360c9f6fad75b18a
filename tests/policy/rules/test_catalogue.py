"""Every rule is listed with a reason, and stays quiet on the committed stacks."""

from __future__ import annotations

import pytest

from policy.offline import Violation, check
from policy.rules import RULE_NAMES, RULES
from preview.plan import Plan
from preview.view import PlanView
from tests.conftest import STACKS
from tests.policy.fixtures import of_rule
from tests.support.checkout import PROJECT_DIR


@pytest.mark.parametrize("stack", STACKS)
def test_every_committed_stack_passes_with_zero_violations(unchecked_plans: dict[str, Plan], stack: str) -> None:
    assert [str(v) for v in check(PlanView.of(unchecked_plans[stack]))] == []


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
    "network-private-data-planes": "azure-native:sql:Server",
    "network-no-wide-firewall-openings": "azure-native:storage:StorageAccount",
    "role-assignment-scope": "azure-native:authorization:RoleAssignment",
    "role-assignment-no-privileged-workloads": "azure-native:authorization:RoleAssignment",
    "prod-stateful-protected": "azure-native:sql:Database",
    "prod-stateful-locked": "azure-native:authorization:ManagementLockByScope",
    "required-tags": "azure-native:storage:StorageAccount",
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
def baseline(unchecked_plans: dict[str, Plan]) -> dict[str, list[Violation]]:
    """Every stack's violations, evaluated once for the per-rule tests."""
    return {stack: check(PlanView.of(plan)) for stack, plan in unchecked_plans.items()}


@pytest.mark.parametrize("rule", RULE_NAMES)
def test_rule_stays_quiet_on_the_compliant_stacks(
    unchecked_plans: dict[str, Plan], baseline: dict[str, list[Violation]], rule: str
) -> None:
    assert unchecked_plans["prod"].by_type(_EXAMINES[rule]), f"prod has nothing {rule} examines"
    for stack in STACKS:
        assert of_rule(baseline[stack], rule) == []
