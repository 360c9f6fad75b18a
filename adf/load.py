"""Loading `pipelines_json/` for this platform: the stack values it may use and the pipeline properties it takes."""

from __future__ import annotations

import inspect
from pathlib import Path

from pulumi_azure_native import datafactory
from pydantic.alias_generators import to_camel

from adf.content import AdfContent, load_content
from stack.config import ConfigError, DataFactoryConfig
from stack.paths import PIPELINES_DIR

STACK_VALUES = frozenset(
    {
        "lake.dfsUrl",
        "lake.blobUrl",
        "lake.accountId",
        "keyVault.uri",
        "sql.server",
        "sql.database",
        "functionApp.url",
        "timeZone",
        "environment",
    }
)
"""The stack values `pipelines_json/overrides.json` may put into files."""


def pipeline_properties() -> frozenset[str]:
    """The pipeline properties azure-native takes as arguments (camelCase), read from the SDK's PipelineArgs."""
    arguments = set(inspect.signature(datafactory.PipelineArgs).parameters) - {"factory_name", "resource_group_name"}
    return frozenset(to_camel(name) for name in arguments - {"pipeline_name"})


def load(root: Path = PIPELINES_DIR) -> AdfContent:
    """Load and validate the content with the stack values and pipeline properties this component supports."""
    return load_content(root, STACK_VALUES, pipeline_properties())


def enabled_triggers(cfg: DataFactoryConfig, content: AdfContent, stack_file: str) -> list[str]:
    """The triggers this stack runs: `triggersEnabled`, except where `triggers` names one."""
    known = content.names("trigger")
    unknown = sorted(set(cfg.triggers) - set(known))
    if unknown:
        raise ConfigError(
            f"{stack_file}: data-platform:dataFactory.triggers.{unknown[0]}: "
            f"no such trigger in pipelines_json/trigger/; triggers: {', '.join(known) or 'none'}"
        )
    return [name for name in known if cfg.triggers.get(name, cfg.triggers_enabled)]
