"""What the rules need to know about the stack: its environment, the config they compare against, overrides.

The source is always the stack's own config (`Pulumi.<stack>.yaml`):

* offline, `policy.offline` gets the `PlatformConfig` the plan already parsed from the stack file;
* in a real preview, the Pulumi engine starts the pack with the stack's config in the
  `PULUMI_CONFIG` environment variable (as it does for the program); `from_pulumi_runtime`
  parses it into a `PlatformConfig` with the program's own config model.

So no separate pack config is needed. Without any stack config (the pack run against another
project) the environment is derived from each resource's `environment` tag and the rules that
compare against config are skipped.

Overrides lower a rule from mandatory to advisory for one stack, each with a written reason, under
the stack config key `data-platform:policy`:

    data-platform:policy:
      datafactory-public-network-access:
        enforcement: advisory
        reason: Partner integration runtime needs public access until the private endpoint lands (PLAT-123).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from stack.config import PROJECT, PlatformConfig, parse_config, parse_value
from stack.errors import InputError

POLICY_KEY = f"{PROJECT}:policy"
ENVIRONMENT_KEY = f"{PROJECT}:environment"

Enforcement = Literal["advisory", "mandatory"]
ENFORCEMENT_LEVELS: tuple[Enforcement, ...] = ("advisory", "mandatory")


class PolicyConfigError(InputError, ValueError):
    """The policy overrides in the stack config (or passed in) are not valid."""


@dataclass(frozen=True)
class Override:
    """One rule's enforcement for this stack, and why."""

    enforcement: Enforcement
    reason: str


@dataclass(frozen=True)
class PolicySettings:
    """Everything stack-specific the rules read; the defaults mean "not known"."""

    environment: str | None = None
    """dev, test or prod; None derives it from the resources' `environment` tag."""
    data_factory_public_network_access: bool | None = None
    """`dataFactory.publicNetworkAccess` of the stack config; None skips the rule that compares against it."""
    overrides: Mapping[str, Override] = field(default_factory=dict)
    """Rule name -> enforcement for this stack."""
    secrets_masked: bool = False
    """True offline, where Pulumi secrets appear as "[secret]"; a real preview hands the pack decrypted values."""

    def enforcement(self, rule: str) -> Enforcement:
        override = self.overrides.get(rule)
        return override.enforcement if override else "mandatory"

    def reason(self, rule: str) -> str | None:
        override = self.overrides.get(rule)
        return override.reason if override else None


def normalize_overrides(raw: Any, source: str) -> dict[str, Override]:
    """`{rule: {enforcement, reason}}` (mappings or objects with those attributes) -> `{rule: Override}`.

    Lowering a rule to advisory needs a written reason; anything but advisory/mandatory is refused.
    """
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise PolicyConfigError(f"{source}: must map rule names to {{enforcement, reason}}, got {raw!r}")
    out: dict[str, Override] = {}
    problems: list[str] = []
    for rule, value in raw.items():
        if isinstance(value, Mapping):
            enforcement, reason = value.get("enforcement"), value.get("reason")
        elif isinstance(value, str):
            enforcement, reason = value, None
        else:
            enforcement, reason = getattr(value, "enforcement", None), getattr(value, "reason", None)
        if enforcement not in ENFORCEMENT_LEVELS:
            problems.append(f"{rule}: enforcement must be one of {', '.join(ENFORCEMENT_LEVELS)} (got {enforcement!r})")
            continue
        reason_text = str(reason).strip() if reason is not None else ""
        if enforcement == "advisory" and not reason_text:
            problems.append(f"{rule}: lowering a rule to advisory needs a written reason")
            continue
        out[str(rule)] = Override(cast(Enforcement, enforcement), reason_text)
    if problems:
        raise PolicyConfigError(f"{source}: invalid policy overrides:\n  " + "\n  ".join(problems))
    return out


def settings_from_config(
    config: PlatformConfig | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    secrets_masked: bool,
) -> PolicySettings:
    """Settings from the stack's parsed `PlatformConfig` (None: no stack config known).

    `overrides` (same shape as `data-platform:policy`) win over the ones in the config.
    """
    merged = normalize_overrides(config.policy if config else None, POLICY_KEY)
    merged.update(normalize_overrides(overrides, "policy overrides"))
    return PolicySettings(
        environment=config.environment if config else None,
        data_factory_public_network_access=config.data_factory.public_network_access if config else None,
        overrides=merged,
        secrets_masked=secrets_masked,
    )


def from_pulumi_runtime() -> PolicySettings:
    """Settings in a real preview: the stack config the engine hands the pack in `PULUMI_CONFIG`, parsed once."""
    from pulumi.runtime import config as runtime_config

    values: dict[str, Any] = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    if ENVIRONMENT_KEY not in values:
        # Not a stack of this project: nothing to compare against, only the overrides it may carry.
        return settings_from_config(None, parse_value(values.get(POLICY_KEY)), secrets_masked=False)
    # Every key counts as secret here: whether secret values were encrypted is the program's check, not the pack's.
    return settings_from_config(parse_config(values, set(values), "stack config"), secrets_masked=False)


__all__ = [
    "ENFORCEMENT_LEVELS",
    "Enforcement",
    "Override",
    "PolicyConfigError",
    "PolicySettings",
    "from_pulumi_runtime",
    "normalize_overrides",
    "settings_from_config",
]
