"""The stack configuration: one typed model, read and validated in one place.

Every key the program understands is declared here with its default. A stack file
with an unknown key (in the project's namespace, or in a namespace nothing reads), a
missing required key or a value of the wrong type fails in `load_config`, before any
resource is registered, with a message that names the stack file, the key and what is
allowed, and the allowed key a misspelt one most likely meant.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import Any, Literal, get_args

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import (
    BaseModel,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_snake

from stack.azure_limits import flex_scale_problems
from stack.config_keys import LOCATION_KEY, check_keys
from stack.config_sections import (
    ConfigModel,
    DataFactoryConfig,
    FunctionAppConfig,
    IntendedReplacement,
    KeyVaultConfig,
    MonitoringConfig,
    PolicyOverride,
    SqlConfig,
    StorageConfig,
    coldest_tier,
    ip_rule_values,
    schedule_period_minutes,
)
from stack.errors import ConfigError
from stack.network_config import NetworkConfig
from stack.regions import REGION_CODES
from stack.suggest import closest, did_you_mean

PROJECT = "data-platform"
"""The Pulumi project name (`Pulumi.yaml`); config keys live in this namespace."""


# Lowercase letters and digits, because storage account names allow nothing else. Whether a
# prefix is short enough is decided by the names it produces (stack/naming.py): at most
# 11 characters fit every name.
PREFIX_PATTERN = r"^[a-z][a-z0-9]{1,19}$"
_SECRET_NAME = re.compile(r"^[0-9a-zA-Z-]{1,127}$")

# Clearer words for pydantic's own type errors; the key path and the value are added by `_describe`.
_TYPE_MESSAGES = {
    "ip_v4_network": "not an IPv4 address or CIDR range such as 203.0.113.0/24 (Azure network rules take IPv4 only)",
    "uuid_parsing": "not a GUID such as 6a1c3e52-8d4b-4f0e-9a77-2b5c1d9e0f31",
    "uuid_type": "not a GUID such as 6a1c3e52-8d4b-4f0e-9a77-2b5c1d9e0f31",
}


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


class PlatformConfig(ConfigModel):
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
    data_factory: DataFactoryConfig = Field(DataFactoryConfig(), description="The Data Factory.")
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
    intended_replacements: tuple[IntendedReplacement, ...] = Field(
        (),
        description="Resources the next release may replace or recreate on purpose (`ops plan --from` refuses any "
        "other replacement of a stateful resource and any transition Azure refuses).",
    )

    @model_validator(mode="after")
    def _no_azure_wide_sql_rule_in_a_private_stack(self) -> PlatformConfig:
        if self.network.private_networking and self.sql.allow_azure_services:
            raise ValueError(
                "sql.allowAzureServices admits every Azure tenant's callers and is only for a stack with "
                "network.privateNetworking: false; private stacks reach SQL through its private endpoints"
            )
        return self

    @field_validator("intended_replacements")
    @classmethod
    def _each_resource_named_once(cls, value: tuple[IntendedReplacement, ...]) -> tuple[IntendedReplacement, ...]:
        names = [item.resource for item in value]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"names {', '.join(repeated)} more than once; give each resource one entry")
        return value

    @model_validator(mode="after")
    def _no_sql_firewall_rules_in_a_private_stack(self) -> PlatformConfig:
        # A server with public network access Disabled refuses every firewall rule (42101):
        # https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings
        if self.network.private_networking and self.sql.create and self.sql.allowed_ip_ranges:
            raise ValueError(
                "sql.allowedIpRanges makes server firewall rules, which a server without public network access "
                "refuses (error 42101); with network.privateNetworking true, reach SQL through its private endpoint"
            )
        return self

    @field_validator("function_app")
    @classmethod
    def _flex_consumption_in_this_region(cls, value: FunctionAppConfig, info: ValidationInfo) -> FunctionAppConfig:
        # The generator runs on Flex Consumption in the stack's region (stack/azure_limits.py, dated tables).
        location = info.data.get("location")
        problems = flex_scale_problems(location, value.maximum_instance_count, None) if location else []
        if problems:
            shown = "; ".join(problems).replace(
                "Flex Consumption is not offered in", f"{LOCATION_KEY}: no Flex Consumption in"
            )
            raise ValueError(shown)
        return value

    @field_validator("location")
    @classmethod
    def _known_region(cls, value: str) -> str:
        if value not in REGION_CODES:
            raise ValueError(
                f"'{value}' is not a supported region{did_you_mean(value, REGION_CODES)}; allowed: the Azure "
                f"regions of stack/regions.py: {', '.join(sorted(REGION_CODES))}"
            )
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


def _key_path(loc: tuple[int | str, ...], project: str) -> str:
    head, *rest = [str(part) for part in loc] or ["(root)"]
    key = f"{project}:{head}" if head != "location" else LOCATION_KEY
    return key + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in rest)


def _describe(error: Mapping[str, Any], allowed_keys: list[str], key: str) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        # Compared without the namespace, which every top-level key shares and which would make all of them look alike.
        by_name = {allowed.rsplit(":", 1)[-1]: allowed for allowed in allowed_keys}
        match = closest(key, by_name)
        hint = f" (did you mean '{by_name[match]}'?)" if match else ""
        return f"unknown key{hint}; allowed keys here: {', '.join(allowed_keys)}"
    if kind == "missing":
        return "required key is missing"
    message = _TYPE_MESSAGES.get(kind) or str(error["msg"]).removeprefix("Value error, ")
    if "input" in error and kind not in ("model_type", "dict_type"):
        shown = error["input"]
        if not isinstance(shown, (dict, list)):
            message += f" (got {shown!r})"
    return message


def _allowed_keys(loc: tuple[int | str, ...], project: str) -> list[str]:
    model: type[BaseModel] = PlatformConfig
    for part in (part for part in loc[:-1] if not isinstance(part, int)):  # an int is a list item's index
        field = model.model_fields.get(to_snake(str(part)))
        annotation = field.annotation if field else None
        items = [arg for arg in get_args(annotation) if isinstance(arg, type) and issubclass(arg, BaseModel)]
        annotation = items[0] if items else annotation  # a list of models: its items' model
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
        else:
            return []
    if model is PlatformConfig:
        return sorted(
            [f"{project}:{f.alias}" for n, f in model.model_fields.items() if n != "location"] + [LOCATION_KEY]
        )
    return sorted(f.alias or n for n, f in model.model_fields.items())


def _near_miss_hint(key: str, near_misses: Mapping[str, str]) -> str:
    """For a missing key that a refused key of the file looks like: say so."""
    refused = near_misses.get(key)
    return f"; the file has '{refused}', refused above, which looks like it" if refused else ""


def parse_config(
    values: Mapping[str, Any], secret_keys: set[str], stack_file: str, project: str = PROJECT
) -> PlatformConfig:
    """Validate raw `namespace:key` config values into the model, or raise ConfigError naming every bad key.

    `project` is the project's name (`Pulumi.yaml`), the namespace of the program's own keys.
    """
    keys = check_keys(values, project, stack_file)
    problems = list(keys.problems)
    near_misses = dict(keys.near_misses)
    data: dict[str, Any] = {}
    for key, full_key in keys.project_keys.items():
        data[key] = parse_value(values[full_key])
        if key in SECRET_KEYS and full_key not in secret_keys:
            problems.append(
                f"{stack_file}: {full_key}: holds secret values in plain text; "
                f"set each with `pulumi config set --secret --path '{key}.<name>' <value>`"
            )
    top_level = {field.alias or name for name, field in PlatformConfig.model_fields.items() if name != "location"}
    for key, full_key in keys.project_keys.items():
        match = closest(key, top_level) if key not in top_level else None
        if match:
            near_misses.setdefault(f"{project}:{match}", full_key)
    missing: list[str] = []
    if LOCATION_KEY in values:
        data["location"] = parse_value(values[LOCATION_KEY])
    else:
        missing.append(LOCATION_KEY)
        problems.append(
            f"{stack_file}: {LOCATION_KEY}: required key is missing{_near_miss_hint(LOCATION_KEY, near_misses)}; "
            f"allowed: {', '.join(sorted(REGION_CODES))}"
        )
        data["location"] = next(iter(REGION_CODES))
    try:
        model = PlatformConfig.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            path = _key_path(loc, project)
            message = _describe(error, _allowed_keys(loc, project), str(loc[-1]) if loc else "")
            if error["type"] == "missing":
                missing.append(path)
                message += _near_miss_hint(path, near_misses)
            problems.append(f"{stack_file}: {path}: {message}")
        model = None
    if problems:
        raise ConfigError("invalid stack configuration:\n  " + "\n  ".join(problems), missing_keys=missing)
    assert model is not None
    return model


def load_config() -> PlatformConfig:
    """Read the running stack's config (as Pulumi hands it to the program) and validate it."""
    values: dict[str, Any] = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = set(runtime_config.get_config_secret_keys_env()) | {
        key for key in values if runtime_config.is_config_secret(key)
    }
    return parse_config(values, secret_keys, f"Pulumi.{pulumi.get_stack()}.yaml", pulumi.get_project())


__all__ = [
    "LOCATION_KEY",
    "PROJECT",
    "REGION_CODES",
    "SERVICE_PRINCIPAL_ENVIRONMENT",
    "ConfigError",
    "DataFactoryConfig",
    "FunctionAppConfig",
    "IntendedReplacement",
    "KeyVaultConfig",
    "MonitoringConfig",
    "PlatformConfig",
    "PolicyOverride",
    "SqlConfig",
    "StorageConfig",
    "coldest_tier",
    "detect_deployer_principal_type",
    "ip_rule_values",
    "load_config",
    "parse_config",
    "parse_value",
    "schedule_period_minutes",
]
