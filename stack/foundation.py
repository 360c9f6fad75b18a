"""The foundation: the second Pulumi project, deployed first, that holds what a private stack's deploy runs in.

A private stack (test, prod) deploys from its own Managed DevOps Pool inside its VNet, so the VNet and the pool
cannot come from that same deploy. They live in the project in `foundation/` (Pulumi project
`data-platform-foundation`), one stack per private platform stack and with the same name, deployed from a
Microsoft-hosted agent with ARM calls only. The platform reads what it needs through a stack reference
(https://www.pulumi.com/docs/iac/concepts/stacks/#stackreferences): the names below are that contract, exported
by `foundation/__main__.py` and read by `components/foundation_reference.py`.

Both projects read one stack file, the platform's `Pulumi.<stack>.yaml`, so prefix, region, address plan and pool
are said once; the foundation's own stack file holds no project config (only what `pulumi stack init` writes, such
as its secrets provider).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

from pydantic import ValidationError

from stack.config import PROJECT, PlatformConfig, parse_config, parse_value
from stack.errors import ConfigError, InputError
from stack.files import project_name, read_stack_config

FOUNDATION_DIR_NAME = "foundation"
FOUNDATION_PROJECT = "data-platform-foundation"


class FoundationOutput(StrEnum):
    """The foundation stack's outputs, which the platform reads."""

    RESOURCE_GROUP_NAME = "resource_group_name"
    VNET_ID = "vnet_id"
    PRIVATE_ENDPOINTS_SUBNET_ID = "private_endpoints_subnet_id"
    FUNCTION_APP_SUBNET_ID = "function_app_subnet_id"
    AGENTS_SUBNET_ID = "agents_subnet_id"
    ZONE_IDS = "zone_ids"
    """Private DNS zone id by zone name."""
    AGENT_POOL_NAME = "agent_pool_name"


def foundation_dir(platform_dir: Path) -> Path:
    return platform_dir / FOUNDATION_DIR_NAME


def is_foundation(project_dir: Path) -> bool:
    return project_name(project_dir) == FOUNDATION_PROJECT


def platform_dir_of(project_dir: Path) -> Path:
    """The directory of the platform's stack files, for the platform's project or the foundation's."""
    return project_dir.parent if is_foundation(project_dir) else project_dir


def has_foundation(platform_dir: Path, stack: str) -> bool:
    """Whether `stack` has a foundation stack (a private stack does; dev does not)."""
    return (foundation_dir(platform_dir) / f"Pulumi.{stack}.yaml").is_file()


class FoundationMissingError(InputError):
    """A private stack without a foundation stack to read its network and pool from."""


def reads_foundation(values: Mapping[str, str]) -> bool:
    """Whether a platform stack's config (as Pulumi hands it over) makes the program read its foundation.

    A config the model refuses reads nothing here: the program's own check reports it.
    """
    from stack.network_config import NetworkConfig

    try:
        network = NetworkConfig.model_validate(parse_value(values.get(f"{PROJECT}:network", "{}")))
    except ValidationError:
        return False
    return network.private_networking


def require_foundation(platform_dir: Path, stack: str) -> None:
    """Refuse a private stack whose foundation stack does not exist, saying how to create it."""
    if not has_foundation(platform_dir, stack):
        raise FoundationMissingError(
            f"Pulumi.{stack}.yaml: data-platform:network.privateNetworking: {stack} is private, so its resource "
            f"group, VNet and agent pool come from its foundation, and {FOUNDATION_DIR_NAME}/Pulumi.{stack}.yaml "
            f"does not exist: create that stack (`pulumi stack init --cwd {FOUNDATION_DIR_NAME} {stack}`) and commit "
            "its file"
        )


def reference_name(organization: str, stack: str) -> str:
    """The fully qualified name of a platform stack's foundation: same organization, same stack name."""
    return f"{organization}/{FOUNDATION_PROJECT}/{stack}"


def foundation_config(stack: str, platform_dir: Path, own_config: Mapping[str, object]) -> PlatformConfig:
    """The platform stack's config, as the foundation of `stack` reads it, or ConfigError saying what is wrong.

    `own_config` is what Pulumi hands the foundation program from its own stack file: keys of the platform's
    namespace (or the foundation's) there would be ignored, so they are refused, naming the file to set them in.
    """
    own_file = f"{FOUNDATION_DIR_NAME}/Pulumi.{stack}.yaml"
    misplaced = sorted(key for key in own_config if key.split(":", 1)[0] in (PROJECT, FOUNDATION_PROJECT))
    if misplaced:
        raise ConfigError(
            f"{own_file}: {', '.join(misplaced)}: the foundation reads its config from Pulumi.{stack}.yaml at the "
            "repository root, which the platform reads too; set these keys there"
        )
    values, secret_keys = read_stack_config(platform_dir, stack)
    config = parse_config(values, set(secret_keys), f"Pulumi.{stack}.yaml")
    pool = config.network.agent_pool
    if not config.network.private_networking or pool is None:
        raise ConfigError(
            f"Pulumi.{stack}.yaml: data-platform:network.privateNetworking: {stack} is not private, so it has no "
            f"foundation: it deploys from Microsoft-hosted agents; remove {own_file}"
        )
    if pool.dev_ops_infrastructure_principal_id is None:
        raise ConfigError(
            f"Pulumi.{stack}.yaml: data-platform:network.agentPool.devOpsInfrastructurePrincipalId: required key is "
            "missing; the pool joins its subnet only once the tenant's DevOpsInfrastructure service principal holds "
            "Reader and Network Contributor on the VNet. Its object id: "
            "`az ad sp list --display-name DevOpsInfrastructure --query [].id --output tsv`"
        )
    return config


__all__ = [
    "FOUNDATION_DIR_NAME",
    "FOUNDATION_PROJECT",
    "FoundationMissingError",
    "FoundationOutput",
    "foundation_config",
    "foundation_dir",
    "has_foundation",
    "is_foundation",
    "platform_dir_of",
    "reads_foundation",
    "reference_name",
    "require_foundation",
]
