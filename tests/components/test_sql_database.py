"""Azure SQL: created serverless with an Entra-only admin, or an existing database named in config."""

from __future__ import annotations

from collections.abc import Callable

from preview.plan import Plan
from tests.conftest import one

EXISTING = {
    "create": False,
    "serverName": "sql-shared-prod",
    "serverResourceGroup": "rg-shared-data",
    "databaseName": "konnekt",
}


def test_created_server_accepts_only_entra_id_over_tls12(dev: Plan) -> None:
    server = one(dev, "azure-native:sql:Server").inputs
    assert server["minimalTlsVersion"] == "1.2"
    admins = server["administrators"]
    assert admins["azureADOnlyAuthentication"] is True
    assert admins["administratorType"] == "ActiveDirectory"
    assert admins["login"] == "sg-data-platform-sql-admins"
    assert "administratorLoginPassword" not in server


def test_database_is_serverless_and_pauses_when_idle(dev: Plan) -> None:
    database = one(dev, "azure-native:sql:Database").inputs
    assert database["sku"] == {"name": "GP_S_Gen5_1", "tier": "GeneralPurpose"}
    assert database["autoPauseDelay"] == 60
    assert database["minCapacity"] == 0.5
    assert database["maxSizeBytes"] == 32 * 1024**3


def test_firewall_admits_azure_services_only(dev: Plan) -> None:
    (rule,) = dev.by_type("azure-native:sql:FirewallRule")
    assert rule.inputs["startIpAddress"] == rule.inputs["endIpAddress"] == "0.0.0.0"


def test_prod_database_is_protected_and_locked(prod: Plan) -> None:
    database = one(prod, "azure-native:sql:Database")
    assert database.protect
    lock = one(prod, "azure-native:authorization:ManagementLockByScope", "sql-lock").inputs
    assert lock["scope"].endswith("/databases/sqldb-konnektmack-prod")


def test_existing_database_creates_no_sql_resources_and_wires_the_names(plan_with: Callable[..., Plan]) -> None:
    plan = plan_with("dev", **{"data-platform:sql": EXISTING})
    assert not [reg for reg in plan.resources if reg.type.startswith("azure-native:sql:")]
    sql_service = one(plan, "azure-native:datafactory:LinkedService", "LS_AzureSql").inputs["properties"]
    assert sql_service["server"] == "sql-shared-prod.database.windows.net"
    assert sql_service["database"] == "konnekt"
