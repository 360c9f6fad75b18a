"""What one ``@pulumi.input_type`` class accepts: properties, required names, discriminators."""

from __future__ import annotations

import difflib
import dis
import inspect
import re
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from pulumi import _types as pulumi_types

from preview.schema.annotations import Spec, fmt_list, init_of, spec_for

_EXPECTED_RE = re.compile(r"Expected value is '([^']*)'")

# Opcodes of the ``__self__, <const name>, <const value>`` pattern, looked up by name so that the
# scan follows the running interpreter (LOAD_FAST_CHECK and LOAD_SMALL_INT exist only in newer ones).
# Superinstructions that load two locals at once (LOAD_FAST_LOAD_FAST) never load ``__self__`` alone.
_LOAD_FAST = frozenset(
    op for name, op in dis.opmap.items() if name.startswith("LOAD_FAST") and name.count("LOAD_FAST") == 1
)
_LOAD_CONST = dis.opmap["LOAD_CONST"]
_LOAD_SMALL_INT = dis.opmap.get("LOAD_SMALL_INT")
_EXTENDED_ARG = dis.EXTENDED_ARG
_SKIPPED = frozenset(dis.opmap[name] for name in ("CACHE", "NOP") if name in dis.opmap)


@cache
def py_to_pulumi_names(cls: type) -> dict[str, str]:
    return pulumi_types.input_type_py_to_pulumi_names(cls)


class ObjectSchema:
    """Properties, required names and constants of one ``@pulumi.input_type`` class."""

    __slots__ = ("cls", "consts", "fields", "required")

    def __init__(self, cls: type) -> None:
        self.cls = cls
        module_name = cls.__module__
        py_to_pulumi = py_to_pulumi_names(cls)
        fields: dict[str, Spec] = {}
        required: list[str] = []
        for name, param in inspect.signature(init_of(cls)).parameters.items():
            if param.kind not in (param.KEYWORD_ONLY, param.POSITIONAL_OR_KEYWORD):
                continue
            if name in ("self", "__self__"):
                continue
            pulumi_name = py_to_pulumi.get(name, name)
            annotation = param.annotation if param.annotation is not param.empty else Any
            fields[pulumi_name] = spec_for((annotation,), module_name)
            if param.default is param.empty:
                required.append(pulumi_name)
        # Settable properties that the initializer does not take (rare) still exist.
        for _py_name, pulumi_name, prop in pulumi_types._py_properties(cls):
            if pulumi_name not in fields:
                annotation = getattr(prop.fget, "__annotations__", {}).get("return", Any)
                fields[pulumi_name] = spec_for((annotation,), module_name)
        self.fields = fields
        self.required = tuple(required)
        self.consts = constants(cls)

    def unknown(self, key: str, value: Any = None) -> str:
        """Reason text for a property the schema does not have, with a hint where one helps."""
        allowed = sorted(self.fields)
        reason = f"property '{key}' does not exist on {self.cls.__name__}; allowed: {fmt_list(allowed)}"
        if isinstance(value, Mapping) and value and all(k in self.fields for k in value):
            # The SDK flattens wrappers such as ADF's ``typeProperties`` into the parent.
            inner = ", ".join(sorted(str(k) for k in value)[:5])
            return reason + f"; its keys ({inner}) are properties of this object: move them up one level"
        camel = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), key)
        close = [camel] if camel != key and camel in self.fields else []
        close = close or difflib.get_close_matches(key, allowed, n=2, cutoff=0.75)
        if close:
            reason += "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
        return reason


@cache
def object_schema(cls: type) -> ObjectSchema:
    return ObjectSchema(cls)


def _instruction_at(raw: bytes, index: int) -> tuple[int, int, int]:
    """(opcode, argument, index of the next instruction) of the instruction at `index` of the wordcode.

    CACHE and NOP entries are stepped over and EXTENDED_ARG prefixes folded into the argument, so two
    instructions that follow each other here follow each other in the function.
    """
    extended = 0
    while index < len(raw):
        op, arg = raw[index], raw[index + 1] | extended
        index += 2
        if op == _EXTENDED_ARG:
            extended = arg << 8
        elif op not in _SKIPPED:
            return op, arg, index
        else:
            extended = 0
    return -1, 0, index


def _pinned(code: Any) -> Iterator[tuple[str, Any]]:
    """(name, value) of each ``__self__, <const name>, <const value>`` instruction triple in `code`.

    The scan looks only where the wordcode loads ``__self__`` (found with `bytes.find`), then decodes
    the two instructions after it: ``dis.get_instructions``, or decoding every instruction, made this
    scan the slowest part of the check (azure-native's ADF unions have about 500 classes).
    """
    if "__self__" not in code.co_varnames:
        return
    self_index = code.co_varnames.index("__self__")
    if self_index > 0xFF:
        return
    raw, consts = code.co_code, code.co_consts
    for load_fast in _LOAD_FAST:
        needle = bytes((load_fast, self_index))
        index = raw.find(needle)
        while index >= 0:
            # Instructions start at even offsets; an EXTENDED_ARG before it would make it another local.
            if index % 2 == 0 and not (index >= 2 and raw[index - 2] == _EXTENDED_ARG):
                op2, arg2, after = _instruction_at(raw, index + 2)
                op3, arg3, _ = _instruction_at(raw, after)
                if op2 == _LOAD_CONST and isinstance(consts[arg2], str):
                    if op3 == _LOAD_CONST and consts[arg3] is not None:
                        yield consts[arg2], consts[arg3]
                    elif op3 == _LOAD_SMALL_INT:
                        yield consts[arg2], arg3
            index = raw.find(needle, index + 1)


@cache
def constants(cls: type) -> dict[str, Any]:
    """Properties the initializer pins to a literal: the union discriminators.

    Generated SDKs write ``pulumi.set(__self__, "type", 'Copy')`` for them; scanning the
    bytecode for ``__self__, <const name>, <const value>`` reads that without needing the
    source file. The generated "Expected value is '...'" getter docs are the fallback.
    """
    py_to_pulumi = py_to_pulumi_names(cls)
    code = getattr(init_of(cls), "__code__", None)
    consts = {py_to_pulumi.get(name, name): value for name, value in (_pinned(code) if code is not None else ())}
    if not consts:
        for _py_name, pulumi_name, prop in pulumi_types._py_properties(cls):
            match = _EXPECTED_RE.search(prop.fget.__doc__ or "") if prop.fget else None
            if match:
                consts[pulumi_name] = match.group(1)
    return consts


class Dispatch:
    """Discriminator tables for a union of input classes."""

    __slots__ = ("by_prop", "plain")

    def __init__(self, classes: tuple[type, ...]) -> None:
        self.by_prop: dict[str, dict[Any, list[type]]] = {}
        self.plain: list[type] = []
        for cls in classes:
            consts = constants(cls)
            if not consts:
                self.plain.append(cls)
            for prop, value in consts.items():
                self.by_prop.setdefault(prop, {}).setdefault(value, []).append(cls)
        # A constant shared by every member (e.g. a fixed ``kind``) does not discriminate.
        for prop in [p for p, table in self.by_prop.items() if len(table) == 1 and len(classes) > 1]:
            if len(next(iter(self.by_prop[prop].values()))) == len(classes):
                del self.by_prop[prop]


@cache
def dispatch(classes: tuple[type, ...]) -> Dispatch:
    return Dispatch(classes)
