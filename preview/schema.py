"""Offline schema check of registered resource inputs against the installed provider SDKs.

Pulumi's mock engine accepts any input shape, while a real ``pulumi preview`` rejects
properties the provider schema lacks, missing required properties, wrong union members
and wrong value types. This module closes that gap for ``azure-native:*`` and
``random:*`` resources by reading the schema back out of the installed Python SDKs
(``pulumi_azure_native``, ``pulumi_random``) through introspection, so it can never
drift from the provider version actually pinned:

* type token -> resource class: the SDK's own resource-module registry (the mapping the
  Pulumi runtime uses to rehydrate resources), then the ``args`` overload of the
  resource's ``__init__`` for the ``*Args`` / ``*InitArgs`` class;
* property names: the ``@pulumi.getter(name=...)`` table of each ``@pulumi.input_type``;
* required properties: keyword parameters of the ``*Args.__init__`` without a default;
* value types: the annotations of the ``*Args.__init__`` parameters, forward references
  resolved lazily in the defining module (``_inputs``/``_enums``);
* union discriminators: the constants that ``*Args.__init__`` stores itself
  (``pulumi.set(__self__, "type", 'Copy')``), read from its bytecode, with the
  generated "Expected value is '...'" getter docs as a fallback.

Everything is derived lazily and cached per type token / input class, so a plan with
thousands of resources pays the introspection cost once per class.
"""

from __future__ import annotations

import collections.abc
import difflib
import dis
import enum
import importlib
import importlib.metadata
import inspect
import re
import sys
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ForwardRef, Union

import pulumi
from pulumi import _types as pulumi_types
from pulumi.runtime import rpc as pulumi_rpc

from stack.errors import InputError

__all__ = [
    "CHECKED_PACKAGES",
    "SECRET",
    "UNKNOWN",
    "SchemaCheckError",
    "SchemaViolation",
    "assert_valid",
    "check_inputs",
]

SECRET = "[secret]"
"""Placeholder for a secret value; its real type is unknowable offline, so it passes."""

UNKNOWN = "[unknown]"
"""Placeholder for a value only known at deployment time; accepted for any type."""

CHECKED_PACKAGES: tuple[str, ...] = ("azure-native", "random")
"""Provider packages whose resources are validated; other tokens (components, stack,
provider resources) are outside the scope of a provider schema and are skipped."""

_SENTINELS = frozenset({SECRET, UNKNOWN})
_MAX_LISTED = 40
_EXPECTED_RE = re.compile(r"Expected value is '([^']*)'")
_NONE_TYPE = type(None)
_SEQUENCE_ORIGINS = (
    collections.abc.Sequence,
    collections.abc.MutableSequence,
    list,
    tuple,
)
_MAPPING_ORIGINS = (collections.abc.Mapping, collections.abc.MutableMapping, dict)
_KIND_NAMES: dict[type, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
}
_IDENT_RE = re.compile(r"^[A-Za-z_$@][A-Za-z0-9_$@\-]*$")


@dataclass(frozen=True)
class SchemaViolation:
    """One input that a real ``pulumi preview`` would reject."""

    resource: str
    type_token: str
    path: str
    reason: str

    def __str__(self) -> str:
        head = f"{self.resource} ({self.type_token})"
        return f"{head}: {self.path}: {self.reason}" if self.path else f"{head}: {self.reason}"


class SchemaCheckError(InputError):
    """Raised by :func:`assert_valid`; lists every violation, not just the first."""

    def __init__(self, violations: Iterable[SchemaViolation]) -> None:
        self.violations: list[SchemaViolation] = list(violations)
        lines = "\n".join(f"  - {v}" for v in self.violations)
        super().__init__(f"{len(self.violations)} schema violation(s) against the installed provider SDK:\n{lines}")


# --------------------------------------------------------------------------- types


class _Spec:
    """Accepted shapes for one value, flattened from a (possibly union) annotation."""

    __slots__ = ("any", "enum_names", "enum_values", "item", "kinds", "objects", "others", "value")

    def __init__(self) -> None:
        self.any = False
        self.kinds: frozenset[type] = frozenset()
        self.enum_values: frozenset[Any] = frozenset()
        self.enum_names: tuple[str, ...] = ()
        self.item: _Spec | None = None
        self.value: _Spec | None = None
        self.objects: tuple[type, ...] = ()
        self.others: tuple[type, ...] = ()

    def describe(self) -> str:
        """Human-readable list of what this spec accepts, for error messages."""
        parts = [_KIND_NAMES[k] for k in (str, int, float, bool) if k in self.kinds]
        if self.enum_values and str not in self.kinds:
            parts.append(f"one of {_fmt_values(self.enum_values)}")
        if self.item is not None:
            parts.append("list")
        if self.value is not None:
            parts.append("map")
        if len(self.objects) == 1:
            parts.append(f"object ({self.objects[0].__name__})")
        elif self.objects:
            parts.append(f"object (one of {len(self.objects)} types)")
        parts.extend(o.__name__ for o in self.others)
        return " or ".join(parts) or "nothing"


_ANY = _Spec()
_ANY.any = True


class _Acc:
    """Collects the alternatives of a union annotation before building a :class:`_Spec`."""

    __slots__ = ("any", "enums", "items", "kinds", "literals", "objects", "others", "values")

    def __init__(self) -> None:
        self.any = False
        self.kinds: set[type] = set()
        self.enums: list[type[enum.Enum]] = []
        self.literals: list[Any] = []
        self.items: list[Any] = []
        self.values: list[Any] = []
        self.objects: list[type] = []
        self.others: list[type] = []


def _init_of(cls: type) -> Any:
    """The class's own initializer (typed ``Any``: it is introspected, never called)."""
    return typing.cast(Any, cls).__init__


def _namespace(cls: type) -> dict[str, Any]:
    module = sys.modules.get(cls.__module__)
    return vars(module) if module is not None else {}


def _resolve_name(name: str, ns: Mapping[str, Any]) -> Any:
    """Resolve a forward reference the way the SDK module itself would see it."""
    head = name.split("[", 1)[0].strip()
    if head == "Output":  # ``pulumi.Input`` is ``Union[T, Awaitable[T], 'Output[T]']``
        return pulumi.Output
    target = ns.get(head)
    if target is None:
        package = sys.modules.get(str(ns.get("__package__") or ""))
        target = getattr(package, head, None) if package is not None else None
    if target is None:
        try:
            target = eval(head, dict(ns))  # dotted names such as "outputs.Foo"
        except (NameError, AttributeError, SyntaxError, TypeError):
            return None
    return target if head == name else None


def _collect(tp: Any, ns: Mapping[str, Any], acc: _Acc) -> None:
    """Flatten ``tp`` into ``acc``, dropping the ``Awaitable``/``Output`` arms of ``Input``."""
    if tp is Any or tp is object:
        acc.any = True
        return
    if tp is None or tp is _NONE_TYPE:
        return
    if isinstance(tp, (str, ForwardRef)):
        name = tp if isinstance(tp, str) else tp.__forward_arg__
        resolved = _resolve_name(name, ns)
        if resolved is None:
            acc.any = True  # unresolvable reference: stay permissive rather than guess
        elif resolved is not pulumi.Output:
            _collect(resolved, ns, acc)
        return
    origin = typing.get_origin(tp)
    if origin is Union:
        for arg in typing.get_args(tp):
            _collect(arg, ns, acc)
        return
    if origin is collections.abc.Awaitable or origin is pulumi.Output or tp is pulumi.Output:
        return
    if origin is typing.Literal:
        acc.literals.extend(typing.get_args(tp))
        return
    if origin in _SEQUENCE_ORIGINS:
        args = typing.get_args(tp)
        acc.items.append(args[0] if args else Any)
        return
    if origin in _MAPPING_ORIGINS:
        args = typing.get_args(tp)
        acc.values.append(args[1] if len(args) == 2 else Any)
        return
    if isinstance(tp, type):
        if issubclass(tp, enum.Enum):
            acc.enums.append(tp)
        elif pulumi_types.is_input_type(tp):
            acc.objects.append(tp)
        elif tp in _KIND_NAMES:
            acc.kinds.add(tp)
        elif tp in _SEQUENCE_ORIGINS:
            acc.items.append(Any)
        elif tp in _MAPPING_ORIGINS:
            acc.values.append(Any)
        else:
            acc.others.append(tp)  # e.g. pulumi.Asset / pulumi.Archive
        return
    acc.any = True  # an annotation form the SDKs do not use today: do not invent rules


_SPEC_CACHE: dict[tuple[Any, str], _Spec] = {}


def _compile(alternatives: Iterable[Any], ns: Mapping[str, Any]) -> _Spec:
    """Build (and cache) the spec for a union of annotations in namespace ``ns``."""
    alts = tuple(alternatives)
    key: tuple[Any, str] | None = (alts, str(ns.get("__name__")))
    try:
        cached = _SPEC_CACHE.get(key)  # type: ignore[arg-type]
    except TypeError:  # unhashable annotation: compile without caching
        key, cached = None, None
    if cached is not None:
        return cached
    acc = _Acc()
    for alt in alts:
        _collect(alt, ns, acc)
    if acc.any:
        spec = _ANY
    else:
        spec = _Spec()
        spec.kinds = frozenset(acc.kinds)
        values: set[Any] = set(acc.literals)
        for enum_cls in acc.enums:
            values.update(member.value for member in enum_cls)
        spec.enum_values = frozenset(values)
        spec.enum_names = tuple(dict.fromkeys(e.__name__ for e in acc.enums))
        spec.item = _compile(acc.items, ns) if acc.items else None
        spec.value = _compile(acc.values, ns) if acc.values else None
        spec.objects = tuple(dict.fromkeys(acc.objects))
        spec.others = tuple(dict.fromkeys(acc.others))
    if key is not None:
        _SPEC_CACHE[key] = spec
    return spec


# ------------------------------------------------------------------- input classes


class _ObjectSchema:
    """Properties, required names and constants of one ``@pulumi.input_type`` class."""

    __slots__ = ("cls", "consts", "fields", "required")

    def __init__(self, cls: type) -> None:
        self.cls = cls
        ns = _namespace(cls)
        py_to_pulumi = pulumi_types.input_type_py_to_pulumi_names(cls)
        fields: dict[str, _Spec] = {}
        required: list[str] = []
        for name, param in inspect.signature(_init_of(cls)).parameters.items():
            if param.kind not in (param.KEYWORD_ONLY, param.POSITIONAL_OR_KEYWORD):
                continue
            if name in ("self", "__self__"):
                continue
            pulumi_name = py_to_pulumi.get(name, name)
            annotation = param.annotation if param.annotation is not param.empty else Any
            fields[pulumi_name] = _compile((annotation,), ns)
            if param.default is param.empty:
                required.append(pulumi_name)
        # Settable properties that the initializer does not take (rare) still exist.
        for _py_name, pulumi_name, prop in pulumi_types._py_properties(cls):
            if pulumi_name not in fields:
                annotation = getattr(prop.fget, "__annotations__", {}).get("return", Any)
                fields[pulumi_name] = _compile((annotation,), ns)
        self.fields = fields
        self.required = tuple(required)
        self.consts = _constants(cls, py_to_pulumi)

    def unknown(self, key: str, value: Any = None) -> str:
        """Reason text for a property the schema does not have, with a hint where one helps."""
        allowed = sorted(self.fields)
        reason = f"property '{key}' does not exist on {self.cls.__name__}; allowed: {_fmt_list(allowed)}"
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


def _constants(cls: type, py_to_pulumi: Mapping[str, str]) -> dict[str, Any]:
    """Properties the initializer pins to a literal: the union discriminators.

    Generated SDKs write ``pulumi.set(__self__, "type", 'Copy')`` for them; scanning the
    bytecode for ``__self__, <const name>, <const value>`` reads that without needing the
    source file. The generated "Expected value is '...'" getter docs are the fallback.
    """
    consts: dict[str, Any] = {}
    try:
        instructions = [
            ins for ins in dis.get_instructions(_init_of(cls)) if ins.opname not in ("CACHE", "EXTENDED_ARG", "NOP")
        ]
    except TypeError:
        instructions = []
    for first, second, third in zip(instructions, instructions[1:], instructions[2:], strict=False):
        if (
            first.opname.startswith("LOAD_FAST")
            and first.argval == "__self__"
            and second.opname == "LOAD_CONST"
            and isinstance(second.argval, str)
            and third.opname in ("LOAD_CONST", "LOAD_SMALL_INT")
            and third.argval is not None
        ):
            consts[py_to_pulumi.get(second.argval, second.argval)] = third.argval
    if not consts:
        for _py_name, pulumi_name, prop in pulumi_types._py_properties(cls):
            match = _EXPECTED_RE.search(prop.fget.__doc__ or "") if prop.fget else None
            if match:
                consts[pulumi_name] = match.group(1)
    return consts


_SCHEMAS: dict[type, _ObjectSchema] = {}


def _schema(cls: type) -> _ObjectSchema:
    schema = _SCHEMAS.get(cls)
    if schema is None:
        schema = _SCHEMAS[cls] = _ObjectSchema(cls)
    return schema


class _Dispatch:
    """Discriminator tables for a union of input classes."""

    __slots__ = ("by_prop", "plain")

    def __init__(self, classes: tuple[type, ...]) -> None:
        self.by_prop: dict[str, dict[Any, list[type]]] = {}
        self.plain: list[type] = []
        for cls in classes:
            consts = _schema(cls).consts
            if not consts:
                self.plain.append(cls)
            for prop, value in consts.items():
                self.by_prop.setdefault(prop, {}).setdefault(value, []).append(cls)
        # A constant shared by every member (e.g. a fixed ``kind``) does not discriminate.
        for prop in [p for p, table in self.by_prop.items() if len(table) == 1 and len(classes) > 1]:
            if len(next(iter(self.by_prop[prop].values()))) == len(classes):
                del self.by_prop[prop]


_DISPATCH: dict[tuple[type, ...], _Dispatch] = {}


# ---------------------------------------------------------------------- validation

_Out = list[tuple[str, str]]


def _join(path: str, key: Any) -> str:
    key = str(key)
    if _IDENT_RE.match(key):
        return f"{path}.{key}" if path else key
    return f'{path}["{key}"]'


def _fmt_list(names: list[str]) -> str:
    if len(names) <= _MAX_LISTED:
        return ", ".join(names)
    return ", ".join(names[:_MAX_LISTED]) + f", ... (+{len(names) - _MAX_LISTED} more)"


def _fmt_values(values: Iterable[Any]) -> str:
    return _fmt_list([repr(v) for v in sorted(values, key=str)])


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"boolean {value!r}"
    if isinstance(value, (int, float)):
        return f"number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"string {shown!r}"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


def _check_value(value: Any, spec: _Spec, path: str, out: _Out) -> None:
    if value is None or spec.any:
        return
    if isinstance(value, str):
        if value in _SENTINELS or str in spec.kinds or value in spec.enum_values:
            return
        if spec.enum_values and not (spec.item or spec.value or spec.objects or spec.kinds):
            names = "/".join(spec.enum_names) or "value"
            out.append((path, f"'{value}' is not a valid {names}; allowed: {_fmt_values(spec.enum_values)}"))
            return
    elif isinstance(value, bool):
        if bool in spec.kinds or any(v is value for v in spec.enum_values):
            return
    elif isinstance(value, int):
        if int in spec.kinds or float in spec.kinds:
            return
        if any(v == value and not isinstance(v, bool) for v in spec.enum_values):
            return
    elif isinstance(value, float):
        if float in spec.kinds or (int in spec.kinds and value.is_integer()):
            return
        if value in spec.enum_values:
            return
    elif isinstance(value, Mapping):
        if spec.objects:
            _check_objects(value, spec.objects, path, out)
            return
        if spec.value is not None:
            for key, item in value.items():
                _check_value(item, spec.value, _join(path, key), out)
            return
    elif isinstance(value, (list, tuple)):
        if spec.item is not None:
            for index, item in enumerate(value):
                _check_value(item, spec.item, f"{path}[{index}]", out)
            return
    elif spec.others and isinstance(value, spec.others):
        return
    out.append((path, f"expected {spec.describe()}, got {_json_kind(value)}"))


def _check_objects(value: Mapping[str, Any], classes: tuple[type, ...], path: str, out: _Out) -> None:
    """Validate against the union member selected by the discriminator."""
    if len(classes) == 1:
        _check_object(value, classes[0], path, out)
        return
    dispatch = _DISPATCH.get(classes)
    if dispatch is None:
        dispatch = _DISPATCH[classes] = _Dispatch(classes)
    mismatch: tuple[str, Any] | None = None
    for prop, table in dispatch.by_prop.items():
        disc = value.get(prop)
        if disc is None:
            continue
        if isinstance(disc, str) and disc in _SENTINELS:
            return  # the member cannot be known before deployment
        try:
            members = table.get(disc)
        except TypeError:
            members = None
        if members:
            _check_any_of(value, members, path, out)
            return
        mismatch = mismatch or (prop, disc)
    if dispatch.plain:
        _check_any_of(value, dispatch.plain, path, out)
        return
    if not dispatch.by_prop:  # no member has a discriminator and none is plain: empty union
        return
    prop = mismatch[0] if mismatch else next(iter(dispatch.by_prop))
    allowed = list(dispatch.by_prop[prop])
    if mismatch is None:
        out.append(
            (
                _join(path, prop),
                f"required discriminator '{prop}' is missing; expected one of: {_fmt_values(allowed)}",
            )
        )
        return
    reason = f"{prop} {mismatch[1]!r} is not one of: {_fmt_values(allowed)}"
    close = difflib.get_close_matches(str(mismatch[1]), [str(a) for a in allowed], n=2, cutoff=0.6)
    if close:
        reason += "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    out.append((_join(path, prop), reason))


def _check_any_of(value: Mapping[str, Any], classes: list[type], path: str, out: _Out) -> None:
    """Accept if any candidate validates; otherwise report the closest candidate."""
    if len(classes) == 1:
        _check_object(value, classes[0], path, out)
        return
    best: _Out | None = None
    for cls in classes:
        attempt: _Out = []
        _check_object(value, cls, path, attempt)
        if not attempt:
            return
        if best is None or len(attempt) < len(best):
            best = attempt
    out.extend(best or [])


def _check_object(value: Mapping[str, Any], cls: type, path: str, out: _Out) -> None:
    schema = _SCHEMAS.get(cls) or _schema(cls)
    fields = schema.fields
    for key, item in value.items():
        spec = fields.get(key)
        if spec is None:
            if item is not None:  # None is never sent to the engine
                out.append((_join(path, key), schema.unknown(str(key), item)))
        elif item is not None and not spec.any:
            _check_value(item, spec, _join(path, key), out)
    for name in schema.required:
        if value.get(name) is None:
            out.append((_join(path, name), f"required property '{name}' is missing"))
    for name, const in schema.consts.items():
        given = value.get(name)
        if isinstance(given, str) and given not in _SENTINELS and given != const:
            out.append((_join(path, name), f"{name} {given!r} is not one of: {const!r}"))


# ---------------------------------------------------------------------- resources


@dataclass(frozen=True)
class _Target:
    resource_cls: type | None
    args_cls: type | None
    error: str = ""


_TARGETS: dict[str, _Target] = {}


def _python_package(pkg: str) -> str:
    """Pulumi's naming convention for a provider's Python SDK package."""
    return "pulumi_" + pkg.replace("-", "_")


def _sdk_label(module_name: str) -> str:
    dist = module_name.replace("_", "-")
    try:
        return f"{dist} {importlib.metadata.version(dist)}"
    except importlib.metadata.PackageNotFoundError:
        return dist


def _registered_classes(pkg: str, mod: str) -> tuple[str, dict[str, str]] | None:
    """(python module, {type token: class name}) from the SDK's resource-module registry."""
    module = pulumi_rpc.get_resource_module(pkg, mod, "")
    info = getattr(module, "mod_info", None)
    if not isinstance(info, Mapping):
        return None
    return str(info.get("fqn", "")), dict(info.get("classes", {}))


def _args_class(resource_cls: type) -> type | None:
    """The ``*Args``/``*InitArgs`` class, as typed on the ``args`` overload of ``__init__``."""
    ns = _namespace(resource_cls)
    init = _init_of(resource_cls)
    for overload in typing.get_overloads(init):
        annotation = overload.__annotations__.get("args")
        if isinstance(annotation, str):
            annotation = _resolve_name(annotation, ns)
        if isinstance(annotation, type) and pulumi_types.is_input_type(annotation):
            return annotation
    code = getattr(init, "__code__", None)
    for name in code.co_names if code is not None else ():  # get_resource_args_opts(XArgs, ...)
        candidate = ns.get(name)
        if isinstance(candidate, type) and pulumi_types.is_input_type(candidate):
            return candidate
    return None


def _declares(resource_cls: Any, tokens: Iterable[str]) -> bool:
    """Whether the class registers itself under one of ``tokens`` (a literal in ``_internal_init``)."""
    code = getattr(getattr(resource_cls, "_internal_init", None), "__code__", None)
    return code is not None and any(token in code.co_consts for token in tokens)


def _find_resource_class(pkg: str, mod: str, name: str, py_pkg: str) -> tuple[type | None, list[str]]:
    """The resource class for a token, plus the registered tokens seen (for suggestions)."""
    # ``random:index:RandomString`` is the short form of ``random:index/randomString:RandomString``.
    candidates = [mod] if "/" in mod else [mod, f"{mod}/{name[:1].lower()}{name[1:]}"]
    known: list[str] = []
    for candidate in candidates:
        registered = _registered_classes(pkg, candidate)
        if registered is None:
            continue
        fqn, classes = registered
        known.extend(classes)
        class_name = classes.get(f"{pkg}:{candidate}:{name}")
        if class_name is not None:
            resource_cls = getattr(importlib.import_module(fqn), class_name, None)
            if isinstance(resource_cls, type) and issubclass(resource_cls, pulumi.CustomResource):
                return resource_cls, known
    if not known:  # registry unavailable: look the class up by convention, then verify its token
        tokens = [f"{pkg}:{candidate}:{name}" for candidate in candidates]
        for module_name in (f"{py_pkg}.{mod.split('/', 1)[0]}", py_pkg):
            try:
                resource_cls = getattr(importlib.import_module(module_name), name, None)
            except ImportError:
                continue
            if isinstance(resource_cls, type) and _declares(resource_cls, tokens):
                return resource_cls, known
    return None, known


def _resolve_target(type_token: str) -> _Target:
    parts = type_token.split(":")
    if len(parts) != 3 or not all(parts):
        return _Target(None, None, "malformed type token; expected '<package>:<module>:<Type>'")
    pkg, mod, name = parts
    py_pkg = _python_package(pkg)
    try:
        importlib.import_module(py_pkg)  # registers the SDK's resource modules
    except ImportError:
        return _Target(None, None, f"provider SDK '{py_pkg}' is not installed")
    label = _sdk_label(py_pkg)
    resource_cls, known = _find_resource_class(pkg, mod, name, py_pkg)
    if resource_cls is not None:
        args_cls = _args_class(resource_cls)
        if args_cls is None:
            return _Target(resource_cls, None, f"cannot find the args class of {name} in {label}")
        return _Target(resource_cls, args_cls)
    reason = f"no such resource type in the installed SDK ({label})"
    if not known:
        reason += f"; module '{mod}' does not exist"
    close = difflib.get_close_matches(type_token, known, n=3, cutoff=0.6)
    if close:
        reason += "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return _Target(None, None, reason)


def _target(type_token: str) -> _Target:
    target = _TARGETS.get(type_token)
    if target is None:
        target = _TARGETS[type_token] = _resolve_target(type_token)
    return target


def args_class(type_token: str) -> type | None:
    """The SDK's input class for a resource type; None outside the checked packages or for an unknown type."""
    if type_token.split(":", 1)[0] not in CHECKED_PACKAGES:
        return None
    return _target(type_token).args_cls


def is_taggable(type_token: str) -> bool:
    """Whether the resource type takes `tags`, read from its SDK input class."""
    cls = args_class(type_token)
    return cls is not None and "tags" in inspect.signature(_init_of(cls)).parameters


def check_inputs(type_token: str, inputs: Mapping[str, Any], resource: str = "") -> list[SchemaViolation]:
    """Validate one resource's registered (camelCase) inputs against the installed SDK.

    Returns an empty list for packages outside :data:`CHECKED_PACKAGES`.
    """
    if type_token.split(":", 1)[0] not in CHECKED_PACKAGES:
        return []
    target = _target(type_token)
    if target.args_cls is None:
        return [SchemaViolation(resource, type_token, "", target.error)]
    if not isinstance(inputs, Mapping):
        return [SchemaViolation(resource, type_token, "", f"inputs must be an object, got {_json_kind(inputs)}")]
    out: _Out = []
    _check_object(inputs, target.args_cls, "", out)
    return [SchemaViolation(resource, type_token, path, reason) for path, reason in out]


def assert_valid(resources: Iterable[tuple[str, str, Mapping[str, Any]]]) -> None:
    """Raise :class:`SchemaCheckError` listing every violation across ``resources``."""
    violations: list[SchemaViolation] = []
    for name, type_token, inputs in resources:
        violations.extend(check_inputs(type_token, inputs, name))
    if violations:
        raise SchemaCheckError(violations)
