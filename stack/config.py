"""The stack configuration: one typed model, read and validated in one place.

Every key the program understands is declared here with its default. A stack file
with an unknown key, a missing required key or a value of the wrong type fails in
`load_config`, before any resource is registered, with a message that names the
stack file, the key and what is allowed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from ipaddress import IPv4Network
from typing import Any, Literal
from uuid import UUID

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel, to_snake

from stack.errors import InputError
from stack.network_config import NetworkConfig

PROJECT = "data-platform"
"""The Pulumi project name; config keys live in this namespace."""

LOCATION_KEY = "azure-native:location"

# Azure regions this platform may be deployed to, with the short code used in names.
# Codes are at most three characters so that every name fits its Azure length limit.
REGION_CODES: Mapping[str, str] = {
    "australiaeast": "aue",
    "brazilsouth": "brs",
    "canadacentral": "cac",
    "centralindia": "inc",
    "centralus": "cus",
    "eastasia": "eas",
    "eastus": "eus",
    "eastus2": "eu2",
    "francecentral": "frc",
    "germanywestcentral": "gwc",
    "japaneast": "jpe",
    "koreacentral": "krc",
    "northeurope": "neu",
    "norwayeast": "noe",
    "southcentralus": "scu",
    "southeastasia": "sea",
    "swedencentral": "sdc",
    "switzerlandnorth": "szn",
    "uksouth": "uks",
    "westeurope": "weu",
    "westus2": "wu2",
    "westus3": "wu3",
}

# Time zones accepted by ADF schedule triggers (Windows time zone ids). Kept to the
# zones of the regions above; extend it when a new region needs its own zone.
TIME_ZONES = (
    "UTC",
    "GMT Standard Time",
    "W. Europe Standard Time",
    "Central Europe Standard Time",
    "Romance Standard Time",
    "Eastern Standard Time",
    "Central Standard Time",
    "Pacific Standard Time",
    "India Standard Time",
    "Tokyo Standard Time",
    "AUS Eastern Standard Time",
    "Singapore Standard Time",
)

# Lowercase letters and digits, because storage account names allow nothing else. Whether a
# prefix is short enough is decided by the names it produces (stack/naming.py): at most
# 11 characters fit every name.
PREFIX_PATTERN = r"^[a-z][a-z0-9]{1,19}$"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SECRET_NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")

# Clearer words for pydantic's own type errors; the key path and the value are added by `_describe`.
_TYPE_MESSAGES = {
    "ip_v4_network": "not an IPv4 address or CIDR range such as 203.0.113.0/24 (Azure network rules take IPv4 only)",
    "uuid_parsing": "not a GUID such as 6a1c3e52-8d4b-4f0e-9a77-2b5c1d9e0f31",
    "uuid_type": "not a GUID such as 6a1c3e52-8d4b-4f0e-9a77-2b5c1d9e0f31",
}


class ConfigError(InputError):
    """Raised for stack configuration that the platform cannot deploy."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True)


def ip_rule_values(ranges: tuple[IPv4Network, ...]) -> tuple[str, ...]:
    """The ranges as network rules take them: CIDR, or a bare address for a single host (as stack files give it)."""
    return tuple(str(net.network_address) if net.prefixlen == 32 else net.with_prefixlen for net in ranges)


ARCHIVE_TIER_SKUS = frozenset({"Standard_LRS", "Standard_GRS", "Standard_RAGRS"})
"""Redundancies with an Archive tier; ZRS, GZRS and RA-GZRS have none (Hot, Cool and Cold exist for all):
https://learn.microsoft.com/azure/storage/blobs/access-tiers-overview"""


def coldest_tier(sku: str) -> Literal["Archive", "Cold"]:
    """The coldest access tier a storage account of this SKU offers."""
    return "Archive" if sku in ARCHIVE_TIER_SKUS else "Cold"


class StorageConfig(_Model):
    """The data lake account."""

    sku: Literal[
        "Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_GZRS", "Standard_RAGRS", "Standard_RAGZRS"
    ] = Field("Standard_LRS", description="Redundancy of the lake account.")
    soft_delete_days: int = Field(7, ge=1, le=365, description="Retention of deleted blobs and containers.")
    archive_cool_after_days: int = Field(
        30, ge=1, le=36500, description="Days after which `archive/` blobs move to the cool tier."
    )
    archive_tier_after_days: int = Field(
        90, ge=1, le=36500, description="Days after which `archive/` blobs move to archiveAccessTier."
    )
    archive_delete_after_days: int = Field(
        365, ge=1, le=36500, description="Days after which `archive/` blobs are deleted."
    )
    archive_access_tier: Literal["Archive", "Cold"] | None = Field(
        None,
        description="The tier `archive/` blobs move to after archiveTierAfterDays; default: the coldest for the SKU.",
    )
    network_default_action: Literal["Allow", "Deny"] = Field(
        "Deny",
        description="What happens to traffic no rule admits; trusted Azure services always pass. Closed unless "
        "the stack file opts out.",
    )
    allowed_ip_ranges: tuple[IPv4Network, ...] = Field(
        (), description="IPv4 addresses or CIDR ranges admitted when the default action is Deny."
    )

    @property
    def archive_tier(self) -> Literal["Archive", "Cold"]:
        return self.archive_access_tier or coldest_tier(self.sku)

    @model_validator(mode="after")
    def _archive_tier_exists_for_the_sku(self) -> StorageConfig:
        if self.archive_access_tier == "Archive" and coldest_tier(self.sku) != "Archive":
            raise ValueError(
                f"archiveAccessTier Archive does not exist for {self.sku}: only LRS, GRS and RA-GRS accounts have "
                "an Archive tier (https://learn.microsoft.com/azure/storage/blobs/access-tiers-overview); use Cold"
            )
        return self

    @model_validator(mode="after")
    def _archive_tiers_in_order(self) -> StorageConfig:
        if not (self.archive_cool_after_days < self.archive_tier_after_days < self.archive_delete_after_days):
            raise ValueError(
                "archiveCoolAfterDays < archiveTierAfterDays < archiveDeleteAfterDays must hold "
                f"(got {self.archive_cool_after_days}, {self.archive_tier_after_days}, "
                f"{self.archive_delete_after_days})"
            )
        return self


class KeyVaultConfig(_Model):
    """The Key Vault; purge protection cannot be switched off again once on."""

    sku: Literal["standard", "premium"] = Field("standard", description="Vault pricing tier.")
    soft_delete_days: int = Field(90, ge=7, le=90, description="Retention of deleted secrets.")
    purge_protection: bool = Field(False, description="Forbid purging before retention ends; irreversible.")
    network_default_action: Literal["Allow", "Deny"] = Field(
        "Deny",
        description="What happens to traffic no rule admits; trusted Azure services always pass. Closed unless "
        "the stack file opts out.",
    )
    allowed_ip_ranges: tuple[IPv4Network, ...] = Field(
        (), description="IPv4 addresses or CIDR ranges admitted when the default action is Deny."
    )


def schedule_period_minutes(schedule: str) -> int | None:
    """The fixed period of a six-field NCRONTAB schedule in minutes, or None if it has none.

    NCRONTAB fields are `second minute hour day month day-of-week`
    (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions).
    A period is fixed when the schedule fires once a minute, every n minutes (n dividing 60),
    once an hour, every n hours (n dividing 24) or once a day, on every day.
    """
    fields = schedule.split()
    if len(fields) != 6:
        return None
    second, minute, hour, *calendar = fields
    if not _is_value(second, 60) or any(part != "*" for part in calendar):
        return None
    if _is_value(minute, 60):
        if _is_value(hour, 24):
            return 24 * 60
        hours = _step(hour, 24)
        return None if hours is None else hours * 60
    minutes = _step(minute, 60)
    return minutes if hour == "*" else None


def _is_value(part: str, size: int) -> bool:
    return part.isdigit() and int(part) < size


def _step(part: str, size: int) -> int | None:
    """`*` is a step of 1, `*/n` a step of n when n divides the field's range evenly; anything else has none."""
    if part == "*":
        return 1
    head, _, step = part.partition("/")
    if head == "*" and step.isdigit() and 0 < int(step) < size and size % int(step) == 0:
        return int(step)
    return None


class FunctionAppConfig(_Model):
    """The data-generation Function app on the Flex Consumption plan."""

    maximum_instance_count: int = Field(40, ge=1, le=1000, description="Scale-out limit.")
    instance_memory_mb: Literal[512, 2048, 4096] = Field(2048, description="Instance size.")
    generator_schedule: str = Field(
        "0 */15 * * * *",
        description="NCRONTAB schedule of the timer; each run generates the events of one period before it.",
    )
    dirty_share: float = Field(0.05, ge=0.0, le=0.5, description="Share of deliberately dirty rows.")
    package_path: str = Field("dist/function.zip", description="The built deployment zip (`make package`).")

    @field_validator("generator_schedule")
    @classmethod
    def _fixed_period_ncrontab(cls, value: str) -> str:
        if len(value.split()) != 6:
            raise ValueError(f"'{value}' is not a six-field NCRONTAB expression (second minute hour day month weekday)")
        if schedule_period_minutes(value) is None:
            raise ValueError(
                f"'{value}' has no fixed period, so the generator cannot derive its event window; use every n "
                "minutes (n dividing 60, e.g. '0 */15 * * * *'), every n hours (n dividing 24, e.g. "
                "'0 0 */2 * * *'), hourly ('0 0 * * * *') or daily ('0 30 2 * * *')"
            )
        return value

    @property
    def generator_window_minutes(self) -> int:
        """The event-time window of one timer run: the schedule's period."""
        period = schedule_period_minutes(self.generator_schedule)
        assert period is not None, "validated by _fixed_period_ncrontab"
        return period


class DataFactoryConfig(_Model):
    """The Data Factory. Triggers are deployed stopped; these keys say which `ops triggers start` starts."""

    public_network_access: bool = Field(
        False, description="Whether the factory's endpoints are reachable publicly; closed unless the stack opts out."
    )
    triggers_enabled: bool = Field(
        False, description="Whether triggers run in this stack, unless `triggers` names them."
    )
    triggers: dict[str, bool] = Field({}, description="Per-trigger exceptions to `triggersEnabled`, by trigger name.")
    # A tumbling window runs every window from its startTime on, past ones included, when first started
    # (https://learn.microsoft.com/azure/data-factory/how-to-create-tumbling-window-trigger: startTime "can be in the
    # past"); so each stack says when its triggers really begin, and there is no default.
    trigger_start_time: str = Field(
        pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$",
        description="`triggerStartTime` (required): when this stack's tumbling-window triggers begin, a whole UTC "
        "hour such as 2026-12-01T00:00:00Z.",
    )

    @model_validator(mode="before")
    @classmethod
    def _start_time_given(cls, data: Any) -> Any:
        if isinstance(data, dict) and not {"triggerStartTime", "trigger_start_time"} & set(data):
            raise ValueError(
                "triggerStartTime is required: when this stack's tumbling-window triggers begin, a whole UTC hour "
                "such as 2026-12-01T00:00:00Z (windows before it are not run; a past hour is backfilled)"
            )
        return data


class SqlConfig(_Model):
    """Azure SQL: a serverless database created here, or an existing one named in config."""

    create: bool = Field(True, description="Create a serverless database, or use the existing one named here.")
    server_name: str | None = Field(None, description="Existing server (with create: false).")
    server_resource_group: str | None = Field(None, description="Resource group of the existing server.")
    database_name: str | None = Field(None, description="Existing database, or the created one's name.")
    sku_name: str = Field(
        "GP_S_Gen5_1",
        pattern=r"^GP_S_Gen5_(1|2|4|6|8|10|12|14|16|18|20|24|32|40|80)$",
        description="Serverless SKU of a created database.",
    )
    auto_pause_delay_minutes: int = Field(
        60, ge=-1, le=10080, description="Idle minutes before the database pauses; -1 never pauses."
    )
    min_capacity: float = Field(0.5, ge=0.5, le=80, description="Minimum vCores while running.")
    max_size_gb: int = Field(32, ge=1, le=4096, description="Maximum data size.")
    allow_azure_services: bool = Field(
        False,
        description="The 0.0.0.0 firewall rule that admits every Azure-hosted caller of any tenant; only for a "
        "stack without private networking whose callers have no fixed address (dev), with a comment saying why.",
    )
    allowed_ip_ranges: tuple[IPv4Network, ...] = Field(
        (), description="IPv4 addresses or CIDR ranges admitted by the server's firewall (e.g. developers)."
    )
    admin_login: str | None = Field(None, description="Display name of the Entra ID admin group.")
    admin_object_id: UUID | None = Field(None, description="Object id of the Entra ID admin group.")

    @model_validator(mode="after")
    def _create_or_existing(self) -> SqlConfig:
        if self.create:
            missing = [
                k for k, v in (("adminLogin", self.admin_login), ("adminObjectId", self.admin_object_id)) if not v
            ]
            if missing:
                raise ValueError(f"with create: true the Entra ID admin is required; missing {', '.join(missing)}")
            if 0 <= self.auto_pause_delay_minutes < 15:
                raise ValueError("autoPauseDelayMinutes must be -1 (never) or between 15 and 10080")
        else:
            missing = [
                k
                for k, v in (
                    ("serverName", self.server_name),
                    ("serverResourceGroup", self.server_resource_group),
                    ("databaseName", self.database_name),
                )
                if not v
            ]
            if missing:
                raise ValueError(f"with create: false an existing database is required; missing {', '.join(missing)}")
        return self


class MonitoringConfig(_Model):
    """Log Analytics retention and where alerts go."""

    alert_email: str = Field(description="Where alerts are emailed.")
    log_retention_days: int = Field(30, ge=30, le=730, description="Log retention in the workspace.")

    @field_validator("alert_email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f"'{value}' is not an email address")
        return value


class PolicyOverride(_Model):
    """Lowers (or pins) one rule of the security baseline (policy/rules.py) for this stack."""

    enforcement: Literal["advisory", "mandatory"] = Field(description="How the rule is enforced in this stack.")
    reason: str = Field(
        min_length=1, max_length=1000, description="Why this stack may deviate; reviewed with the change."
    )


PrincipalType = Literal["User", "ServicePrincipal", "Group"]

SERVICE_PRINCIPAL_ENVIRONMENT = ("ARM_CLIENT_ID", "ARM_USE_OIDC", "AZURE_CLIENT_ID", "AZURESUBSCRIPTION_CLIENT_ID")
"""Variables that mean the process signs in as a service principal: the azure-native provider's and
azure-identity's client id, and the one Azure Pipelines' AzureCLI/AzurePowerShell tasks export."""


def detect_deployer_principal_type(environ: Mapping[str, str] | None = None) -> PrincipalType:
    """ServicePrincipal when service-principal credentials are in the environment (the pipeline), else User.

    A role assignment without principalType is sent as "User" by pulumi-azure-native, and ARM refuses a
    type that does not match the principal (UnmatchedPrincipalType):
    https://learn.microsoft.com/azure/role-based-access-control/role-assignments-template#new-service-principal
    """
    env = os.environ if environ is None else environ
    return "ServicePrincipal" if any(env.get(name) for name in SERVICE_PRINCIPAL_ENVIRONMENT) else "User"


class PlatformConfig(_Model):
    """The whole stack configuration (keys are camelCase in Pulumi.<stack>.yaml)."""

    environment: Literal["dev", "test", "prod"] = Field(description="Which environment this stack is.")
    location: str = Field(description="Azure region of every resource (azure-native:location).")
    prefix: str = Field("konnektmack", pattern=PREFIX_PATTERN, description="First part of every Azure name.")
    owner: str = Field(min_length=1, max_length=256, description="The `owner` tag.")
    cost_center: str = Field(min_length=1, max_length=256, description="The `cost-center` tag.")
    time_zone: str = Field("UTC", description="Windows time zone id of the ADF schedule triggers.")
    protect: bool = Field(False, description="Protect and lock the stateful resources.")
    storage: StorageConfig = Field(StorageConfig(), description="The data lake account.")
    key_vault: KeyVaultConfig = Field(KeyVaultConfig(), description="The Key Vault.")
    function_app: FunctionAppConfig = Field(FunctionAppConfig(), description="The generator Function app.")
    data_factory: DataFactoryConfig = Field(description="The Data Factory (required: triggerStartTime has no default).")
    sql: SqlConfig = Field(description="The SQL database, created or existing.")
    monitoring: MonitoringConfig = Field(description="Log retention and alerting.")
    # Validated even when absent, so a stack that says nothing gets the closed posture and its requirements.
    network: NetworkConfig = Field(default_factory=dict, description="Private networking.", validate_default=True)
    secrets: dict[str, SecretStr] = Field({}, description="Extra Key Vault secrets, set with --secret.")
    policy: dict[str, PolicyOverride] = Field(
        {},
        description="Per-rule enforcement of the security baseline; every rule is mandatory unless lowered here.",
    )
    deployer_principal_type: PrincipalType | None = Field(
        None, description="What runs `pulumi up`; unset: detected (detect_deployer_principal_type)."
    )

    @model_validator(mode="after")
    def _no_azure_wide_sql_rule_in_a_private_stack(self) -> PlatformConfig:
        if self.network.private_networking and self.sql.allow_azure_services:
            raise ValueError(
                "sql.allowAzureServices admits every Azure tenant's callers and is only for a stack with "
                "network.privateNetworking: false; private stacks reach SQL through its private endpoints"
            )
        return self

    @field_validator("location")
    @classmethod
    def _known_region(cls, value: str) -> str:
        if value not in REGION_CODES:
            raise ValueError(f"'{value}' is not a supported region; allowed: {', '.join(sorted(REGION_CODES))}")
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        from stack.time_zones import is_time_zone, time_zone_hint

        if not is_time_zone(value):
            raise ValueError(time_zone_hint(value))
        return value

    @field_validator("secrets")
    @classmethod
    def _secret_names(cls, value: dict[str, SecretStr]) -> dict[str, SecretStr]:
        for name in value:
            if not _SECRET_NAME.match(name):
                raise ValueError(f"secret name '{name}' must be 1-127 letters, digits or hyphens")
        return value

    @property
    def region_code(self) -> str:
        return REGION_CODES[self.location]

    @property
    def is_prod(self) -> bool:
        return self.environment == "prod"


# Keys whose value must be set with `pulumi config set --secret`.
SECRET_KEYS = ("secrets",)


def parse_value(raw: Any) -> Any:
    """Pulumi hands structured config over as JSON strings; scalars stay strings for pydantic to coerce."""
    if isinstance(raw, str) and raw[:1] in ("{", "["):
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            return raw
    return raw


def _key_path(loc: tuple[int | str, ...]) -> str:
    head, *rest = [str(part) for part in loc] or ["(root)"]
    key = f"{PROJECT}:{head}" if head != "location" else LOCATION_KEY
    return key + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in rest)


def _describe(error: Mapping[str, Any], allowed_keys: list[str]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"unknown key; allowed keys here: {', '.join(allowed_keys)}"
    if kind == "missing":
        return "required key is missing"
    message = _TYPE_MESSAGES.get(kind) or str(error["msg"]).removeprefix("Value error, ")
    if "input" in error and kind not in ("model_type", "dict_type"):
        shown = error["input"]
        if not isinstance(shown, (dict, list)):
            message += f" (got {shown!r})"
    return message


def _allowed_keys(loc: tuple[int | str, ...]) -> list[str]:
    model: type[BaseModel] = PlatformConfig
    for part in loc[:-1]:
        field = model.model_fields.get(to_snake(str(part)))
        annotation = field.annotation if field else None
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        else:
            return []
    if model is PlatformConfig:
        return sorted(
            [f"{PROJECT}:{f.alias}" for n, f in model.model_fields.items() if n != "location"] + [LOCATION_KEY]
        )
    return sorted(f.alias or n for n, f in model.model_fields.items())


def parse_config(values: Mapping[str, Any], secret_keys: set[str], stack_file: str) -> PlatformConfig:
    """Validate raw `namespace:key` config values into the model, or raise ConfigError naming every bad key."""
    problems: list[str] = []
    data: dict[str, Any] = {}
    for full_key, raw in sorted(values.items()):
        namespace, _, key = full_key.partition(":")
        if full_key == LOCATION_KEY:
            data["location"] = parse_value(raw)
        elif namespace == PROJECT:
            data[key] = parse_value(raw)
            if key in SECRET_KEYS and full_key not in secret_keys:
                problems.append(
                    f"{stack_file}: {full_key}: holds secret values in plain text; "
                    f"set each with `pulumi config set --secret --path '{key}.<name>' <value>`"
                )
    if "location" not in data:
        problems.append(
            f"{stack_file}: {LOCATION_KEY}: required key is missing; allowed: {', '.join(sorted(REGION_CODES))}"
        )
        data["location"] = next(iter(REGION_CODES))
    try:
        model = PlatformConfig.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            problems.append(f"{stack_file}: {_key_path(loc)}: {_describe(error, _allowed_keys(loc))}")
        model = None
    if problems:
        raise ConfigError("invalid stack configuration:\n  " + "\n  ".join(problems))
    assert model is not None
    return model


def load_config() -> PlatformConfig:
    """Read the running stack's config (as Pulumi hands it to the program) and validate it."""
    values: dict[str, Any] = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | {
        key for key in values if runtime_config.is_config_secret(key)
    }
    return parse_config(values, secret_keys, f"Pulumi.{pulumi.get_stack()}.yaml")
