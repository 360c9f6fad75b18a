"""The data-generation Function app: Linux, Python 3.11, Flex Consumption, identity everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pulumi
from pulumi_azure_native import storage, web

from components.diagnostics import send_diagnostics
from components.host_keys import HostKeys
from components.key_vault import put_secret
from components.private_endpoint import PrivateEndpoint, data_plane_endpoints
from components.roles import assign_role
from components.shared import PlatformContext, PrivateEndpoints
from components.storage_hardening import HARDENED_STORAGE
from components.zip_deploy import ZipDeploy, scm_base_url, sha256_of
from stack.config import FunctionAppConfig
from stack.errors import InputError
from stack.private_dns import DataPlane, GroupId

DEPLOYMENT_CONTAINER = "app-package"
FUNCTION_KEY_SECRET = "generator-function-key"


def _endpoints(endpoints: dict[GroupId, PrivateEndpoint], *groups: GroupId) -> list[PrivateEndpoint]:
    """The private endpoints of these group ids (none in a public stack)."""
    return [endpoints[group] for group in groups if group in endpoints]


class MissingPackageError(InputError):
    """`pulumi up` with no built Function package at `functionApp.packagePath`."""


@dataclass(frozen=True)
class FunctionAppArgs:
    """Inputs of the Function app."""

    context: PlatformContext
    """Resource group, region, tags, subscription and the diagnostics workspace."""
    function_app: FunctionAppConfig
    """Scale, schedule, dirty share and package path from the stack config."""
    app_name: pulumi.Input[str]
    """Globally unique app name (<name>.azurewebsites.net)."""
    plan_name: str
    """Flex Consumption plan name."""
    host_storage_account_name: pulumi.Input[str]
    """Account for the Functions host and the deployment package (not the lake)."""
    lake_blob_endpoint: pulumi.Input[str]
    """Blob endpoint of the lake the generator writes to."""
    bronze_container_id: pulumi.Input[str]
    """The bronze container; the app may write there and nowhere else in the lake."""
    vault_id: pulumi.Input[str]
    """Key Vault holding the app's secrets."""
    vault_name: pulumi.Input[str]
    """Key Vault name, for the function key secret."""
    vault_uri: pulumi.Input[str]
    """Key Vault URI, for Key Vault references in app settings."""
    vault_write_gate: pulumi.Resource
    """Completes once the deployer may write secrets."""
    app_insights_id: pulumi.Input[str]
    """Application Insights component the app reports to."""
    app_insights_connection_string: pulumi.Input[str]
    """Its connection string: an identifier, not a secret; ingestion stays Entra-only."""
    subnet_id: pulumi.Input[str] | None = None
    """The integration subnet (delegated to Microsoft.App/environments) in a private stack; None: public."""
    private_endpoints: PrivateEndpoints | None = None
    """Where the host storage's and the site's endpoints go; None: they have none."""

    @property
    def private(self) -> bool:
        """Private stack: outbound through the VNet, inbound only through private endpoints."""
        return self.subnet_id is not None

    @property
    def subscription_id(self) -> pulumi.Input[str]:
        """The context's subscription, for role definition ids."""
        return self.context.subscription_id

    @property
    def package_path(self) -> str:
        """The built deployment zip (`make package`)."""
        return self.function_app.package_path


def app_settings(args: FunctionAppArgs, host_storage_name: pulumi.Input[str]) -> list[web.NameValuePairArgsDict]:
    """The app's settings (read by functions/eventgen/settings.py); none of them is a secret."""
    config = args.function_app
    return [
        {"name": "AzureWebJobsStorage__accountName", "value": host_storage_name},
        # Not a secret (https://learn.microsoft.com/azure/azure-monitor/app/connection-strings), and a Key Vault
        # reference cannot resolve before the identity's role exists; failed references stay cached
        # (https://learn.microsoft.com/azure/app-service/app-service-key-vault-references#rotation).
        {"name": "APPLICATIONINSIGHTS_CONNECTION_STRING", "value": args.app_insights_connection_string},
        {"name": "APPLICATIONINSIGHTS_AUTHENTICATION_STRING", "value": "Authorization=AAD"},
        {"name": "LAKE_BLOB_ENDPOINT", "value": args.lake_blob_endpoint},
        {"name": "GENERATOR_SCHEDULE", "value": config.generator_schedule},
        # Each timer run generates the events of one schedule period, so the windows tile without gaps.
        {"name": "GENERATOR_WINDOW_MINUTES", "value": str(config.generator_window_minutes)},
        {"name": "GENERATOR_DIRTY_SHARE", "value": str(config.dirty_share)},
    ]


class FunctionApp(pulumi.ComponentResource):
    """Reads its secrets through Key Vault references and reaches storage with its managed identity."""

    app_name: pulumi.Output[str]
    """Name of the Function app."""
    app_id: pulumi.Output[str]
    """ARM id of the Function app."""
    default_host_name: pulumi.Output[str]
    """Host name (<name>.azurewebsites.net), for the factory's HTTP calls."""
    principal_id: pulumi.Output[str]
    """Object id of the app's system-assigned identity."""
    host_storage_id: pulumi.Output[str]
    """ARM id of the host storage account."""
    host_storage_name: pulumi.Output[str]
    """Name of the host storage account."""
    host_storage_endpoints: dict[GroupId, PrivateEndpoint]
    """The host storage's private endpoints by group id (empty without `private_endpoints`)."""
    site_endpoints: dict[GroupId, PrivateEndpoint]
    """The site's private endpoint (SCM included) by group id (empty without `private_endpoints`)."""

    def __init__(self, name: str, args: FunctionAppArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        package = Path(args.package_path)
        if not package.is_file() and not pulumi.runtime.is_dry_run():
            # Refused before the app registers anything; a preview only warns (below).
            raise MissingPackageError(
                f"functionApp.packagePath: {args.package_path} does not exist; `pulumi up` deploys the built "
                "package, so build it first with `make package` (or point packagePath at a built zip)"
            )
        super().__init__("data-platform:compute:FunctionApp", name, {}, opts)
        context = args.context

        host_storage, package_container = self._host_storage(name, args)
        plan = web.AppServicePlan(
            f"{name}-plan",
            name=args.plan_name,
            resource_group_name=context.resource_group_name,
            location=context.location,
            kind="functionapp",
            reserved=True,
            sku={"name": "FC1", "tier": "FlexConsumption"},
            tags=context.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        app = self._app(name, args, host_storage, package_container, plan)
        self.host_storage_endpoints = data_plane_endpoints(
            DataPlane.HOST_STORAGE,
            target_id=host_storage.id,
            target_name=host_storage.name,
            endpoints=args.private_endpoints,
            placement=context,
            parent=self,
        )
        self.site_endpoints = data_plane_endpoints(
            DataPlane.FUNCTION,
            target_id=app.id,
            target_name=app.name,
            endpoints=args.private_endpoints,
            placement=context,
            parent=self,
        )

        principal_id = app.identity.apply(lambda i: i.principal_id if i else "")
        grants = [
            ("host-storage-blob-owner", "Storage Blob Data Owner", host_storage.id),
            ("bronze-blob-contributor", "Storage Blob Data Contributor", args.bronze_container_id),
            ("key-vault-secrets-user", "Key Vault Secrets User", args.vault_id),
            ("app-insights-publisher", "Monitoring Metrics Publisher", args.app_insights_id),
        ]
        assignments: dict[str, pulumi.Resource] = {}
        for grant, role, scope in grants:
            assignments[grant] = assign_role(
                f"{name}-{grant}",
                role=role,
                scope=scope,
                principal_id=principal_id,
                principal_type="ServicePrincipal",
                subscription_id=args.subscription_id,
                parent=self,
            )

        deployed: list[pulumi.Resource] = []
        if package.is_file():
            deployed.append(
                ZipDeploy(
                    f"{name}-package",
                    app_name=app.name,
                    scm_url=pulumi.Output.all(app.host_name_ssl_states, app.enabled_host_names).apply(
                        lambda hosts: scm_base_url(hosts[0], hosts[1])
                    ),
                    package_path=str(package),
                    package_sha256=sha256_of(package),
                    # The platform writes the package to the host storage with the app's identity (the deployment
                    # storage's SystemAssignedIdentity); before the role is effective that write gets 403
                    # (Azure/azure-functions-core-tools#4346). In a private stack the publish reaches the SCM host
                    # through the site's private endpoint, and the write the host storage through its blob endpoint.
                    opts=pulumi.ResourceOptions(
                        parent=self,
                        depends_on=[
                            app,
                            assignments["host-storage-blob-owner"],
                            *_endpoints(self.site_endpoints, GroupId.SITES),
                            *_endpoints(self.host_storage_endpoints, GroupId.BLOB),
                        ],
                    ),
                )
            )
        else:
            pulumi.log.warn(f"{args.package_path} not found; run `make package` before `pulumi up` to deploy the code")
        # The host answers host keys once it runs and may use its storage: after its identity's role on the
        # host storage, the code deployment and (in a private stack) the host storage's private endpoints, not
        # right after the site is created.
        self._function_key(
            name,
            args,
            app,
            after=[assignments["host-storage-blob-owner"], *deployed, *self.host_storage_endpoints.values()],
        )

        send_diagnostics(
            f"{name}-diagnostics",
            context.diagnostic_settings,
            resource_uri=app.id,
            log_categories=("FunctionAppLogs",),
            parent=self,
        )

        self.app_name = app.name
        self.app_id = app.id
        self.default_host_name = app.default_host_name
        self.principal_id = principal_id
        self.host_storage_id = host_storage.id
        self.host_storage_name = host_storage.name
        self.register_outputs(
            {"app_name": self.app_name, "app_id": self.app_id, "default_host_name": self.default_host_name}
        )

    def _host_storage(self, name: str, args: FunctionAppArgs) -> tuple[storage.StorageAccount, storage.BlobContainer]:
        """The host's own account (identity only, no keys) and the container the package is deployed from."""
        context = args.context
        host_storage = storage.StorageAccount(
            f"{name}-host-storage",
            account_name=args.host_storage_account_name,
            resource_group_name=context.resource_group_name,
            location=context.location,
            kind=storage.Kind.STORAGE_V2,
            sku={"name": "Standard_LRS"},
            **HARDENED_STORAGE,
            # Private stacks reach it through its blob, queue and table private endpoints only.
            public_network_access="Disabled" if args.private else "Enabled",
            tags=context.tags,
            opts=pulumi.ResourceOptions(parent=self),
        )
        package_container = storage.BlobContainer(
            f"{name}-package-container",
            account_name=host_storage.name,
            resource_group_name=context.resource_group_name,
            container_name=DEPLOYMENT_CONTAINER,
            public_access=storage.PublicAccess.NONE,
            opts=pulumi.ResourceOptions(parent=self),
        )
        return host_storage, package_container

    def _app(
        self,
        name: str,
        args: FunctionAppArgs,
        host_storage: storage.StorageAccount,
        package_container: storage.BlobContainer,
        plan: web.AppServicePlan,
    ) -> web.WebApp:
        """The app on Python 3.11, HTTPS and TLS 1.2 only, with basic-auth publishing switched off.

        In a private stack the app sends its outbound traffic (host storage, lake, vault) through
        regional VNet integration into the delegated subnet: `virtualNetworkSubnetId` on the site is how
        Flex Consumption takes it (the SDK: "Azure Resource Manager ID of the Virtual network and subnet to be
        joined by Regional VNET Integration"; the subnet delegated to Microsoft.App/environments,
        https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan#considerations; Microsoft's
        Flex sample Azure-Samples/remote-mcp-apim-functions-python, infra/app/vnet.bicep). With a
        subnet set, all outbound traffic is routed into the VNet, so the private DNS zones linked to it
        resolve the data planes to their private endpoints.

        Inbound, the site's public access is off: the factory calls the generator through a managed
        private endpoint (`sites`) from its managed VNet, and the deploy agents publish through the
        site's private endpoint, whose zone also holds the SCM host
        (https://learn.microsoft.com/azure/app-service/overview-private-endpoint). Chosen over public
        inbound restricted to the factory because the managed runtime has no fixed outbound address to
        restrict to, and one private path serves the factory and the publish alike.
        """
        context, config = args.context, args.function_app
        function_app_config: web.FunctionAppConfigArgsDict = {
            "deployment": {
                "storage": {
                    "type": web.FunctionsDeploymentStorageType.BLOB_CONTAINER,
                    "value": pulumi.Output.concat(
                        host_storage.primary_endpoints.apply(lambda e: e.blob), DEPLOYMENT_CONTAINER
                    ),
                    "authentication": {"type": web.AuthenticationType.SYSTEM_ASSIGNED_IDENTITY},
                }
            },
            "runtime": {"name": web.RuntimeName.PYTHON, "version": "3.11"},
            "scale_and_concurrency": {
                "maximum_instance_count": config.maximum_instance_count,
                "instance_memory_mb": config.instance_memory_mb,
            },
        }
        site_config: web.SiteConfigArgsDict = {
            "app_settings": app_settings(args, host_storage.name),
            # No ftpsState: Flex Consumption has no FTP and refuses the property (ARM error 51021;
            # https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations).
            "min_tls_version": web.SupportedTlsVersions.SUPPORTED_TLS_VERSIONS_1_2,
            "scm_min_tls_version": web.SupportedTlsVersions.SUPPORTED_TLS_VERSIONS_1_2,
            "http20_enabled": True,
        }
        app = web.WebApp(
            f"{name}-app",
            name=args.app_name,
            resource_group_name=context.resource_group_name,
            location=context.location,
            kind="functionapp,linux",
            server_farm_id=plan.id,
            https_only=True,
            identity={"type": web.ManagedServiceIdentityType.SYSTEM_ASSIGNED},
            key_vault_reference_identity="SystemAssigned",
            function_app_config=function_app_config,
            site_config=site_config,
            public_network_access="Disabled" if args.private else "Enabled",
            virtual_network_subnet_id=args.subnet_id,
            tags=context.tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[package_container]),
        )
        # Basic-auth publishing credentials off: deployments authenticate with Entra ID.
        for endpoint, resource in (("ftp", web.WebAppFtpAllowed), ("scm", web.WebAppScmAllowed)):
            resource(
                f"{name}-{endpoint}-basic-auth-off",
                name=app.name,
                resource_group_name=context.resource_group_name,
                allow=False,
                opts=pulumi.ResourceOptions(parent=self),
            )
        return app

    def _function_key(self, name: str, args: FunctionAppArgs, app: web.WebApp, after: list[pulumi.Resource]) -> None:
        """Store the app's default function key in Key Vault, where the factory reads it."""
        # A resource, not an invoke: it retries while the host starts (components/host_keys.py).
        host_keys = HostKeys(
            f"{name}-host-keys", app_id=app.id, opts=pulumi.ResourceOptions(parent=self, depends_on=[app, *after])
        )
        put_secret(
            f"{name}-{FUNCTION_KEY_SECRET}",
            secret_name=FUNCTION_KEY_SECRET,
            value=pulumi.Output.secret(host_keys.function_key),
            vault_name=args.vault_name,
            resource_group_name=args.context.resource_group_name,
            gate=args.vault_write_gate,
            tags=args.context.tags,
            parent=self,
        )
