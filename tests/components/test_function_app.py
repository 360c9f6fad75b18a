"""The generator Function app: Flex Consumption, identity-based storage, Key Vault references, least privilege."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pulumi
import pytest

from components.function_app import FunctionApp, FunctionAppArgs, MissingPackageError
from preview.mocks import SECRET
from preview.plan import Plan
from stack.config import FunctionAppConfig
from stack.errors import InputError
from tests.conftest import one
from tests.support.checkout import PROJECT_DIR
from tests.support.components import ComponentEngine, context, registered

APP = "azure-native:web:WebApp"
ROLE = "azure-native:authorization:RoleAssignment"


def settings(plan: Plan) -> dict[str, str]:
    return {s["name"]: s["value"] for s in one(plan, APP).inputs["siteConfig"]["appSettings"]}


def test_app_is_linux_python_311_on_flex_consumption(dev: Plan) -> None:
    app = one(dev, APP).inputs
    plan = one(dev, "azure-native:web:AppServicePlan").inputs
    assert plan["sku"] == {"name": "FC1", "tier": "FlexConsumption"}
    assert plan["reserved"] is True
    assert app["kind"] == "functionapp,linux"
    assert app["functionAppConfig"]["runtime"] == {"name": "python", "version": "3.11"}
    assert app["functionAppConfig"]["scaleAndConcurrency"] == {"maximumInstanceCount": 10, "instanceMemoryMB": 2048}


def test_app_has_an_identity_https_only_no_ftps_and_tls12(dev: Plan) -> None:
    app = one(dev, APP).inputs
    assert app["identity"] == {"type": "SystemAssigned"}
    assert app["httpsOnly"] is True
    # Flex Consumption has no FTP and refuses siteConfig.ftpsState (ARM error 51021).
    assert "ftpsState" not in app["siteConfig"]
    assert app["siteConfig"]["minTlsVersion"] == "1.2"
    assert app["siteConfig"]["scmMinTlsVersion"] == "1.2"
    for policy in ("WebAppFtpAllowed", "WebAppScmAllowed"):
        assert one(dev, f"azure-native:web:{policy}").inputs["allow"] is False


def test_host_storage_is_identity_based_with_no_connection_string(dev: Plan) -> None:
    app_settings = settings(dev)
    host = one(dev, "azure-native:storage:StorageAccount", "host-storage").inputs
    assert app_settings["AzureWebJobsStorage__accountName"] == host["accountName"]
    assert "AzureWebJobsStorage" not in app_settings
    assert host["allowSharedKeyAccess"] is False
    assert not any("AccountKey=" in value for value in app_settings.values())
    deployment = one(dev, APP).inputs["functionAppConfig"]["deployment"]["storage"]
    assert deployment["authentication"] == {"type": "SystemAssignedIdentity"}
    assert deployment["value"] == f"https://{host['accountName']}.blob.core.windows.net/app-package"


def test_app_insights_connection_string_is_set_directly_and_ingestion_stays_entra_only(dev: Plan) -> None:
    # A Key Vault reference cannot resolve before the identity's role exists, and a failed one stays cached.
    assert settings(dev)["APPLICATIONINSIGHTS_CONNECTION_STRING"] == SECRET
    assert settings(dev)["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] == "Authorization=AAD"
    assert one(dev, APP).inputs["keyVaultReferenceIdentity"] == "SystemAssigned"


def test_app_settings_carry_the_generator_schedule_and_lake(dev: Plan) -> None:
    app_settings = settings(dev)
    lake = one(dev, "azure-native:storage:StorageAccount", "lake-account").inputs["accountName"]
    assert app_settings["LAKE_BLOB_ENDPOINT"] == f"https://{lake}.blob.core.windows.net/"
    assert app_settings["GENERATOR_SCHEDULE"] == "0 */15 * * * *"
    assert app_settings["GENERATOR_WINDOW_MINUTES"] == "15"


def test_each_grant_is_the_least_role_on_the_narrowest_scope(dev: Plan) -> None:
    app_principal = None
    grants = {}
    for reg in dev.by_type(ROLE):
        if reg.name.startswith("platform-generator-"):
            grants[reg.name.removeprefix("platform-generator-")] = reg.inputs
            app_principal = reg.inputs["principalId"]
    assert set(grants) == {
        "host-storage-blob-owner",
        "bronze-blob-contributor",
        "key-vault-secrets-user",
        "app-insights-publisher",
    }
    assert grants["bronze-blob-contributor"]["scope"].endswith("/blobServices/default/containers/bronze")
    assert grants["bronze-blob-contributor"]["roleDefinitionId"].endswith("ba92f5b4-2d11-453d-a403-e96b0029c9fe")
    assert grants["key-vault-secrets-user"]["roleDefinitionId"].endswith("4633458b-17de-408a-b874-0445c86b69e6")
    assert all(g["principalType"] == "ServicePrincipal" for g in grants.values())
    assert all(g["principalId"] == app_principal for g in grants.values())
    assert app_principal and app_principal != "[unknown]"


def test_function_key_is_stored_in_key_vault_as_a_secret(dev: Plan) -> None:
    secret = one(dev, "azure-native:keyvault:Secret", "generator-function-key").inputs
    assert secret["properties"]["value"] == SECRET


def test_function_logs_go_to_the_workspace(dev: Plan) -> None:
    setting = one(dev, "azure-native:monitor:DiagnosticSetting", "generator-diagnostics").inputs
    assert [log["category"] for log in setting["logs"]] == ["FunctionAppLogs"]


def test_code_is_published_after_the_app_may_write_its_package(plan_with: Callable[..., Plan], tmp_path: Path) -> None:
    package = tmp_path / "function.zip"
    package.write_bytes(b"PK\x05\x06" + bytes(18))
    relative = os.path.relpath(package, PROJECT_DIR)
    plan = plan_with("dev", **{"data-platform:functionApp": {"maximumInstanceCount": 10, "packagePath": relative}})
    deploy = one(plan, "pulumi-python:dynamic:Resource", "generator-package")
    app = one(plan, APP)
    blob_owner = one(plan, ROLE, "host-storage-blob-owner")
    assert deploy.inputs["package_path"] == str(package.resolve()), "resolved where the program runs"
    assert deploy.inputs["scm_url"] == f"https://{app.inputs['name']}.scm.azurewebsites.net"
    assert {app.urn, blob_owner.urn} <= set(deploy.depends_on)


def _alone(package_path: str) -> FunctionApp:
    return FunctionApp(
        "fn",
        FunctionAppArgs(
            context=context(),
            function_app=FunctionAppConfig(package_path=package_path),
            app_name="func-unit",
            plan_name="asp-unit",
            host_storage_account_name="stfnunit",
            lake_blob_endpoint="https://stunit.blob.core.windows.net/",
            bronze_container_id="/containers/bronze",
            vault_id="/vaults/kv-unit",
            vault_name="kv-unit",
            vault_uri="https://kv-unit.vault.azure.net/",
            vault_write_gate=pulumi.ComponentResource("test:index:Gate", "gate"),
            app_insights_id="/components/appi-unit",
            app_insights_connection_string="InstrumentationKey=00000000-0000-0000-0000-000000000000",
        ),
    )


def test_an_update_without_the_built_package_is_refused_naming_the_key(engine: ComponentEngine, tmp_path: Path) -> None:
    missing = str(tmp_path / "function.zip")
    with pytest.raises(MissingPackageError, match=r"functionApp\.packagePath: .*function\.zip does not exist") as e:
        engine.run(lambda: _alone(missing))
    assert isinstance(e.value, InputError)
    assert "make package" in str(e.value)


def test_a_preview_without_the_package_plans_the_app_but_no_publish(engine: ComponentEngine, tmp_path: Path) -> None:
    regs = engine.run(lambda: _alone(str(tmp_path / "function.zip")), preview=True)
    assert registered(regs, APP, "fn-app")
    assert not [r for r in regs if r.name == "fn-package"]
