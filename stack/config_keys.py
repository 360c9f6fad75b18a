"""Which config keys a stack may have: the namespaces, and the keys the Azure Native provider reads.

A key is `<namespace>:<name>`. The namespaces are the project's own (its `Pulumi.yaml` name: the program's keys),
`azure-native` (the provider's configuration), `pulumi` (the engine's, e.g. `pulumi:tags`) and `random` (the
random provider's). A key in any other namespace is read by nothing, so it is refused, with the key it most likely
meant: without that, `data-platfrom:timeZone` would be ignored and a misspelt required key reported only as missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from stack.suggest import closest

LOCATION_KEY = "azure-native:location"
PROVIDER_NAMESPACES = ("azure-native", "pulumi", "random")
"""The namespaces besides the project's own that a stack of this project may set keys in."""


@cache
def azure_native_keys() -> frozenset[str]:
    """The config keys the Azure Native provider reads, from its SDK's `config` module (generated from the provider's
    schema: one property per key, whose getter reads `__config__.get('<key>')`)."""
    from pulumi_azure_native.config import vars as provider_config

    keys: set[str] = set()
    for attribute in vars(provider_config._ExportableConfig).values():
        if isinstance(attribute, property) and attribute.fget is not None:
            keys.update(
                const for const in attribute.fget.__code__.co_consts if isinstance(const, str) and const.isidentifier()
            )
    return frozenset(keys)


@dataclass
class KeyCheck:
    """The outcome of checking every key's namespace."""

    project_keys: dict[str, str] = field(default_factory=dict)
    """`name` -> full key, for the keys in the project's namespace."""
    problems: list[str] = field(default_factory=list)
    near_misses: dict[str, str] = field(default_factory=dict)
    """Allowed full key -> the refused key that looks like it, so that "missing" can point at the typo."""


def check_keys(keys: Iterable[str], project: str, stack_file: str) -> KeyCheck:
    """Sort the keys into the project's and the providers'; one problem per key no namespace reads."""
    known = (project, *PROVIDER_NAMESPACES)
    check = KeyCheck()
    for full_key in sorted(keys):
        namespace, colon, name = full_key.partition(":")
        if not colon:
            check.problems.append(
                f"{stack_file}: {full_key}: keys are `<namespace>:<name>`; namespaces: {', '.join(known)}"
            )
        elif namespace == project:
            check.project_keys[name] = full_key
        elif namespace == "azure-native":
            allowed = azure_native_keys()
            if name not in allowed:
                match = closest(name, allowed)
                if match:
                    check.near_misses[f"azure-native:{match}"] = full_key
                hint = f" (did you mean 'azure-native:{match}'?)" if match else ""
                check.problems.append(
                    f"{stack_file}: {full_key}: not a key of the Azure Native provider{hint}; "
                    f"allowed: {', '.join(sorted(allowed))}"
                )
        elif namespace not in PROVIDER_NAMESPACES:
            match = closest(namespace, known)
            if match:
                check.near_misses[f"{match}:{name}"] = full_key
            hint = f" (did you mean '{match}:{name}'?)" if match else ""
            check.problems.append(
                f"{stack_file}: {full_key}: unknown namespace '{namespace}', which nothing reads{hint}; "
                f"allowed namespaces: {', '.join(known)}"
            )
    return check
