"""Function app rules: HTTPS and TLS only, no FTP, a managed identity, and secrets only as Key Vault references."""

from __future__ import annotations

from policy.rules.view import WEB_APP, WEB_APP_SLOT, Report, Resource, Rule, has_managed_identity, shown
from policy.settings import PolicySettings
from policy.values import KEY_VAULT_REFERENCE, SECRET, is_known, is_secret_setting_name, secret_kind
from preview.inputs import get


def _is_function_app(res: Resource) -> bool:
    kind = res.props.get("kind")
    return res.type in (WEB_APP, WEB_APP_SLOT) and isinstance(kind, str) and "functionapp" in kind.lower()


def functionapp_https_only(res: Resource, report: Report, settings: PolicySettings) -> None:
    if not _is_function_app(res):
        return
    value = res.props.get("httpsOnly")
    if is_known(value) and value is not True:
        report(f"function app '{res.label}': httpsOnly is {shown(value)}; it must be true")


def functionapp_ftps_disabled(res: Resource, report: Report, settings: PolicySettings) -> None:
    if not _is_function_app(res):
        return
    value = get(res.props, "siteConfig", "ftpsState")
    if value is None and get(res.props, "functionAppConfig") is not None:
        # Flex Consumption (the only plan with functionAppConfig) has no FTP and refuses ftpsState:
        # https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations
        return
    if is_known(value) and value != "Disabled":
        report(f"function app '{res.label}': siteConfig.ftpsState is {shown(value)}; it must be Disabled")


def functionapp_min_tls(res: Resource, report: Report, settings: PolicySettings) -> None:
    if not _is_function_app(res):
        return
    for key in ("minTlsVersion", "scmMinTlsVersion"):
        value = get(res.props, "siteConfig", key)
        if key == "scmMinTlsVersion" and value is None:
            continue
        if is_known(value) and value not in ("1.2", "1.3"):
            report(f"function app '{res.label}': siteConfig.{key} is {shown(value)}; it must be 1.2 or later")


def functionapp_managed_identity(res: Resource, report: Report, settings: PolicySettings) -> None:
    if _is_function_app(res) and has_managed_identity(res.props) is False:
        report(
            f"function app '{res.label}': identity.type is {shown(get(res.props, 'identity', 'type'))}; "
            "it needs a SystemAssigned or UserAssigned managed identity"
        )


def functionapp_no_inline_secrets(res: Resource, report: Report, settings: PolicySettings) -> None:
    if not _is_function_app(res):
        return
    settings_list = get(res.props, "siteConfig", "appSettings")
    for entry in settings_list if isinstance(settings_list, list) else []:
        name, value = get(entry, "name"), get(entry, "value")
        if not isinstance(name, str) or not isinstance(value, str) or not is_known(value) or value == "":
            continue
        if KEY_VAULT_REFERENCE.match(value) or name.upper() == "APPLICATIONINSIGHTS_CONNECTION_STRING":
            # Not a secret: https://learn.microsoft.com/azure/azure-monitor/app/connection-strings
            continue
        kind = secret_kind(value)
        if kind:
            report(
                f"function app '{res.label}': app setting {name} holds {kind} in plain text; "
                "use a Key Vault reference (@Microsoft.KeyVault(SecretUri=...))"
            )
        elif is_secret_setting_name(name):
            shown = "a Pulumi secret" if value == SECRET else "a plain value"
            report(
                f"function app '{res.label}': app setting {name} names a secret but holds {shown}, not a "
                "Key Vault reference (@Microsoft.KeyVault(SecretUri=...))"
            )
    strings = get(res.props, "siteConfig", "connectionStrings")
    for entry in strings if isinstance(strings, list) else []:
        name, value = get(entry, "name"), get(entry, "connectionString")
        if isinstance(value, str) and value and is_known(value) and not KEY_VAULT_REFERENCE.match(value):
            report(
                f"function app '{res.label}': connection string {name} is inlined; "
                "use a Key Vault reference (@Microsoft.KeyVault(SecretUri=...))"
            )


RULES: tuple[Rule, ...] = (
    Rule(
        "functionapp-https-only",
        "Function apps redirect HTTP to HTTPS (httpsOnly: true).",
        "Function keys and payloads must not cross the network in clear text.",
        "resource",
        functionapp_https_only,
    ),
    Rule(
        "functionapp-ftps-disabled",
        "Function apps have FTP/FTPS deployment disabled (siteConfig.ftpsState: Disabled; Flex sites have no FTP).",
        "FTP deployment uses basic-auth publishing credentials; deployments go through the pipeline only.",
        "resource",
        functionapp_ftps_disabled,
    ),
    Rule(
        "functionapp-min-tls-1-2",
        "Function apps (and their SCM site) require TLS 1.2 or later.",
        "TLS 1.0/1.1 are deprecated and have known weaknesses.",
        "resource",
        functionapp_min_tls,
    ),
    Rule(
        "functionapp-managed-identity",
        "Function apps have a managed identity.",
        "The app reaches storage and Key Vault with Entra ID tokens instead of keys or connection strings.",
        "resource",
        functionapp_managed_identity,
    ),
    Rule(
        "functionapp-no-inline-secrets",
        "Function app settings that hold secrets are Key Vault references, never values.",
        "App settings are readable by anyone with read access to the site's configuration and land in deployment "
        "logs; Key Vault references keep the secret in the vault, rotated and audited.",
        "resource",
        functionapp_no_inline_secrets,
    ),
)
