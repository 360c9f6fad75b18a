"""Reading `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program, once, for every
user, refusing what the CLI would refuse and what it would silently get wrong.

- The project file must be a mapping with a `name`: config keys live under that name.
- A stack file is a mapping of the settings Pulumi documents for it
  (https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/): `config`, `environment`,
  `secretsprovider`, `encryptedkey`, `encryptionsalt`. Anything else is refused with the closest setting.
- A key given twice in one mapping is refused with both lines. PyYAML would keep the last silently; the Pulumi CLI's
  YAML parser refuses the file.
- `environment:` imports Pulumi ESC environments, opened with the `esc` CLI where it is installed (stack/esc.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from stack.errors import ConfigError, InputError
from stack.esc import open_environments
from stack.paths import PROJECT_FILE
from stack.stack_names import check_stack_name
from stack.suggest import did_you_mean

OFFLINE_SECRET = "offline-placeholder-for-an-encrypted-value"
"""What an encrypted (`secure:`) value, or an ESC secret, becomes offline, where it is not decrypted."""

STACK_SETTINGS = ("config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt")
"""The top-level settings of a stack file (Pulumi's stack settings file reference)."""


class ProjectFileError(InputError):
    """`Pulumi.yaml` is missing, not YAML, not a mapping, or names no project."""


class StackFileError(InputError):
    """The stack file is missing, not YAML, or not shaped like a Pulumi stack file."""


class DuplicateKeyError(StackFileError):
    """A mapping in a stack file (or the project file) gives one key twice."""


class UnresolvedEnvironmentError(ConfigError):
    """Required config keys are missing, and the stack imports ESC environments the offline plan could not open."""


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: Any, first_line: int, line: int) -> None:
        super().__init__(f"'{key}' appears twice, on lines {first_line} and {line}")
        self.key, self.first_line, self.line = key, first_line, line


SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader on libyaml's parser where the wheel has it (ten times faster), else the pure-Python one."""


class _UniqueKeyLoader(SAFE_LOADER):  # type: ignore[valid-type,misc]
    """PyYAML's safe loader, refusing a mapping that gives one key twice."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<:` merges another mapping; its keys may repeat
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: PyYAML refuses it with its own message
                continue
            if first is not None:
                raise _DuplicateKey(key, first, line)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def _load_yaml(path: Path, error: type[InputError]) -> Any:
    try:
        return yaml.load(path.read_text(), Loader=_UniqueKeyLoader)
    except _DuplicateKey as exc:
        raise DuplicateKeyError(
            f"{path.name}: key '{exc.key}' is given twice, on lines {exc.first_line} and {exc.line}; YAML would keep "
            "only the last and the Pulumi CLI refuses the file: keep one"
        ) from None
    except yaml.YAMLError as exc:
        raise error(f"{path.name}: not valid YAML: {exc}") from exc


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number", bool: "true or false"}.get(
        type(value), type(value).__name__
    )


def project_name(project_dir: Path) -> str:
    """The project's name from `Pulumi.yaml`: the namespace of its config keys."""
    path = project_dir / PROJECT_FILE
    if not path.is_file():
        raise ProjectFileError(
            f"{PROJECT_FILE}: not found in {project_dir}; run from the project's directory, the one whose "
            f"{PROJECT_FILE} names the project (`name:`) and its runtime"
        )
    document = _load_yaml(path, ProjectFileError)
    if not isinstance(document, dict):
        raise ProjectFileError(
            f"{PROJECT_FILE}: expected a mapping of project settings (name, runtime, ...), got {_kind(document)}"
        )
    name = document.get("name")
    if not isinstance(name, str) or not name.strip():
        found = "has no `name`" if name is None else f"has `name: {name!r}`"
        raise ProjectFileError(
            f"{PROJECT_FILE}: {found}; `name` is required: the project's name, a string of letters, digits, "
            "hyphens, underscores or periods, under which its config keys live (`<name>:<key>`)"
        )
    return name


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


def _as_config_string(value: Any) -> str:
    """A config value the way the Pulumi CLI hands it to a program: JSON for objects and lists, strings otherwise."""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _environment_names(value: Any, file: str) -> tuple[list[str], list[str]]:
    """The environments `environment:` imports, in order; and warnings for what the offline plan does not evaluate."""
    allowed = (
        "allowed: an environment name, a list of names ([<project>/]<environment>), or an inline definition "
        "with `imports` and `values`"
    )
    warnings: list[str] = []
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"imports", "values"})
        if unknown:
            raise StackFileError(f"{file}: environment.{unknown[0]}: not part of an inline definition; {allowed}")
        if value.get("values"):
            warnings.append(
                f"{file}: the values of its inline environment definition are not evaluated by the offline plan; "
                "keys they would set are missing from this plan"
            )
        value = value.get("imports") or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise StackFileError(f"{file}: environment: got {_kind(value)}; {allowed}")
    names = []
    for index, item in enumerate(value):
        # An ESC import may carry options: `- project/env: {merge: false}`.
        name = next(iter(item)) if isinstance(item, dict) and len(item) == 1 else item
        if not isinstance(name, str) or not name:
            raise StackFileError(f"{file}: environment[{index}]: got {_kind(item)}; {allowed}")
        names.append(name)
    return names, warnings


@dataclass
class StackFile:
    """A stack's config as the Pulumi CLI would hand it to the program, and what the offline read could not see."""

    name: str
    """The file's name, `Pulumi.<stack>.yaml`, for messages."""
    project: str
    """The project's name (`Pulumi.yaml`): the namespace of its own config keys."""
    values: dict[str, str]
    """`namespace:key` -> value as a string (JSON for objects), ESC environments' values included."""
    secret_keys: list[str]
    environments: list[str] = field(default_factory=list)
    """The ESC environments the file imports, in order."""
    unresolved_environments: list[str] = field(default_factory=list)
    """Those whose values are missing offline (no `esc` CLI, or it could not open them)."""
    warnings: list[str] = field(default_factory=list)
    """What the plan should say before it runs: one line each."""

    def explain(self, error: InputError) -> InputError:
        """`error`, or, when it reports missing keys that unresolved ESC environments may hold, one that says so."""
        if not (isinstance(error, ConfigError) and error.missing_keys and self.unresolved_environments):
            return error
        hint = (
            f"{self.name}: {', '.join(error.missing_keys)} may come from the ESC environment(s) it imports "
            f"({', '.join(self.unresolved_environments)}), which the offline plan could not read; install the esc "
            "CLI and log in (`esc login`), or set the keys in the stack file"
        )
        explained = UnresolvedEnvironmentError(f"{error}\n  {hint}", missing_keys=error.missing_keys)
        explained.registered_before_failure = error.registered_before_failure
        return explained


def read_stack_file(project_dir: Path, stack: str) -> StackFile:
    """Read and check `Pulumi.<stack>.yaml` (and `Pulumi.yaml`); open the ESC environments it imports."""
    check_stack_name(stack)
    project = project_name(project_dir)
    path = project_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        available = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))
        raise StackFileError(f"{path.name}: no such stack file; stacks: {', '.join(available) or 'none'}")
    document = _load_yaml(path, StackFileError)
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise StackFileError(
            f"{path.name}: expected a mapping of stack settings ({', '.join(STACK_SETTINGS)}), got {_kind(document)}"
        )
    for setting in document:
        if setting not in STACK_SETTINGS:
            raise StackFileError(
                f"{path.name}: {setting}: not a stack file setting{did_you_mean(str(setting), STACK_SETTINGS)}; "
                f"allowed: {', '.join(STACK_SETTINGS)}"
            )
    raw = document.get("config") or {}
    if not isinstance(raw, dict):
        raise StackFileError(f"{path.name}: 'config' must be a mapping of keys to values, got {_kind(raw)}")
    environments, warnings = _environment_names(document.get("environment") or [], path.name)
    opened = open_environments(environments, path.name, OFFLINE_SECRET)

    values: dict[str, str] = {}
    secret_keys: list[str] = []

    def add(key: Any, value: Any, secret: bool) -> None:
        if not isinstance(key, str):
            raise StackFileError(f"{path.name}: config key {key!r} is {_kind(key)}; keys are `<namespace>:<name>`")
        full_key = key if ":" in key else f"{project}:{key}"
        plain, found = _unsecure(value)
        if (secret or found) and full_key not in secret_keys:
            secret_keys.append(full_key)
        elif not (secret or found) and full_key in secret_keys:
            secret_keys.remove(full_key)
        values[full_key] = _as_config_string(plain)

    for key, value in opened.config.items():
        add(key, value, key in opened.secret_keys)
    for key, value in raw.items():  # the stack file's own keys win over the environments'
        add(key, value, False)
    return StackFile(
        name=path.name,
        project=project,
        values=values,
        secret_keys=secret_keys,
        environments=environments,
        unresolved_environments=opened.unresolved + (["(inline definition)"] if warnings else []),
        warnings=warnings + opened.warnings,
    )


def read_stack_config(project_dir: Path, stack: str) -> tuple[dict[str, str], list[str]]:
    """Config as the Pulumi CLI hands it to a program: strings, JSON for objects, plus the secret keys."""
    stack_file = read_stack_file(project_dir, stack)
    return stack_file.values, stack_file.secret_keys
