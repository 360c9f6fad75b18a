"""Pulumi ESC environments that a stack file imports (`environment:`), opened for the offline plan with the `esc` CLI.

Under `pulumi preview`/`up` the Pulumi CLI opens a stack's environments itself and hands the program their
`pulumiConfig` values as stack config (https://www.pulumi.com/docs/esc/guides/pulumi-iac/). The offline plan reads
the stack file alone, so it opens the environments with `esc env open <name> pulumiConfig --format detailed` where the
`esc` CLI is installed and logged in (https://www.pulumi.com/docs/esc/cli/commands/esc_env_open/). The detailed
format is ESC's own `Value` as JSON, `{"value": ..., "secret": true|false, "unknown": true|false, "trace": ...}`
at every level (pulumi/esc value.go), which says which values are secret; a secret becomes the same placeholder
as a `secure:` value of the stack file, so no secret enters the offline plan.

As the Pulumi CLI does, environments merge in order, later values over earlier ones (objects key by key), and a key
the stack file sets itself wins over every environment's. Where `esc` is missing or cannot open an environment,
the plan goes on without its values and says so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ESC_COMMAND = "esc"
OPEN_TIMEOUT_SECONDS = 60


@dataclass
class OpenedEnvironments:
    """What the environments gave: their merged `pulumiConfig` (keys as written there) and what could not be read."""

    config: dict[str, Any] = field(default_factory=dict)
    """Plain values; secrets already replaced by the offline placeholder."""
    secret_keys: set[str] = field(default_factory=set)
    """Keys of `config` with a secret anywhere in their value."""
    unresolved: list[str] = field(default_factory=list)
    """The environments whose values are missing from `config`."""
    warnings: list[str] = field(default_factory=list)


class _UnknownValueError(Exception):
    """A value ESC could not compute yet."""


def _plain(value: Any, placeholder: str) -> tuple[Any, bool]:
    """An ESC detailed `Value` as plain JSON, secrets replaced by `placeholder`; and whether it held a secret."""
    if not isinstance(value, Mapping):
        raise ValueError(f"expected ESC's detailed value, an object with 'value', got {value!r}")
    if value.get("unknown"):
        raise _UnknownValueError
    if value.get("secret"):
        return placeholder, True
    inner = value.get("value")
    if isinstance(inner, Mapping):
        pairs = {key: _plain(item, placeholder) for key, item in inner.items()}
        return {key: pair[0] for key, pair in pairs.items()}, any(pair[1] for pair in pairs.values())
    if isinstance(inner, list):
        items = [_plain(item, placeholder) for item in inner]
        return [item[0] for item in items], any(item[1] for item in items)
    return inner, False


def _merge(base: Any, update: Any) -> Any:
    """ESC's merge of a later environment over an earlier one: objects key by key, anything else replaced."""
    if isinstance(base, dict) and isinstance(update, dict):
        merged = dict(base)
        for key, item in update.items():
            merged[key] = _merge(base[key], item) if key in base else item
        return merged
    return update


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "no message"


def open_environments(names: Sequence[str], stack_file: str, placeholder: str) -> OpenedEnvironments:
    """Open each environment's `pulumiConfig` with the `esc` CLI, in order; report what could not be opened."""
    opened = OpenedEnvironments()
    if not names:
        return opened
    executable = shutil.which(ESC_COMMAND)
    if executable is None:
        opened.unresolved = list(names)
        opened.warnings.append(
            f"{stack_file} imports the ESC environment(s) {', '.join(names)}; the offline plan does not resolve "
            f"them without the `{ESC_COMMAND}` CLI, so their pulumiConfig values are missing from this plan "
            f"(install {ESC_COMMAND} and run `{ESC_COMMAND} login` to resolve them)"
        )
        return opened
    for name in names:
        command = [executable, "env", "open", name, "pulumiConfig", "--format", "detailed"]
        try:
            completed = subprocess.run(
                command, capture_output=True, text=True, timeout=OPEN_TIMEOUT_SECONDS, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            reason = f"{exc.__class__.__name__}: {exc}"
        else:
            reason = "" if completed.returncode == 0 else _first_line(completed.stderr or completed.stdout)
        values: dict[str, Any] = {}
        if not reason:
            try:
                document = json.loads(completed.stdout)
                if not isinstance(document, Mapping):
                    raise ValueError("expected ESC's detailed value, an object")
                # A path the environment does not define comes back as a value without "value".
                plain = document.get("value", {})
                if not isinstance(plain, Mapping):
                    raise ValueError("its pulumiConfig is not an object of config keys")
                for key, item in plain.items():
                    values[key], secret = _plain(item, placeholder)
                    if secret:
                        opened.secret_keys.add(key)
            except _UnknownValueError:
                reason = "it has values ESC could not compute (unknown)"
            except (ValueError, TypeError, AttributeError) as exc:
                reason = f"unexpected output of `{ESC_COMMAND} env open`: {exc}"
        if reason:
            opened.unresolved.append(name)
            opened.warnings.append(
                f"{stack_file} imports the ESC environment {name}, which `{ESC_COMMAND} env open` could not open "
                f"({reason}); its pulumiConfig values are missing from this plan"
            )
            continue
        opened.config = _merge(opened.config, values)
    return opened
