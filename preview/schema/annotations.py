"""Type annotations of the SDK's input classes, flattened into the shapes a value may take."""

from __future__ import annotations

import collections.abc
import enum
import sys
import typing
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, ForwardRef, Union

import pulumi
from pulumi import _types as pulumi_types

_NONE_TYPE = type(None)
_SEQUENCE_ORIGINS = (
    collections.abc.Sequence,
    collections.abc.MutableSequence,
    list,
    tuple,
)
_MAPPING_ORIGINS = (collections.abc.Mapping, collections.abc.MutableMapping, dict)
KIND_NAMES: dict[type, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
}
MAX_LISTED = 40


def fmt_list(names: list[str]) -> str:
    if len(names) <= MAX_LISTED:
        return ", ".join(names)
    return ", ".join(names[:MAX_LISTED]) + f", ... (+{len(names) - MAX_LISTED} more)"


def fmt_values(values: Iterable[Any]) -> str:
    return fmt_list([repr(v) for v in sorted(values, key=str)])


class Spec:
    """Accepted shapes for one value, flattened from a (possibly union) annotation."""

    __slots__ = ("any", "enum_names", "enum_values", "item", "kinds", "objects", "others", "value")

    def __init__(self) -> None:
        self.any = False
        self.kinds: frozenset[type] = frozenset()
        self.enum_values: frozenset[Any] = frozenset()
        self.enum_names: tuple[str, ...] = ()
        self.item: Spec | None = None
        self.value: Spec | None = None
        self.objects: tuple[type, ...] = ()
        self.others: tuple[type, ...] = ()

    def describe(self) -> str:
        """Human-readable list of what this spec accepts, for error messages."""
        parts = [KIND_NAMES[k] for k in (str, int, float, bool) if k in self.kinds]
        if self.enum_values and str not in self.kinds:
            parts.append(f"one of {fmt_values(self.enum_values)}")
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


ANY = Spec()
ANY.any = True


class _Alternatives:
    """Collects the alternatives of a union annotation before building a :class:`Spec`."""

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


def init_of(cls: type) -> Any:
    """The class's own initializer (typed ``Any``: it is introspected, never called)."""
    return typing.cast(Any, cls).__init__


def namespace(module_name: str) -> dict[str, Any]:
    """The globals a class's annotations were written in."""
    module = sys.modules.get(module_name)
    return vars(module) if module is not None else {}


def resolve_name(name: str, ns: Mapping[str, Any]) -> Any:
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


def _collect(tp: Any, ns: Mapping[str, Any], acc: _Alternatives) -> None:
    """Flatten ``tp`` into ``acc``, dropping the ``Awaitable``/``Output`` arms of ``Input``."""
    if tp is Any or tp is object:
        acc.any = True
        return
    if tp is None or tp is _NONE_TYPE:
        return
    if isinstance(tp, (str, ForwardRef)):
        name = tp if isinstance(tp, str) else tp.__forward_arg__
        resolved = resolve_name(name, ns)
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
        elif tp in KIND_NAMES:
            acc.kinds.add(tp)
        elif tp in _SEQUENCE_ORIGINS:
            acc.items.append(Any)
        elif tp in _MAPPING_ORIGINS:
            acc.values.append(Any)
        else:
            acc.others.append(tp)  # e.g. pulumi.Asset / pulumi.Archive
        return
    acc.any = True  # an annotation form the SDKs do not use today: do not invent rules


def spec_for(alternatives: tuple[Any, ...], module_name: str) -> Spec:
    """The spec for a union of annotations written in module ``module_name``; cached where hashable."""
    try:
        return _cached_spec(alternatives, module_name)
    except TypeError:  # an unhashable annotation: build it without the cache
        return _build_spec(alternatives, module_name)


@cache
def _cached_spec(alternatives: tuple[Any, ...], module_name: str) -> Spec:
    return _build_spec(alternatives, module_name)


def _build_spec(alternatives: tuple[Any, ...], module_name: str) -> Spec:
    ns = namespace(module_name)
    acc = _Alternatives()
    for alt in alternatives:
        _collect(alt, ns, acc)
    if acc.any:
        return ANY
    spec = Spec()
    spec.kinds = frozenset(acc.kinds)
    values: set[Any] = set(acc.literals)
    for enum_cls in acc.enums:
        values.update(member.value for member in enum_cls)
    spec.enum_values = frozenset(values)
    spec.enum_names = tuple(dict.fromkeys(e.__name__ for e in acc.enums))
    spec.item = spec_for(tuple(acc.items), module_name) if acc.items else None
    spec.value = spec_for(tuple(acc.values), module_name) if acc.values else None
    spec.objects = tuple(dict.fromkeys(acc.objects))
    spec.others = tuple(dict.fromkeys(acc.others))
    return spec
