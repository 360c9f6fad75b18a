"""Argument types that every component shares, declared once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi


@dataclass(frozen=True, kw_only=True)
class Placement:
    """Where a component's resources live and how they are labelled."""

    resource_group_name: pulumi.Input[str]
    """The resource group of every child."""
    location: str
    """Azure region of every child."""
    tags: Mapping[str, str]
    """Tags for every taggable child."""
    protect: bool = False
    """Protect the stateful children and lock them against deletion."""


@dataclass(frozen=True, kw_only=True)
class PlatformContext(Placement):
    """A placement inside a running platform: the subscription for role ids and the workspace for diagnostics."""

    subscription_id: pulumi.Input[str]
    """Subscription, for role definition ids."""
    workspace_id: pulumi.Input[str]
    """Log Analytics workspace that receives the component's diagnostics."""
