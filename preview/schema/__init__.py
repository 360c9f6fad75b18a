"""Offline schema check of registered resource inputs against the installed provider SDKs.

Pulumi's mock engine accepts any input shape, while a real ``pulumi preview`` rejects
properties the provider schema lacks, missing required properties, wrong union members
and wrong value types. This package closes that gap for ``azure-native:*`` and
``random:*`` resources by reading the schema back out of the installed Python SDKs
(``pulumi_azure_native``, ``pulumi_random``) through introspection, so it can never
drift from the provider version actually pinned:

* ``resources``: type token -> resource class, through the SDK's own resource-module
  registry (the mapping the Pulumi runtime uses to rehydrate resources), then the
  ``args`` overload of the resource's ``__init__`` for the ``*Args`` / ``*InitArgs`` class;
* ``classes``: per ``@pulumi.input_type`` class, the property names (its
  ``@pulumi.getter(name=...)`` table), the required properties (keyword parameters of
  ``__init__`` without a default) and the union discriminators (the constants that
  ``__init__`` stores itself, ``pulumi.set(__self__, "type", 'Copy')``, read from its
  bytecode, with the generated "Expected value is '...'" getter docs as a fallback);
* ``annotations``: the value types, from the annotations of the ``__init__`` parameters,
  forward references resolved lazily in the defining module (``_inputs``/``_enums``);
* ``check``: walks the inputs against all of that and lists every violation.

Everything is derived lazily and cached per type token / input class, so a plan with
thousands of resources pays the introspection cost once per class, and a union of a
hundred activity types reads only its members' discriminators until one is chosen.
"""

from __future__ import annotations

from preview.schema.check import (
    SECRET,
    UNKNOWN,
    SchemaCheckError,
    SchemaViolation,
    assert_valid,
    check_inputs,
)
from preview.schema.resources import CHECKED_PACKAGES, args_class, is_taggable

__all__ = [
    "CHECKED_PACKAGES",
    "SECRET",
    "UNKNOWN",
    "SchemaCheckError",
    "SchemaViolation",
    "args_class",
    "assert_valid",
    "check_inputs",
    "is_taggable",
]
