"""The shapes every stateful component shares: lock, role assignments and diagnostic settings, with their defaults."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from uuid import UUID

import pytest

from components.data_lake import DataLake, DataLakeArgs
from components.key_vault import KeyVault, KeyVaultArgs
from components.shared import DiagnosticSettings, Lock, PlatformContext, RoleAssignment, RoleAssignmentError
from components.sql_database import SqlDatabase, SqlDatabaseArgs
from preview.mocks import Registration
from stack.config import KeyVaultConfig, SqlConfig, StorageConfig
from stack.errors import InputError
from tests.support.components import ComponentEngine, context

LOCK = "azure-native:authorization:ManagementLockByScope"
ROLE = "azure-native:authorization:RoleAssignment"
SETTING = "azure-native:monitor:DiagnosticSetting"
READER = RoleAssignment(
    key="auditor-reader", role="Storage Blob Data Contributor", principal_id="auditor", principal_type="Group"
)


def _lake(placement: PlatformContext, roles: tuple[RoleAssignment, ...] = ()) -> None:
    DataLake("lake", DataLakeArgs(placement, "stunit", StorageConfig(), role_assignments=roles))


def _vault(placement: PlatformContext, roles: tuple[RoleAssignment, ...] = ()) -> None:
    KeyVault(
        "kv",
        KeyVaultArgs(
            context=placement,
            key_vault=KeyVaultConfig(),
            vault_name="kv-unit",
            tenant_id="tenant",
            deployer_object_id="deployer",
            deployer_principal_type="User",
            role_assignments=roles,
        ),
    )


def _sql(placement: PlatformContext, roles: tuple[RoleAssignment, ...] = ()) -> None:
    SqlDatabase(
        "sql",
        SqlDatabaseArgs(
            placement=placement,
            sql=SqlConfig(admin_login="sql-admins", admin_object_id=UUID(int=1)),
            new_server_name="sql-unit",
            default_database_name="sqldb-unit",
            tenant_id="tenant",
            subscription_id="00000000-0000-0000-0000-000000000001",
            role_assignments=roles,
        ),
    )


STATEFUL: dict[str, tuple[Callable[..., None], str, str]] = {
    # component -> (build, the resource type its lock and roles go on, what the lock's notes call it)
    "lake": (_lake, "/storageAccounts/stunit", "data lake"),
    "vault": (_vault, "/vaults/kv-unit", "Key Vault"),
    "sql": (_sql, "/databases/sqldb-unit", "SQL database"),
}


def _of(regs: list[Registration], type_token: str) -> list[Registration]:
    return [reg for reg in regs if reg.type == type_token]


def test_the_default_lock_forbids_deletion_under_one_name() -> None:
    assert Lock() == Lock(kind="CanNotDelete", name="do-not-delete")  # type: ignore[arg-type]


@pytest.mark.parametrize("component", STATEFUL)
def test_a_stateful_component_locks_its_resource_with_the_callers_lock(engine: ComponentEngine, component: str) -> None:
    build, scope, what = STATEFUL[component]
    (lock,) = _of(engine.run(lambda: build(context(protect=True))), LOCK)
    assert lock.inputs["level"] == "CanNotDelete"
    assert lock.inputs["lockName"] == "do-not-delete"
    assert lock.inputs["scope"].endswith(scope)
    assert lock.inputs["notes"].startswith(f"Protects the {what};")


@pytest.mark.parametrize("component", STATEFUL)
def test_a_stateful_component_takes_any_lock_the_caller_gives(engine: ComponentEngine, component: str) -> None:
    build, _, _ = STATEFUL[component]
    read_only = dataclasses.replace(context(), lock=Lock(kind="ReadOnly", name="frozen"))  # type: ignore[arg-type]
    (lock,) = _of(engine.run(lambda: build(read_only)), LOCK)
    assert (lock.inputs["level"], lock.inputs["lockName"]) == ("ReadOnly", "frozen")


@pytest.mark.parametrize("component", STATEFUL)
def test_without_a_lock_a_stateful_component_is_not_locked(engine: ComponentEngine, component: str) -> None:
    build, _, _ = STATEFUL[component]
    assert _of(engine.run(lambda: build(context(protect=False))), LOCK) == []


@pytest.mark.parametrize("component", STATEFUL)
def test_a_stateful_component_assigns_the_callers_roles_on_its_resource(
    engine: ComponentEngine, component: str
) -> None:
    build, scope, _ = STATEFUL[component]
    baseline = {reg.name for reg in _of(engine.run(lambda: build(context())), ROLE)}
    assignments = _of(engine.run(lambda: build(context(), (READER,))), ROLE)
    (added,) = [reg for reg in assignments if reg.name not in baseline]
    prefix = {"lake": "lake", "vault": "kv", "sql": "sql"}[component]
    assert added.name == f"{prefix}-auditor-reader"
    assert (added.inputs["principalId"], added.inputs["principalType"]) == ("auditor", "Group")
    assert added.inputs["roleDefinitionId"].endswith("/ba92f5b4-2d11-453d-a403-e96b0029c9fe")
    resource_scope = scope if component != "sql" else "/servers/sql-unit"
    assert added.inputs["scope"].endswith(resource_scope)


def test_the_vaults_own_assignment_for_the_deployer_stays_beside_the_callers(engine: ComponentEngine) -> None:
    names = {reg.name for reg in _of(engine.run(lambda: _vault(context(), (READER,))), ROLE)}
    assert names == {"kv-deployer-secrets-officer", "kv-auditor-reader"}


def test_an_unknown_role_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(RoleAssignmentError, match=r"role 'Storage Blob Reader' .*allowed: Owner, Contributor") as e:
        RoleAssignment(key="x", role="Storage Blob Reader", principal_id="p", principal_type="Group")
    assert isinstance(e.value, InputError)


def test_a_principal_type_arm_does_not_take_is_refused() -> None:
    with pytest.raises(RoleAssignmentError, match=r"principal_type 'App' .*allowed: User, Group, ServicePrincipal"):
        RoleAssignment(key="x", role="Owner", principal_id="p", principal_type="App")


def test_diagnostics_default_to_resource_specific_tables() -> None:
    assert DiagnosticSettings(workspace_id="w").log_analytics_destination_type == "Dedicated"


@pytest.mark.parametrize("component", ("lake", "vault"))
def test_a_component_sends_its_diagnostics_where_the_caller_says(engine: ComponentEngine, component: str) -> None:
    build, _, _ = STATEFUL[component]
    legacy = DiagnosticSettings(
        workspace_id="/workspaces/log-legacy", log_analytics_destination_type="AzureDiagnostics"
    )
    settings = _of(engine.run(lambda: build(dataclasses.replace(context(), diagnostic_settings=legacy))), SETTING)
    assert settings
    for setting in settings:
        assert setting.inputs["workspaceId"] == "/workspaces/log-legacy"
        assert setting.inputs["logAnalyticsDestinationType"] == "AzureDiagnostics"
