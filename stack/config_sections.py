"""The sections of the stack configuration, one model each (`storage`, `keyVault`, `functionApp`, ...).

`stack/config.py` composes them into `PlatformConfig` and turns validation errors into messages that
name the stack file and the key.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Network
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from stack.azure_limits import (
    AUTO_PAUSE_MINUTES,
    AUTO_PAUSE_NEVER,
    FLEX_MAXIMUM_INSTANCES,
    KEY_VAULT_IP_RULES,
    KEY_VAULT_IP_RULES_MAX,
    KEY_VAULT_SOFT_DELETE_DAYS,
    SQL_FIREWALL,
    SQL_FIREWALL_RULES_MAX,
    SQL_SERVERLESS,
    STORAGE_IP_RULES,
    STORAGE_IP_RULES_MAX,
    STORAGE_SOFT_DELETE_DAYS,
    ip_rule_problems,
    serverless_problems,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ConfigModel(BaseModel):
    """Every section: unknown keys refused, immutable, camelCase keys in the stack file."""

    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True)


def ip_rule_values(ranges: tuple[IPv4Network, ...]) -> tuple[str, ...]:
    """The ranges as network rules take them: CIDR, or a bare address for a single host (as stack files give it)."""
    return tuple(str(net.network_address) if net.prefixlen == 32 else net.with_prefixlen for net in ranges)


def _ip_rules_accepted(
    ranges: tuple[IPv4Network, ...], *, max_rules: int, refuse_small_prefixes: bool, source: str
) -> tuple[IPv4Network, ...]:
    """The ranges, as the service's network rules take them, or a ValueError saying what the service refuses."""
    problems = ip_rule_problems(
        ip_rule_values(ranges), max_rules=max_rules, refuse_small_prefixes=refuse_small_prefixes
    )
    if problems:
        raise ValueError(f"{'; '.join(problems)} ({source})")
    return ranges


ARCHIVE_TIER_SKUS = frozenset({"Standard_LRS", "Standard_GRS", "Standard_RAGRS"})
"""Redundancies with an Archive tier; ZRS, GZRS and RA-GZRS have none (Hot, Cool and Cold exist for all):
https://learn.microsoft.com/azure/storage/blobs/access-tiers-overview"""


def coldest_tier(sku: str) -> Literal["Archive", "Cold"]:
    """The coldest access tier a storage account of this SKU offers."""
    return "Archive" if sku in ARCHIVE_TIER_SKUS else "Cold"


class StorageConfig(ConfigModel):
    """The data lake account."""

    sku: Literal[
        "Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_GZRS", "Standard_RAGRS", "Standard_RAGZRS"
    ] = Field("Standard_LRS", description="Redundancy of the lake account.")
    soft_delete_days: int = Field(
        7,
        ge=STORAGE_SOFT_DELETE_DAYS.low,
        le=STORAGE_SOFT_DELETE_DAYS.high,
        description="Retention of deleted blobs and containers.",
    )
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

    @field_validator("allowed_ip_ranges")
    @classmethod
    def _storage_ip_rules(cls, value: tuple[IPv4Network, ...]) -> tuple[IPv4Network, ...]:
        return _ip_rules_accepted(
            value, max_rules=STORAGE_IP_RULES_MAX, refuse_small_prefixes=True, source=STORAGE_IP_RULES.url
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


class KeyVaultConfig(ConfigModel):
    """The Key Vault; purge protection cannot be switched off again once on."""

    sku: Literal["standard", "premium"] = Field("standard", description="Vault pricing tier.")
    soft_delete_days: int = Field(
        90,
        ge=KEY_VAULT_SOFT_DELETE_DAYS.low,
        le=KEY_VAULT_SOFT_DELETE_DAYS.high,
        description="Retention of deleted secrets.",
    )
    purge_protection: bool = Field(False, description="Forbid purging before retention ends; irreversible.")
    network_default_action: Literal["Allow", "Deny"] = Field(
        "Deny",
        description="What happens to traffic no rule admits; trusted Azure services always pass. Closed unless "
        "the stack file opts out.",
    )
    allowed_ip_ranges: tuple[IPv4Network, ...] = Field(
        (), description="IPv4 addresses or CIDR ranges admitted when the default action is Deny."
    )

    @field_validator("allowed_ip_ranges")
    @classmethod
    def _vault_ip_rules(cls, value: tuple[IPv4Network, ...]) -> tuple[IPv4Network, ...]:
        return _ip_rules_accepted(
            value, max_rules=KEY_VAULT_IP_RULES_MAX, refuse_small_prefixes=False, source=KEY_VAULT_IP_RULES.url
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


class FunctionAppConfig(ConfigModel):
    """The data-generation Function app on the Flex Consumption plan."""

    maximum_instance_count: int = Field(
        40, ge=1, le=FLEX_MAXIMUM_INSTANCES, description="Scale-out limit (the lowest allowed depends on the region)."
    )
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


class DataFactoryConfig(ConfigModel):
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
    # past"). Without this key the windows begin at the hour of the stack's first deployment, kept in its state
    # (components/first_deployment.py), so a new stack's first trigger start backfills at most a window or two.
    trigger_start_time: str | None = Field(
        None,
        pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$",
        description="`triggerStartTime`: when this stack's tumbling-window triggers begin, a whole UTC hour such as "
        "2026-12-01T00:00:00Z; by default the hour of the stack's first deployment, kept in its state.",
    )


class SqlConfig(ConfigModel):
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
    def _firewall_rules_fit(self) -> SqlConfig:
        rules = len(self.allowed_ip_ranges) + (1 if self.allow_azure_services else 0)
        if rules > SQL_FIREWALL_RULES_MAX:
            raise ValueError(
                f"allowedIpRanges and allowAzureServices make {rules} server firewall rules; Azure allows "
                f"{SQL_FIREWALL_RULES_MAX} ({SQL_FIREWALL.url})"
            )
        return self

    @model_validator(mode="after")
    def _create_or_existing(self) -> SqlConfig:
        if self.create:
            missing = [
                k for k, v in (("adminLogin", self.admin_login), ("adminObjectId", self.admin_object_id)) if not v
            ]
            if missing:
                raise ValueError(f"with create: true the Entra ID admin is required; missing {', '.join(missing)}")
            if self.auto_pause_delay_minutes != AUTO_PAUSE_NEVER and AUTO_PAUSE_MINUTES.problem(
                self.auto_pause_delay_minutes
            ):
                raise ValueError(
                    f"autoPauseDelayMinutes must be {AUTO_PAUSE_NEVER} (never) or between {AUTO_PAUSE_MINUTES.low} and "
                    f"{AUTO_PAUSE_MINUTES.high}"
                )
            problems = serverless_problems(self.sku_name, self.min_capacity, self.max_size_gb)
            if problems:
                shown = "; ".join(problems).replace("max data size", "maxSizeGb")
                raise ValueError(f"skuName {self.sku_name}: {shown} ({SQL_SERVERLESS[0].url})")
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


class MonitoringConfig(ConfigModel):
    """Log Analytics retention and where alerts go."""

    alert_email: str = Field(description="Where alerts are emailed.")
    log_retention_days: int = Field(30, ge=30, le=730, description="Log retention in the workspace.")

    @field_validator("alert_email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f"'{value}' is not an email address")
        return value


class PolicyOverride(ConfigModel):
    """Lowers (or pins) one rule of the security baseline (policy/rules/) for this stack."""

    enforcement: Literal["advisory", "mandatory"] = Field(description="How the rule is enforced in this stack.")
    reason: str = Field(
        min_length=1, max_length=1000, description="Why this stack may deviate; reviewed with the change."
    )


class IntendedReplacement(ConfigModel):
    """A resource this stack's next release may replace (or recreate) on purpose, and why."""

    resource: str = Field(
        min_length=1,
        description="The resource: its logical name (as `ops plan` lists it) or its URN.",
    )
    reason: str = Field(min_length=1, max_length=1000, description="Why replacing it is intended; reviewed with it.")
