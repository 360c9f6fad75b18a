"""The tags every taggable resource carries, merged in one place."""

from __future__ import annotations

from stack.config import PlatformConfig

REQUIRED_TAGS = ("environment", "project", "owner", "cost-center", "managed-by")


def base_tags(cfg: PlatformConfig) -> dict[str, str]:
    """The required tags for this stack; components add their own on top with `merged_tags`."""
    return {
        "environment": cfg.environment,
        "project": cfg.prefix,
        "owner": cfg.owner,
        "cost-center": cfg.cost_center,
        "managed-by": "pulumi",
    }


def merged_tags(base: dict[str, str], **extra: str) -> dict[str, str]:
    """Component-specific tags never override the required ones."""
    return {**extra, **base}
