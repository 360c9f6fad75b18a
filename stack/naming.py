"""Azure names for every resource of a stack, built and checked in one place.

Names follow the Cloud Adoption Framework: `<abbreviation>-<prefix>-<stack>-<region>`, where `<stack>` is the
stack's qualifier (stack/stack_names.py): the stack name itself for `dev`, `test`, `prod` and other short names
such as `alice` or `pr-123`, a short stable hash for the rest. So every stack of the project, whatever its
environment, has names of its own, and two stacks can share a subscription.

Resources whose name must be unique across Azure (storage accounts, Key Vault, the factory, the Function app,
the SQL server) end in a random suffix that pulumi-random keeps in the stack state, so it never changes between
runs; each stack draws its own. Storage accounts and the Key Vault allow only 24 characters, which leave no room
for a qualifier: they carry the environment, as they always have, and the stack's suffix keeps them apart (a
second stack of the same environment gets a name that differs in the suffix, and Azure refuses a taken name
rather than sharing it). Their names drop hyphens or the region to fit.

Every name is checked against its resource type's rules when it is built, with a
placeholder of the suffix's length, so a prefix that would produce an invalid name
fails before any resource is registered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pulumi

from stack.config import ConfigError, PlatformConfig
from stack.name_rules import ACTION_GROUP_SHORT_NAME, NAME_RULES
from stack.stack_names import short_qualifier, stack_qualifier

SUFFIX_LENGTH = 4
_PLACEHOLDER = "0" * SUFFIX_LENGTH

INTEGRATION_RUNTIME_NAME = "ir-managed"
"""The factory's integration runtime, which every linked service in pipelines_json/ connects via: a managed-VNet
runtime in private stacks, a plain Azure one in dev (components/factory_network.py), one name in every stack so
the ADF JSON is the same everywhere. The ADF loader accepts references to it although no file defines it."""


@dataclass(frozen=True)
class NameRule:
    """Azure's length and character rules for one resource type."""

    resource: str
    min_length: int
    max_length: int
    pattern: str
    allowed: str

    def check(self, name: str) -> str:
        if not self.min_length <= len(name) <= self.max_length:
            raise ConfigError(
                f"the {self.resource} name '{name}' is {len(name)} characters; Azure allows "
                f"{self.min_length}-{self.max_length}. Shorten {_PREFIX_KEY}."
            )
        if not re.fullmatch(self.pattern, name):
            raise ConfigError(f"the {self.resource} name '{name}' is invalid; Azure allows {self.allowed}")
        return name


_PREFIX_KEY = "data-platform:prefix"


def _azure(type_token: str) -> NameRule:
    """The rule of Azure's naming table (stack/name_rules.py) for one type, as the names are checked with it."""
    rule = NAME_RULES[type_token]
    return NameRule(rule.resource, rule.min_length, rule.max_length, rule.pattern, rule.allowed)


RULES = {
    "resource_group": _azure("azure-native:resources:ResourceGroup"),
    "storage_account": _azure("azure-native:storage:StorageAccount"),
    "key_vault": _azure("azure-native:keyvault:Vault"),
    "data_factory": _azure("azure-native:datafactory:Factory"),
    "function_app": _azure("azure-native:web:WebApp"),
    "app_service_plan": _azure("azure-native:web:AppServicePlan"),
    "log_analytics": _azure("azure-native:operationalinsights:Workspace"),
    "app_insights": _azure("azure-native:applicationinsights:Component"),
    "sql_server": _azure("azure-native:sql:Server"),
    "sql_database": _azure("azure-native:sql:Database"),
    "action_group": _azure("azure-native:monitor:ActionGroup"),
    "action_group_short": NameRule(
        ACTION_GROUP_SHORT_NAME.resource, 1, ACTION_GROUP_SHORT_NAME.max_length, r"[a-zA-Z0-9]+", "letters and digits"
    ),
    "metric_alert": _azure("azure-native:monitor:MetricAlert"),
    "virtual_network": _azure("azure-native:network:VirtualNetwork"),
    "dev_center": _azure("azure-native:devcenter:DevCenter"),
    "dev_center_project": _azure("azure-native:devcenter:Project"),
    "agent_pool": _azure("azure-native:devopsinfrastructure:Pool"),
}


@dataclass(frozen=True)
class Names:
    """The Azure names of one stack. Globally unique names are templates with `{suffix}`."""

    resource_group: str
    storage_account: str
    function_storage_account: str
    key_vault: str
    data_factory: str
    function_app: str
    app_service_plan: str
    log_analytics: str
    app_insights: str
    sql_server: str
    sql_database: str
    action_group: str
    action_group_short: str
    failed_runs_alert: str
    virtual_network: str
    dev_center: str
    dev_center_project: str
    agent_pool: str

    def with_suffix(self, template: str, suffix: pulumi.Input[str]) -> pulumi.Output[str]:
        """Fill a globally unique name's template with the stack's random suffix."""
        return pulumi.Output.from_input(suffix).apply(lambda s: template.format(suffix=s))


def build_names(cfg: PlatformConfig, stack: str, stack_file: str | None = None) -> Names:
    """Build and check every name of `stack`; raise ConfigError on the first that Azure would reject.

    `stack_file` names the file in errors (default `Pulumi.<stack>.yaml`).
    """
    p, e, q, r = cfg.prefix, cfg.environment, stack_qualifier(stack), cfg.region_code
    templates = {
        "resource_group": ("resource_group", f"rg-{p}-{q}-{r}"),
        # 24 characters: the environment and the stack's random suffix, no room for the qualifier (module docstring).
        "storage_account": ("storage_account", f"st{p}{e}{r}{{suffix}}"),
        "function_storage_account": ("storage_account", f"stfn{p}{e}{{suffix}}"),
        "key_vault": ("key_vault", f"kv-{p}-{e}-{{suffix}}"),
        "data_factory": ("data_factory", f"adf-{p}-{q}-{r}-{{suffix}}"),
        "function_app": ("function_app", f"func-{p}-{q}-{r}-{{suffix}}"),
        "app_service_plan": ("app_service_plan", f"asp-{p}-{q}-{r}"),
        "log_analytics": ("log_analytics", f"log-{p}-{q}-{r}"),
        "app_insights": ("app_insights", f"appi-{p}-{q}-{r}"),
        "sql_server": ("sql_server", f"sql-{p}-{q}-{r}-{{suffix}}"),
        "sql_database": ("sql_database", f"sqldb-{p}-{q}"),
        "action_group": ("action_group", f"ag-{p}-{q}"),
        "action_group_short": ("action_group_short", f"{p[:8]}{short_qualifier(stack)}"),
        "failed_runs_alert": ("metric_alert", f"alert-{p}-{q}-adf-failed-runs"),
        "virtual_network": ("virtual_network", f"vnet-{p}-{q}-{r}"),
        "dev_center": ("dev_center", f"dc-{p}-{q}"),
        "dev_center_project": ("dev_center_project", f"dcp-{p}-{q}-deploy"),
        "agent_pool": ("agent_pool", f"mdp-{p}-{q}-{r}"),
    }
    where = stack_file if stack_file is not None else f"Pulumi.{stack}.yaml"
    for rule_key, template in templates.values():
        try:
            RULES[rule_key].check(template.format(suffix=_PLACEHOLDER))
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}" if where else str(exc)) from None
    return Names(**{field: template for field, (_, template) in templates.items()})
