"""Function apps on the Flex Consumption plan: site settings, scale, runtime, plan, slots and VNet integration."""

from __future__ import annotations

import re
from collections.abc import Iterator

from deployability.rule import (
    Finding,
    Rule,
    delegations,
    flex_plans,
    flex_sites,
    location_of,
    same_id,
    subnet_and_network,
    subnet_name,
    subnet_prefix,
)
from preview.view import PlanView, Registration, ResourceType, get, known_str
from stack.azure_limits import (
    FLEX_PLAN_PAGE,
    FLEX_REGIONS,
    FLEX_REGIONS_TABLE,
    FLEX_RUNTIMES,
    FLEX_RUNTIMES_SOURCES,
    FLEX_SCALE,
    flex_instance_problems,
    flex_region_problem,
)
from stack.evidence import Source

APP_SETTINGS_PAGE = (
    "https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations"
)
NETWORKING_PAGE = "https://learn.microsoft.com/azure/azure-functions/functions-networking-options"

# ARM answers 400 ExtendedCode 51021 "The following site configuration property (Site.SiteConfig.<Name>) for
# Flex Consumption sites is invalid" (Azure/terraform-azurerm-avm-res-web-site#283, fixed in #345).
FLEX_REFUSED_SITE_CONFIG = {
    "ftpsState": "Flex Consumption has no FTP",
    "use32BitWorkerProcess": "32-bit is not supported",
    "alwaysOn": "not valid on Flex Consumption",
    "linuxFxVersion": "set functionAppConfig.runtime instead",
    "windowsFxVersion": "set functionAppConfig.runtime instead",
    "javaVersion": "set functionAppConfig.runtime.version instead",
    "powerShellVersion": "set functionAppConfig.runtime.version instead",
    "netFrameworkVersion": "set functionAppConfig.runtime.version instead",
    "functionAppScaleLimit": "set functionAppConfig.scaleAndConcurrency.maximumInstanceCount instead",
    "preWarmedInstanceCount": "set functionAppConfig.scaleAndConcurrency.alwaysReady instead",
}
FLEX_REFUSED_SITE = {"containerSize": "set functionAppConfig.scaleAndConcurrency.instanceMemoryMB instead"}

FLEX_UNSUPPORTED_APP_SETTINGS = {
    "FUNCTIONS_EXTENSION_VERSION": "set by the platform",
    "FUNCTIONS_WORKER_RUNTIME": "set functionAppConfig.runtime.name instead",
    "FUNCTIONS_WORKER_RUNTIME_VERSION": "set functionAppConfig.runtime.version instead",
    "FUNCTIONS_MAX_HTTP_CONCURRENCY": "set functionAppConfig.scaleAndConcurrency.triggers.http instead",
    "FUNCTIONS_WORKER_PROCESS_COUNT": "not supported on Flex Consumption",
    "FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED": "not supported on Flex Consumption",
    "WEBSITE_NODE_DEFAULT_VERSION": "set functionAppConfig.runtime instead",
    "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING": "set functionAppConfig.deployment instead",
    "WEBSITE_CONTENTSHARE": "set functionAppConfig.deployment instead",
    "WEBSITE_RUN_FROM_PACKAGE": "Flex apps always run from the deployment package",
    "WEBSITE_TIME_ZONE": "time zones are not supported on Flex Consumption",
    "TZ": "time zones are not supported on Flex Consumption",
    "WEBSITE_LOAD_CERTIFICATES": "certificate loading is not supported on Flex Consumption",
}


def _site_config(view: PlanView) -> Iterator[Finding]:
    for reg in flex_sites(view):
        site_config = reg.inputs.get("siteConfig") or {}
        for key, why in FLEX_REFUSED_SITE_CONFIG.items():
            if key in site_config:
                yield reg, f"siteConfig.{key} is set ({why})"
        for key, why in FLEX_REFUSED_SITE.items():
            if key in reg.inputs:
                yield reg, f"{key} is set ({why})"


def _app_settings(view: PlanView) -> Iterator[Finding]:
    for reg in flex_sites(view):
        for name in view.app_settings(reg):
            why = FLEX_UNSUPPORTED_APP_SETTINGS.get(name.upper())
            if why:
                yield reg, f"app setting {name} ({why})"


def _function_app_config(view: PlanView) -> Iterator[Finding]:
    for reg in flex_sites(view):
        if not isinstance(reg.inputs.get("functionAppConfig"), dict):
            yield reg, "functionAppConfig is missing"


def _region(view: PlanView) -> Iterator[Finding]:
    for reg in (*flex_plans(view), *flex_sites(view)):
        where = location_of(reg)
        problem = flex_region_problem(where) if where else None
        if problem:
            yield reg, problem


def _scale(view: PlanView) -> Iterator[Finding]:
    for reg in flex_sites(view):
        scale = get(reg.inputs, "functionAppConfig", "scaleAndConcurrency") or {}
        where = location_of(reg)
        if not isinstance(scale, dict) or where is None:
            continue
        for problem in flex_instance_problems(where, scale.get("maximumInstanceCount"), scale.get("instanceMemoryMB")):
            yield reg, problem


def _runtime(view: PlanView) -> Iterator[Finding]:
    for reg in flex_sites(view):
        runtime = get(reg.inputs, "functionAppConfig", "runtime")
        name = known_str(get(runtime, "name"))
        version = get(runtime, "version")
        if name is None:
            continue
        versions = FLEX_RUNTIMES.get(name.lower())
        if versions is None:
            yield reg, f"runtime {name!r} is not a Flex Consumption stack; stacks: {', '.join(sorted(FLEX_RUNTIMES))}"
        elif known_str(version) and str(version) not in versions:
            yield reg, f"{name} {version} is not supported; Flex Consumption runs {', '.join(sorted(versions))}"


def _one_app_per_plan(view: PlanView) -> Iterator[Finding]:
    first: dict[str, Registration] = {}
    for reg in flex_sites(view):
        farm = str(reg.inputs.get("serverFarmId")).rstrip("/").lower()
        if farm in first:
            yield reg, f"shares its Flex Consumption plan with '{first[farm].name}'"
        else:
            first[farm] = reg


def _no_slots(view: PlanView) -> Iterator[Finding]:
    sites = {reg.urn for reg in flex_sites(view)}
    for reg in view.of_type(ResourceType.WEB_APP_SLOT):
        for site in view.named(ResourceType.WEB_APP, reg.inputs.get("name")):
            if site.urn in sites:
                yield reg, f"is a deployment slot of the Flex Consumption app '{site.name}'"


FLEX_DELEGATION = "Microsoft.App/environments"
FLEX_SUBNET_MAX_PREFIX = 28


def _integrated(view: PlanView) -> Iterator[tuple[Registration, str, Registration | None, Registration | None]]:
    """Each Flex site with VNet integration: the site, the subnet id, the planned subnet and its network."""
    for reg in flex_sites(view):
        subnet_id = known_str(reg.inputs.get("virtualNetworkSubnetId"))
        if subnet_id:
            subnet, network = subnet_and_network(view, subnet_id)
            yield reg, subnet_id, subnet, network


def _subnet_delegation(view: PlanView) -> Iterator[Finding]:
    for reg, _subnet_id, subnet, _network in _integrated(view):
        if subnet is None:
            continue
        services = delegations(subnet)
        if FLEX_DELEGATION not in services:
            shown = ", ".join(sorted(services)) or "none"
            yield reg, f"integration subnet '{subnet.name}' is delegated to {shown}, not {FLEX_DELEGATION}"


def _subnet_name(view: PlanView) -> Iterator[Finding]:
    for reg, subnet_id, _subnet, _network in _integrated(view):
        name = subnet_name(subnet_id)
        if name and "_" in name:
            yield reg, f"integration subnet name {name!r} contains '_'"


def _subnet_shared(view: PlanView) -> Iterator[Finding]:
    for reg, subnet_id, subnet, _network in _integrated(view):
        others = sorted(delegations(subnet) - {FLEX_DELEGATION})
        if others:
            yield reg, f"integration subnet is also delegated to {', '.join(others)}"
        for endpoint in view.of_type(ResourceType.PRIVATE_ENDPOINT):
            if same_id(get(endpoint.inputs, "subnet", "id"), subnet_id):
                yield reg, f"integration subnet also holds the private endpoint '{endpoint.name}'"
        for pool in view.of_type(ResourceType.AGENT_POOL):
            if same_id(get(pool.inputs, "fabricProfile", "networkProfile", "subnetId"), subnet_id):
                yield reg, f"integration subnet also holds the Managed DevOps Pool '{pool.name}'"


def _subnet_size(view: PlanView) -> Iterator[Finding]:
    for reg, _subnet_id, subnet, _network in _integrated(view):
        prefix = subnet_prefix(subnet)
        if prefix is not None and prefix.prefixlen > FLEX_SUBNET_MAX_PREFIX:
            yield reg, f"integration subnet {prefix} is smaller than a /{FLEX_SUBNET_MAX_PREFIX}"


def _vnet_region(view: PlanView) -> Iterator[Finding]:
    for reg, _subnet_id, _subnet, network in _integrated(view):
        site, vnet = location_of(reg), location_of(network)
        if site and vnet and site != vnet:
            yield reg, f"app is in {site}, its integration VNet '{network.name if network else ''}' in {vnet}"


_KEY_VAULT_REFERENCE = re.compile(r"^\s*@Microsoft\.KeyVault\(", re.IGNORECASE)


def _app_insights_direct(view: PlanView) -> Iterator[Finding]:
    for reg in view.of_type(ResourceType.WEB_APP):
        value = view.app_settings(reg).get("APPLICATIONINSIGHTS_CONNECTION_STRING")
        if isinstance(value, str) and _KEY_VAULT_REFERENCE.match(value):
            yield reg, "APPLICATIONINSIGHTS_CONNECTION_STRING is a Key Vault reference"


_FLEX_CONSIDERATIONS = f"{FLEX_PLAN_PAGE}#considerations"
_FLEX_VNET = Source(
    NETWORKING_PAGE,
    "Flex Consumption VNet integration: the subnet is delegated to Microsoft.App/environments and used for nothing "
    "else (no private endpoints, no other delegation; Flex apps may share it); subnet names with '_' are not "
    "supported; the app and the VNet are in the same region",
)

RULES: tuple[Rule, ...] = (
    Rule(
        name="flex-site-config-refused",
        types=(ResourceType.WEB_APP,),
        reason="Flex Consumption refuses these site settings (400, ExtendedCode 51021, enforced region by region).",
        fix="Remove them; Flex takes runtime, scale and memory from functionAppConfig and has no FTP.",
        sources=(
            Source(
                APP_SETTINGS_PAGE,
                "site properties deprecated on Flex: runtime, scale and memory moved to functionAppConfig",
            ),
            Source(
                "https://github.com/Azure/terraform-azurerm-avm-res-web-site/issues/283",
                "ARM 400 ExtendedCode 51021: 'The following site configuration property (Site.SiteConfig.FtpsState) "
                "for Flex Consumption sites is invalid'",
            ),
        ),
        check=_site_config,
    ),
    Rule(
        name="flex-app-settings-unsupported",
        types=(ResourceType.WEB_APP,),
        reason="Flex Consumption does not support these app settings: they are ignored or overwritten, so the app does "
        "not run as configured.",
        fix="Remove them; use functionAppConfig (runtime, scaleAndConcurrency, deployment) instead.",
        sources=(
            Source(
                APP_SETTINGS_PAGE,
                "FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION, WEBSITE_CONTENTSHARE, "
                "WEBSITE_RUN_FROM_PACKAGE and others are deprecated on Flex Consumption",
            ),
            Source(
                "https://learn.microsoft.com/azure/azure-functions/run-functions-from-deployment-package",
                "don't add WEBSITE_RUN_FROM_PACKAGE to apps on the Flex Consumption plan",
            ),
            Source(
                _FLEX_CONSIDERATIONS,
                "WEBSITE_TIME_ZONE and TZ aren't supported; WEBSITE_LOAD_CERTIFICATES and "
                "certificate features aren't supported",
            ),
        ),
        check=_app_settings,
    ),
    Rule(
        name="flex-function-app-config-required",
        types=(ResourceType.WEB_APP,),
        reason="A Flex Consumption site without functionAppConfig is refused (FunctionAppConfig section required).",
        fix="Set functionAppConfig with deployment storage, runtime and scaleAndConcurrency.",
        sources=(
            Source(
                "https://github.com/Azure/bicep-registry-modules/issues/3389",
                "'The FunctionAppConfig section was not specified in the request, which is required for Flex "
                "Consumption sites'",
            ),
        ),
        check=_function_app_config,
    ),
    Rule(
        name="flex-region",
        types=(ResourceType.APP_SERVICE_PLAN, ResourceType.WEB_APP),
        reason="Flex Consumption is offered in some regions only; a plan elsewhere is refused.",
        fix=f"Deploy the stack to a Flex region ({FLEX_REGIONS_TABLE.refresh_command} lists them).",
        sources=(
            Source(_FLEX_CONSIDERATIONS, "not all regions are currently supported; see the supported regions"),
            Source(
                "https://github.com/Azure-Samples/functions-quickstart-python-http-azd/blob/main/infra/main.bicep",
                f"Microsoft's Flex quickstart allows these {len(FLEX_REGIONS)} regions (dated table)",
            ),
        ),
        check=_region,
    ),
    Rule(
        name="flex-scale",
        types=(ResourceType.WEB_APP,),
        reason="Flex Consumption instances are 512, 2048 or 4096 MB; maximumInstanceCount runs from 40 (1 in the "
        "regions that allow lower) to 1000.",
        fix="Set functionApp.instanceMemoryMb and functionApp.maximumInstanceCount within the bounds.",
        sources=FLEX_SCALE,
        check=_scale,
    ),
    Rule(
        name="flex-runtime-version",
        types=(ResourceType.WEB_APP,),
        reason="Flex Consumption runs only the language versions it lists; another version is refused.",
        fix="Use a listed version in functionAppConfig.runtime (components/function_app.py: Python 3.11).",
        sources=FLEX_RUNTIMES_SOURCES,
        check=_runtime,
    ),
    Rule(
        name="flex-one-app-per-plan",
        types=(ResourceType.WEB_APP,),
        reason="Only one app is allowed per Flex Consumption plan.",
        fix="Give each Flex app its own plan.",
        sources=(
            Source(_FLEX_CONSIDERATIONS, "Apps per plan: only one app is allowed per Flex Consumption plan"),
            Source(
                "https://learn.microsoft.com/azure/azure-resource-manager/management/azure-subscription-service-limits",
                "Functions limits, Flex Consumption: function apps per plan 1",
            ),
        ),
        check=_one_app_per_plan,
    ),
    Rule(
        name="flex-no-slots",
        types=(ResourceType.WEB_APP_SLOT,),
        reason="Flex Consumption does not support deployment slots.",
        fix="Use rolling updates (siteUpdateStrategy) for zero-downtime deployments instead of a slot.",
        sources=(Source(_FLEX_CONSIDERATIONS, "Deployments: deployment slots aren't currently supported"),),
        check=_no_slots,
    ),
    Rule(
        name="flex-vnet-subnet-delegation",
        types=(ResourceType.WEB_APP,),
        reason="A Flex Consumption app integrates only with a subnet delegated to Microsoft.App/environments.",
        fix="Delegate the function subnet to Microsoft.App/environments (components/network.py) and register "
        "the Microsoft.App resource provider.",
        sources=(
            Source(
                _FLEX_CONSIDERATIONS,
                "the subnet delegation required by Flex Consumption apps is Microsoft.App/environments",
            ),
        ),
        check=_subnet_delegation,
    ),
    Rule(
        name="flex-vnet-subnet-name",
        types=(ResourceType.WEB_APP,),
        reason="Flex Consumption does not support integration subnets whose name contains '_'.",
        fix="Name the subnet without underscores (components/network.py: snet-function-app).",
        sources=(_FLEX_VNET,),
        check=_subnet_name,
    ),
    Rule(
        name="flex-vnet-subnet-dedicated",
        types=(ResourceType.WEB_APP,),
        reason="A Flex Consumption integration subnet is used for nothing else: no private endpoints, no other "
        "delegation, no agent pool.",
        fix="Put private endpoints and the agents in their own subnets (network.subnets in config).",
        sources=(_FLEX_VNET,),
        check=_subnet_shared,
    ),
    Rule(
        name="flex-vnet-subnet-size",
        types=(ResourceType.WEB_APP,),
        reason="Regional VNet integration needs at least a /28 subnet (a /26 or /27 is recommended for scale-out).",
        fix="Give network.subnets.functionApp a /28 or larger range.",
        sources=(
            Source(
                "https://learn.microsoft.com/azure/app-service/configure-vnet-integration-enable",
                "the subnet must be allocated an IPv4 /28 block (16 addresses); /26 recommended",
            ),
            Source(
                NETWORKING_PAGE,
                "Flex: a /27 serves one app scaling to 1,000 instances; size can't change once assigned",
            ),
        ),
        check=_subnet_size,
    ),
    Rule(
        name="flex-vnet-region",
        types=(ResourceType.WEB_APP,),
        reason="A Flex Consumption app integrates only with a virtual network in its own region.",
        fix="Keep the app and the VNet in the stack's region.",
        sources=(_FLEX_VNET,),
        check=_vnet_region,
    ),
    Rule(
        name="appinsights-connection-string-direct",
        types=(ResourceType.WEB_APP,),
        reason="The connection string is not a secret; as a Key Vault reference it cannot resolve before the app's "
        "identity and role exist, and App Service keeps the failed value cached.",
        fix="Set APPLICATIONINSIGHTS_CONNECTION_STRING to the component's connection string; keep "
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING=Authorization=AAD for Entra-only ingestion.",
        sources=(
            Source(
                "https://learn.microsoft.com/azure/azure-monitor/app/connection-strings",
                "connection strings hold identifiers, not secrets",
            ),
            Source(
                "https://learn.microsoft.com/azure/app-service/app-service-key-vault-references#rotation",
                "resolved references are cached and refetched only periodically",
            ),
        ),
        check=_app_insights_direct,
    ),
)
