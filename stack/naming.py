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

from dataclasses import dataclass, replace

import pulumi

from stack.config import ConfigError, PlatformConfig
from stack.name_rules import ACTION_GROUP_SHORT_NAME, NAME_RULES, NameRule
from stack.stack_names import short_qualifier, stack_qualifier

SUFFIX_LENGTH = 4
_PLACEHOLDER = "0" * SUFFIX_LENGTH

INTEGRATION_RUNTIME_NAME = "ir-managed"
"""The factory's integration runtime, which every linked service in pipelines_json/ connects via: a managed-VNet
runtime in private stacks, a plain Azure one in dev (components/factory_network.py), one name in every stack so
the ADF JSON is the same everywhere. The ADF loader accepts references to it although no file defines it."""


_PREFIX_KEY = "data-platform:prefix"


def check_name(rule: NameRule, name: str) -> str:
    """`name` when Azure accepts it for the rule's type; else a ConfigError, which names the key that shortens it
    when the length is what is wrong."""
    problem = rule.problem(name)
    if problem is None:
        return name
    shorten = "" if rule.min_length <= len(name) <= rule.max_length else f". Shorten {_PREFIX_KEY}."
    raise ConfigError(f"the {rule.resource} name '{name}' {problem}{shorten}")


RULES = {
    "resource_group": NAME_RULES["azure-native:resources:ResourceGroup"],
    "storage_account": NAME_RULES["azure-native:storage:StorageAccount"],
    "key_vault": NAME_RULES["azure-native:keyvault:Vault"],
    "data_factory": NAME_RULES["azure-native:datafactory:Factory"],
    "function_app": NAME_RULES["azure-native:web:WebApp"],
    "app_service_plan": NAME_RULES["azure-native:web:AppServicePlan"],
    "log_analytics": NAME_RULES["azure-native:operationalinsights:Workspace"],
    "app_insights": NAME_RULES["azure-native:applicationinsights:Component"],
    "sql_server": NAME_RULES["azure-native:sql:Server"],
    "sql_database": NAME_RULES["azure-native:sql:Database"],
    "action_group": NAME_RULES["azure-native:monitor:ActionGroup"],
    # Azure takes any 1-12 characters; the names build_names makes keep to letters and digits.
    "action_group_short": replace(ACTION_GROUP_SHORT_NAME, pattern=r"[a-zA-Z0-9]+", allowed="letters and digits"),
    "metric_alert": NAME_RULES["azure-native:monitor:MetricAlert"],
    "virtual_network": NAME_RULES["azure-native:network:VirtualNetwork"],
    "dev_center": NAME_RULES["azure-native:devcenter:DevCenter"],
    "dev_center_project": NAME_RULES["azure-native:devcenter:Project"],
    "agent_pool": NAME_RULES["azure-native:devopsinfrastructure:Pool"],
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
            check_name(RULES[rule_key], template.format(suffix=_PLACEHOLDER))
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}" if where else str(exc)) from None
    return Names(**{field: template for field, (_, template) in templates.items()})
