"""Replace or in place, as azure-native decides: path parameters read from the SDK, force-new body properties
from the dated table, a change below a force-new property replacing too."""

from __future__ import annotations

import pytest

from preview.mocks import own_name_input
from preview.plan import Plan
from stack.facts import registered
from transitions.replacement import FORCE_NEW, FORCE_NEW_TABLE, forces_replacement, path_parameters


@pytest.mark.parametrize(
    ("type_token", "expected"),
    [
        # Each set is the resource's ARM path as Azure documents it, written out by hand.
        ("azure-native:storage:StorageAccount", {"resourceGroupName", "accountName"}),
        ("azure-native:storage:BlobContainer", {"resourceGroupName", "accountName", "containerName"}),
        ("azure-native:network:Subnet", {"resourceGroupName", "virtualNetworkName", "subnetName"}),
        ("azure-native:datafactory:IntegrationRuntime", {"resourceGroupName", "factoryName", "integrationRuntimeName"}),
        ("azure-native:monitor:DiagnosticSetting", {"resourceUri", "name"}),
        ("azure-native:authorization:RoleAssignment", {"scope", "roleAssignmentName"}),
        ("azure-native:applicationinsights:Component", {"resourceGroupName", "resourceName"}),
        ("azure-native:resources:ResourceGroup", {"resourceGroupName"}),
    ],
)
def test_path_parameters_are_read_from_the_sdk(type_token: str, expected: set[str]) -> None:
    assert path_parameters(type_token) == expected


def test_a_resource_own_name_is_a_path_parameter_for_every_type_the_program_registers(prod: Plan) -> None:
    # Singletons below a parent (a site's FTP policy) have no name of their own; every other type has one.
    types = {
        reg.type for reg in prod.all_resources if reg.type.startswith("azure-native:") and own_name_input(reg.type)
    }
    assert len(types) > 30
    missing = {t: own_name_input(t) for t in types if own_name_input(t) not in path_parameters(t)}
    assert missing == {}


@pytest.mark.parametrize(
    ("type_token", "path", "replaces"),
    [
        ("azure-native:storage:StorageAccount", "accountName", True),
        ("azure-native:storage:StorageAccount", "isHnsEnabled", True),
        ("azure-native:storage:StorageAccount", "location", True),
        ("azure-native:storage:StorageAccount", "sku.name", False),
        ("azure-native:storage:StorageAccount", "tags.owner", False),
        ("azure-native:storage:BlobContainer", "accountName", True),
        ("azure-native:network:PrivateEndpoint", "subnet.id", True),
        ("azure-native:network:PrivateEndpoint", "privateLinkServiceConnections", False),
        ("azure-native:network:Subnet", "addressPrefix", False),
        ("azure-native:keyvault:Vault", "properties.enablePurgeProtection", False),
        ("azure-native:datafactory:IntegrationRuntime", "properties.managedVirtualNetwork", False),
        ("azure-native:privatedns:PrivateZone", "privateZoneName", True),
        ("azure-native:web:WebApp", "kind", True),
        ("pulumi-python:dynamic:Resource", "package_sha256", True),
        ("random:index/randomString:RandomString", "length", True),
    ],
)
def test_a_change_replaces_exactly_where_the_provider_does(type_token: str, path: str, replaces: bool) -> None:
    assert forces_replacement(type_token, path) is replaces


def test_a_path_below_a_name_is_not_mistaken_for_the_name() -> None:
    assert not forces_replacement("azure-native:storage:StorageAccount", "accountNameSuffix")


def test_the_force_new_table_is_dated_and_warns_when_stale() -> None:
    assert FORCE_NEW_TABLE in registered()
    assert FORCE_NEW_TABLE.max_age_days <= 366
    assert "replacement.go" in FORCE_NEW_TABLE.source
    assert all(token.startswith("azure-native:") and props for token, props in FORCE_NEW.items())
