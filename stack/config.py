"""The stack configuration: one typed model, read and validated in one place.

Every key the program understands is declared here with its default. A stack file
with an unknown key, a missing required key or a value of the wrong type fails in
`load_config`, before any resource is registered, with a message that names the
stack file, the key and what is allowed.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from typing import Any, Literal

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic.alias_generators import to_camel, to_snake

from stack.errors import InputError

PROJECT = "data-platform"
"""The Pulumi project name; config keys live in this namespace."""

LOCATION_KEY = "azure-native:location"

ENVIRONMENTS = ("dev", "test", "prod")

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
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


class ConfigError(InputError):
    """Raised for stack configuration that the platform cannot deploy."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True)


def _check_ip_ranges(ranges: tuple[str, ...]) -> tuple[str, ...]:
    for value in ranges:
        try:
            network = ipaddress.ip_network(value, strict=False)
        except ValueError as exc:
            raise ValueError(f"'{value}' is not an IPv4 address or CIDR range") from exc
        if network.version != 4:
            raise ValueError(f"'{value}' is IPv6; Azure network rules take IPv4 only")
    return ranges


class StorageConfig(_Model):
    """The data lake account."""

    sku: Literal[
        "Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_GZRS", "Standard_RAGRS", "Standard_RAGZRS"
    ] = "Standard_LRS"
    soft_delete_days: int = Field(7, ge=1, le=365)
    archive_cool_after_days: int = Field(30, ge=1, le=36500)
    archive_tier_after_days: int = Field(90, ge=1, le=36500)
    archive_delete_after_days: int = Field(365, ge=1, le=36500)
    network_default_action: Literal["Allow", "Deny"] = "Allow"
    allowed_ip_ranges: tuple[str, ...] = ()

    _ips = field_validator("allowed_ip_ranges")(_check_ip_ranges)

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

    sku: Literal["standard", "premium"] = "standard"
    soft_delete_days: int = Field(90, ge=7, le=90)
    purge_protection: bool = False
    network_default_action: Literal["Allow", "Deny"] = "Allow"
    allowed_ip_ranges: tuple[str, ...] = ()

    _ips = field_validator("allowed_ip_ranges")(_check_ip_ranges)


class FunctionAppConfig(_Model):
    """The data-generation Function app on the Flex Consumption plan."""

    maximum_instance_count: int = Field(40, ge=1, le=1000)
    instance_memory_mb: Literal[512, 2048, 4096] = 2048
    generator_schedule: str = "0 */15 * * * *"
    dirty_share: float = Field(0.05, ge=0.0, le=0.5)
    package_path: str = "dist/function.zip"

    @field_validator("generator_schedule")
    @classmethod
    def _six_field_ncrontab(cls, value: str) -> str:
        if len(value.split()) != 6:
            raise ValueError(f"'{value}' is not a six-field NCRONTAB expression (second minute hour day month weekday)")
        return value


class DataFactoryConfig(_Model):
    """The Data Factory. Triggers are deployed stopped; these keys say which `ops triggers start` starts."""

    public_network_access: bool = True
    triggers_enabled: bool = False
    """Whether triggers run in this stack, unless `triggers` names them."""
    triggers: dict[str, bool] = {}
    """Per-trigger exceptions to `triggersEnabled`, by trigger name."""


class SqlConfig(_Model):
    """Azure SQL: a serverless database created here, or an existing one named in config."""

    create: bool = True
    server_name: str | None = None
    server_resource_group: str | None = None
    database_name: str | None = None
    sku_name: str = Field("GP_S_Gen5_1", pattern=r"^GP_S_Gen5_(1|2|4|6|8|10|12|14|16|18|20|24|32|40|80)$")
    auto_pause_delay_minutes: int = Field(60, ge=-1, le=10080)
    min_capacity: float = Field(0.5, ge=0.5, le=80)
    max_size_gb: int = Field(32, ge=1, le=4096)
    admin_login: str | None = None
    admin_object_id: str | None = None

    @model_validator(mode="after")
    def _create_or_existing(self) -> SqlConfig:
        if self.create:
            missing = [
                k for k, v in (("adminLogin", self.admin_login), ("adminObjectId", self.admin_object_id)) if not v
            ]
            if missing:
                raise ValueError(f"with create: true the Entra ID admin is required; missing {', '.join(missing)}")
            if self.admin_object_id and not _UUID.match(self.admin_object_id):
                raise ValueError(f"adminObjectId '{self.admin_object_id}' is not a GUID")
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

    alert_email: str
    log_retention_days: int = Field(30, ge=30, le=730)

    @field_validator("alert_email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f"'{value}' is not an email address")
        return value


class PolicyOverride(_Model):
    """Lowers (or pins) one rule of the security baseline (policy/rules.py) for this stack."""

    enforcement: Literal["advisory", "mandatory"]
    reason: str = Field(min_length=1, max_length=1000)
    """Why this stack may deviate; reviewed with the change that lowers it."""


class PlatformConfig(_Model):
    """The whole stack configuration (keys are camelCase in Pulumi.<stack>.yaml)."""

    environment: Literal["dev", "test", "prod"]
    location: str
    prefix: str = Field("konnektmack", pattern=PREFIX_PATTERN)
    owner: str = Field(min_length=1, max_length=256)
    cost_center: str = Field(min_length=1, max_length=256)
    time_zone: str = "UTC"
    protect: bool = False
    storage: StorageConfig = StorageConfig()
    key_vault: KeyVaultConfig = KeyVaultConfig()
    function_app: FunctionAppConfig = FunctionAppConfig()
    data_factory: DataFactoryConfig = DataFactoryConfig()
    sql: SqlConfig
    monitoring: MonitoringConfig
    secrets: dict[str, SecretStr] = {}
    policy: dict[str, PolicyOverride] = {}
    """Per-rule enforcement of the security baseline; every rule is mandatory unless lowered here."""

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
    message = str(error["msg"]).removeprefix("Value error, ")
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
