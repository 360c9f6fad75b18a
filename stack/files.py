"""Reading `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program, once, for every user."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from stack.errors import InputError

OFFLINE_SECRET = "offline-placeholder-for-an-encrypted-value"
"""What an encrypted (`secure:`) value becomes offline, where it cannot be decrypted."""


class StackFileError(InputError):
    """The stack file is missing, not YAML, or not shaped like a Pulumi stack file."""


def project_name(project_dir: Path) -> str:
    with (project_dir / "Pulumi.yaml").open() as handle:
        return str(yaml.safe_load(handle)["name"])


def _unsecure(value: Any) -> tuple[Any, bool]:
    """Replace `{secure: ...}` leaves with a placeholder; report whether any was found."""
    if isinstance(value, dict):
        if set(value) == {"secure"}:
            return OFFLINE_SECRET, True
        found = False
        out = {}
        for key, item in value.items():
            out[key], item_secret = _unsecure(item)
            found = found or item_secret
        return out, found
    if isinstance(value, list):
        pairs = [_unsecure(item) for item in value]
        return [p[0] for p in pairs], any(p[1] for p in pairs)
    return value, False


def read_stack_config(project_dir: Path, stack: str) -> tuple[dict[str, str], list[str]]:
    """Config as the Pulumi CLI hands it to a program: strings, JSON for objects, plus the secret keys."""
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        available = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))
        raise StackFileError(f"{path.name}: no such stack file; stacks: {', '.join(available) or 'none'}")
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise StackFileError(f"{path.name}: not valid YAML: {exc}") from exc
    raw = document.get("config") or {}
    if not isinstance(raw, dict):
        raise StackFileError(f"{path.name}: 'config' must be a mapping of keys to values")
    values: dict[str, str] = {}
    secret_keys: list[str] = []
    project = project_name(project_dir)
    for key, value in raw.items():
        full_key = key if ":" in key else f"{project}:{key}"
        plain, is_secret = _unsecure(value)
        if is_secret:
            secret_keys.append(full_key)
        if isinstance(plain, (dict, list)):
            values[full_key] = json.dumps(plain)
        elif isinstance(plain, bool):
            values[full_key] = "true" if plain else "false"
        else:
            values[full_key] = str(plain)
    return values, secret_keys
