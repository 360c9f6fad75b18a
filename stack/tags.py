"""The tags every taggable resource carries, built in one place."""

from __future__ import annotations

from stack.config import PlatformConfig

REQUIRED_TAGS = ("environment", "project", "owner", "cost-center", "managed-by")


def base_tags(cfg: PlatformConfig) -> dict[str, str]:
    """The required tags for this stack; every component passes them to each taggable child."""
    return {
        "environment": cfg.environment,
        "project": cfg.prefix,
        "owner": cfg.owner,
        "cost-center": cfg.cost_center,
        "managed-by": "pulumi",
    }
