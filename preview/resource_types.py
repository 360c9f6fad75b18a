"""The resource type tokens the checks over the plan read, spelled once.

A light module (no SDK import), so the security baseline can read the same tokens when
Pulumi loads it as a policy pack.
"""

from __future__ import annotations

from enum import StrEnum


class ResourceType(StrEnum):
    """A registered resource's type token, as the engine sees it (unversioned azure-native modules)."""

    RESOURCE_GROUP = "azure-native:resources:ResourceGroup"
    DEPLOYMENT = "azure-native:resources:Deployment"
    STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
    BLOB_CONTAINER = "azure-native:storage:BlobContainer"
    BLOB_SERVICE = "azure-native:storage:BlobServiceProperties"
    MANAGEMENT_POLICY = "azure-native:storage:ManagementPolicy"
    VAULT = "azure-native:keyvault:Vault"
    VAULT_ACCESS_POLICY = "azure-native:keyvault:AccessPolicy"
    VAULT_SECRET = "azure-native:keyvault:Secret"
    SQL_SERVER = "azure-native:sql:Server"
    SQL_DATABASE = "azure-native:sql:Database"
    SQL_FIREWALL_RULE = "azure-native:sql:FirewallRule"
    WEB_APP = "azure-native:web:WebApp"
    WEB_APP_SLOT = "azure-native:web:WebAppSlot"
    APP_SERVICE_PLAN = "azure-native:web:AppServicePlan"
    WEB_APP_FTP_ALLOWED = "azure-native:web:WebAppFtpAllowed"
    WEB_APP_SCM_ALLOWED = "azure-native:web:WebAppScmAllowed"
    FACTORY = "azure-native:datafactory:Factory"
    LINKED_SERVICE = "azure-native:datafactory:LinkedService"
    DATASET = "azure-native:datafactory:Dataset"
    DATA_FLOW = "azure-native:datafactory:DataFlow"
    PIPELINE = "azure-native:datafactory:Pipeline"
    CREDENTIAL = "azure-native:datafactory:CredentialOperation"
    INTEGRATION_RUNTIME = "azure-native:datafactory:IntegrationRuntime"
    MANAGED_PRIVATE_ENDPOINT = "azure-native:datafactory:ManagedPrivateEndpoint"
    TRIGGER = "azure-native:datafactory:Trigger"
    LOG_ANALYTICS_WORKSPACE = "azure-native:operationalinsights:Workspace"
    APP_INSIGHTS = "azure-native:applicationinsights:Component"
    ACTION_GROUP = "azure-native:monitor:ActionGroup"
    METRIC_ALERT = "azure-native:monitor:MetricAlert"
    DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
    ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
    LOCK = "azure-native:authorization:ManagementLockByScope"
    VIRTUAL_NETWORK = "azure-native:network:VirtualNetwork"
    SUBNET = "azure-native:network:Subnet"
    PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint"
    PRIVATE_DNS_ZONE_GROUP = "azure-native:network:PrivateDnsZoneGroup"
    PRIVATE_DNS_ZONE = "azure-native:privatedns:PrivateZone"
    VIRTUAL_NETWORK_LINK = "azure-native:privatedns:VirtualNetworkLink"
    DEV_CENTER = "azure-native:devcenter:DevCenter"
    DEV_CENTER_PROJECT = "azure-native:devcenter:Project"
    AGENT_POOL = "azure-native:devopsinfrastructure:Pool"
    RANDOM_STRING = "random:index/randomString:RandomString"
    DYNAMIC = "pulumi-python:dynamic:Resource"
    """Our dynamic resources (components/access_gate.py, zip_deploy.py, host_keys.py, endpoint_approval.py)."""
