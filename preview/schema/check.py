"""Walk a resource's registered inputs against its SDK input class and list every violation."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from preview.inputs import SECRET as SECRET
from preview.inputs import UNKNOWN as UNKNOWN
from preview.schema.annotations import Spec, fmt_values
from preview.schema.classes import dispatch, object_schema
from preview.schema.resources import CHECKED_PACKAGES, target
from stack.errors import ViolationsError

# Placeholders (a secret, a value known only at deployment) pass for any type.

_SENTINELS = frozenset({SECRET, UNKNOWN})
_IDENT_RE = re.compile(r"^[A-Za-z_$@][A-Za-z0-9_$@\-]*$")


UNKNOWN_PROPERTY = "unknown-property"
"""A property the input class does not have."""
NOT_ALLOWED = "not-allowed"
"""A value outside the discriminator's or enum's values."""
WRONG_TYPE = "wrong-type"
"""A value of another JSON type than the property takes."""
MISSING = "missing"
"""A required property or discriminator that is not set."""


@dataclass(frozen=True)
class SchemaViolation:
    """One input that a real ``pulumi preview`` would reject."""

    resource: str
    type_token: str
    path: str
    reason: str
    code: str = ""
    """What kind of violation: UNKNOWN_PROPERTY, NOT_ALLOWED, WRONG_TYPE or MISSING (empty: the resource itself)."""

    def __str__(self) -> str:
        head = f"{self.resource} ({self.type_token})"
        return f"{head}: {self.path}: {self.reason}" if self.path else f"{head}: {self.reason}"


class SchemaCheckError(ViolationsError):
    """Raised by :func:`assert_valid`; lists every violation, not just the first."""

    violations: list[SchemaViolation]

    def __init__(self, violations: Iterable[SchemaViolation], shown: Iterable[str] | None = None) -> None:
        super().__init__(violations, "schema violation(s) against the installed provider SDK", shown)


_Out = list[tuple[str, str, str]]
"""(path, reason, code) of each violation."""


def _join(path: str, key: Any) -> str:
    key = str(key)
    if _IDENT_RE.match(key):
        return f"{path}.{key}" if path else key
    return f'{path}["{key}"]'


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


def _check_value(value: Any, spec: Spec, path: str, out: _Out) -> None:
    if value is None or spec.any:
        return
    if isinstance(value, str):
        if value in _SENTINELS or str in spec.kinds or value in spec.enum_values:
            return
        if spec.enum_values and not (spec.item or spec.value or spec.objects or spec.kinds):
            names = "/".join(spec.enum_names) or "value"
            out.append(
                (path, f"'{value}' is not a valid {names}; allowed: {fmt_values(spec.enum_values)}", NOT_ALLOWED)
            )
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
    out.append((path, f"expected {spec.describe()}, got {_json_kind(value)}", WRONG_TYPE))


def _check_objects(value: Mapping[str, Any], classes: tuple[type, ...], path: str, out: _Out) -> None:
    """Validate against the union member selected by the discriminator."""
    if len(classes) == 1:
        _check_object(value, classes[0], path, out)
        return
    tables = dispatch(classes)
    mismatch: tuple[str, Any] | None = None
    for prop, table in tables.by_prop.items():
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
    if tables.plain:
        _check_any_of(value, tables.plain, path, out)
        return
    if not tables.by_prop:  # no member has a discriminator and none is plain: empty union
        return
    prop = mismatch[0] if mismatch else next(iter(tables.by_prop))
    allowed = list(tables.by_prop[prop])
    if mismatch is None:
        out.append(
            (
                _join(path, prop),
                f"required discriminator '{prop}' is missing; expected one of: {fmt_values(allowed)}",
                MISSING,
            )
        )
        return
    reason = f"{prop} {mismatch[1]!r} is not one of: {fmt_values(allowed)}"
    close = difflib.get_close_matches(str(mismatch[1]), [str(a) for a in allowed], n=2, cutoff=0.6)
    if close:
        reason += "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    out.append((_join(path, prop), reason, NOT_ALLOWED))


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
    schema = object_schema(cls)
    fields = schema.fields
    for key, item in value.items():
        spec = fields.get(key)
        if spec is None:
            if item is not None:  # None is never sent to the engine
                out.append((_join(path, key), schema.unknown(str(key), item), UNKNOWN_PROPERTY))
        elif item is not None and not spec.any:
            _check_value(item, spec, _join(path, key), out)
    for name in schema.required:
        if value.get(name) is None:
            out.append((_join(path, name), f"required property '{name}' is missing", MISSING))
    for name, const in schema.consts.items():
        given = value.get(name)
        if isinstance(given, str) and given not in _SENTINELS and given != const:
            out.append((_join(path, name), f"{name} {given!r} is not one of: {const!r}", NOT_ALLOWED))


def check_inputs(type_token: str, inputs: Mapping[str, Any], resource: str = "") -> list[SchemaViolation]:
    """Validate one resource's registered (camelCase) inputs against the installed SDK.

    Returns an empty list for packages outside :data:`CHECKED_PACKAGES`.
    """
    if type_token.split(":", 1)[0] not in CHECKED_PACKAGES:
        return []
    resolved = target(type_token)
    if resolved.args_cls is None:
        return [SchemaViolation(resource, type_token, "", resolved.error)]
    if not isinstance(inputs, Mapping):
        return [SchemaViolation(resource, type_token, "", f"inputs must be an object, got {_json_kind(inputs)}")]
    out: _Out = []
    _check_object(inputs, resolved.args_cls, "", out)
    return [SchemaViolation(resource, type_token, path, reason, code) for path, reason, code in out]


def assert_valid(resources: Iterable[tuple[str, str, Mapping[str, Any]]]) -> None:
    """Raise :class:`SchemaCheckError` listing every violation across ``resources``."""
    violations: list[SchemaViolation] = []
    for name, type_token, inputs in resources:
        violations.extend(check_inputs(type_token, inputs, name))
    if violations:
        raise SchemaCheckError(violations)
