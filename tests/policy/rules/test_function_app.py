"""The function app rules fire on violating copies of the real generator app."""

from __future__ import annotations

from typing import Any

import pytest

from preview.plan import Plan
from tests.policy.fixtures import APP, drop_input, edited, input_of, only, reg_named, set_input, violations_of


def test_functionapp_https_only_fires(dev: Plan) -> None:
    regs = edited(dev, APP, set_input("httpsOnly", value=False))
    found = only(violations_of(regs, "dev", "functionapp-https-only"))
    assert found.message == f"function app '{input_of(dev, APP, 'name')}': httpsOnly is False; it must be true"


def test_functionapp_ftps_fires(dev: Plan) -> None:
    regs = edited(dev, APP, set_input("siteConfig", "ftpsState", value="FtpsOnly"))
    found = only(violations_of(regs, "dev", "functionapp-ftps-disabled"))
    assert found.message.endswith("siteConfig.ftpsState is 'FtpsOnly'; it must be Disabled")


def test_functionapp_ftps_is_quiet_on_a_flex_site_without_ftps_state(dev: Plan) -> None:
    assert "ftpsState" not in reg_named(dev, APP).inputs["siteConfig"]
    assert violations_of(dev.resources, "dev", "functionapp-ftps-disabled") == []


def test_functionapp_ftps_fires_when_a_site_without_function_app_config_omits_it(dev: Plan) -> None:
    regs = edited(dev, APP, lambda inputs: inputs.pop("functionAppConfig"))
    found = only(violations_of(regs, "dev", "functionapp-ftps-disabled"))
    assert found.message.endswith("siteConfig.ftpsState is not set; it must be Disabled")


def test_functionapp_min_tls_fires(dev: Plan) -> None:
    regs = edited(dev, APP, set_input("siteConfig", "minTlsVersion", value="1.0"))
    found = only(violations_of(regs, "dev", "functionapp-min-tls-1-2"))
    assert found.message.endswith("siteConfig.minTlsVersion is '1.0'; it must be 1.2 or later")


def test_functionapp_identity_fires(dev: Plan) -> None:
    regs = edited(dev, APP, drop_input("identity"))
    found = only(violations_of(regs, "dev", "functionapp-managed-identity"))
    assert found.message == (
        f"function app '{input_of(dev, APP, 'name')}': identity.type is not set; "
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

    found = only(violations_of(edited(dev, APP, add_setting), "dev", "functionapp-no-inline-secrets"))
    assert found.message.startswith(f"function app '{input_of(dev, APP, 'name')}': {expected}")


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
