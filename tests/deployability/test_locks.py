"""Locked children: the plan names what a CanNotDelete lock keeps from being deleted, as a warning."""

from __future__ import annotations

import dataclasses

from deployability import locked_children
from ops.plan import checks_named, run_checks
from preview.plan import Plan
from preview.resource_types import ResourceType
from preview.view import UNKNOWN, PlanView
from tests.support.registrations import PROVIDERS, RESOURCE_GROUP, reg


def children(plan: Plan) -> dict[str, set[str]]:
    return {found.lock.name: {c.name for c in found.children} for found in locked_children(PlanView.of(plan))}


def test_prod_locks_name_their_children_and_extensions(prod: Plan) -> None:
    found = children(prod)
    assert {
        "platform-lake-archive-lifecycle",
        "platform-lake-diagnostics",
        "platform-lake-blob-diagnostics",
        "platform-adf-lake-blob-contributor",
        "platform-adf-content-trigger-TR_Events_BronzeCreated",
    } <= found["platform-lake-lock"]
    assert {
        "platform-key-vault-diagnostics",
        "platform-generator-generator-function-key",
        "platform-key-vault-deployer-secrets-officer",
    } <= found["platform-key-vault-lock"]
    assert "platform-lake-account" not in found["platform-lake-lock"]


def test_stacks_without_locks_have_no_locked_children(dev: Plan) -> None:
    assert children(dev) == {}


def test_locked_children_are_a_warning_not_a_failure(prod: Plan) -> None:
    lines: list[str] = []
    run_checks(PlanView.of(prod), checks_named(["deployability"]), warn=lines.append)
    assert len(lines) == 2
    assert all(line.startswith("warning: deployability: lock 'platform-") for line in lines)
    assert "removing one from the program fails with ScopeLocked until the lock is removed first" in lines[0]


def test_the_warning_names_each_child_by_its_type_and_a_trigger_by_its_event_grid_subscription(prod: Plan) -> None:
    (lake,) = [found for found in locked_children(PlanView.of(prod)) if found.lock.name == "platform-lake-lock"]
    text = str(lake)
    assert "platform-lake-diagnostics (monitor:DiagnosticSetting)" in text
    assert (
        "platform-adf-content-trigger-TR_Events_BronzeCreated (datafactory:Trigger: its Event Grid subscription)"
        in text
    )


def test_an_extension_whose_own_id_is_unknown_is_found_by_the_id_it_names() -> None:
    """A diagnostic setting names its resource in `resourceUri`, a role assignment in `scope`; with its own name
    unknown to the plan (no id of its own), that reference alone puts it under the lock."""
    account_id = f"{PROVIDERS}/Microsoft.Storage/storageAccounts/stlake"
    account = reg(ResourceType.STORAGE_ACCOUNT, "account", accountName="stlake", resourceGroupName=RESOURCE_GROUP)
    lock = reg(ResourceType.LOCK, "lock", lockName="l", level="CanNotDelete", scope=account_id)
    setting = reg(ResourceType.DIAGNOSTIC_SETTING, "setting", name=UNKNOWN, resourceUri=account_id)
    grant = reg(ResourceType.ROLE_ASSIGNMENT, "grant", roleAssignmentName=UNKNOWN, scope=account_id.upper())
    view = PlanView.of_registrations([account, lock, setting, grant])
    assert [view.arm_id(setting), view.arm_id(grant)] == [None, None]
    (found,) = locked_children(view)
    assert [child.name for child in found.children] == ["grant", "setting"]
    for level in ("ReadOnly", "CanNotDelete"):
        locking = dataclasses.replace(lock, inputs={**lock.inputs, "level": level})
        assert [found.lock.name for found in locked_children(PlanView.of_registrations([locking, setting]))] == ["lock"]
    unlocking = dataclasses.replace(lock, inputs={**lock.inputs, "level": "NotSpecified"})
    assert locked_children(PlanView.of_registrations([unlocking, setting])) == []
