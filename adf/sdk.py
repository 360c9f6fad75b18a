"""What the installed azure-native SDK says about ADF types: property names per type, read from its input classes.

Each `*Args` input class of `pulumi_azure_native.datafactory` names its properties with
`@pulumi.getter(name=...)`, and documents its `type` discriminator as "Expected value is '<type>'".
Reading both gives, per family (activity, dataset, ...) and ADF type, the property names azure-native
takes, so the authoring names that differ from them (only in letter case, e.g. `dataflow` for
`dataFlow`) are derived from the SDK rather than kept by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

_DISCRIMINATOR = re.compile(r":param [^:]*\btype: .*?Expected value is '([^']+)'", re.DOTALL)

FAMILIES = {
    "activity": "ActivityArgs",
    "dataset": "DatasetArgs",
    "linkedService": "LinkedServiceArgs",
    "trigger": "TriggerArgs",
    "integrationRuntime": "IntegrationRuntimeArgs",
    "credential": "CredentialArgs",
}
"""Family -> the suffix of its input classes' names."""


def _properties(cls: type) -> frozenset[str]:
    return frozenset(
        str(getattr(value.fget, "_pulumi_name"))  # noqa: B009 - set by @pulumi.getter, unknown to type checkers
        for value in vars(cls).values()
        if isinstance(value, property) and hasattr(value.fget, "_pulumi_name")
    )


@cache
def _family(suffix: str) -> Mapping[str, frozenset[str]]:
    from pulumi_azure_native.datafactory import _inputs

    types: dict[str, frozenset[str]] = {}
    for name in dir(_inputs):
        if not name.endswith(suffix):
            continue
        cls = getattr(_inputs, name)
        match = _DISCRIMINATOR.search(getattr(cls.__init__, "__doc__", None) or "")
        if match:
            types.setdefault(match.group(1), _properties(cls))
    return types


def type_properties(family: str, adf_type: str) -> frozenset[str] | None:
    """The property names azure-native takes for one ADF type (e.g. activity 'Copy'); None if it has no such type."""
    suffix = FAMILIES.get(family)
    return _family(suffix).get(adf_type) if suffix else None


@cache
def _by_lower(family: str, adf_type: str) -> Mapping[str, str]:
    return {name.lower(): name for name in type_properties(family, adf_type) or ()}


def sdk_name(family: str, adf_type: str, key: str) -> str:
    """azure-native's spelling of an authoring key of one ADF type: the same key unless it differs only in case."""
    return _by_lower(family, adf_type).get(key.lower(), key)


@cache
def sdk_envelope(family: str) -> frozenset[str]:
    """The properties every type of a family has (a dataset's `schema`, `parameters`, ...): what sits outside
    typeProperties in ADF's JSON, and what a flattened typeProperties key must not land on."""
    suffix = FAMILIES.get(family)
    types = list(_family(suffix).values()) if suffix else []
    return frozenset.intersection(*types) if types else frozenset()
