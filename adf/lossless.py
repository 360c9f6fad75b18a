"""Which way each item deploys: azure-native's typed resource where it represents the file exactly, otherwise an
ARM deployment of the file's own JSON, which loses nothing.

azure-native's typed resources (`datafactory.Pipeline`, `Dataset`, ...) are generated from the ADF REST API
specification and take exactly its properties: what ADF accepts and ADF Studio writes beyond them (legacy
properties such as Copy's `cloudDataMovementUnits`, extra keys on pipeline parameters, connector types and
values the specification does not list yet, an ADF expression where the specification names a literal list) the
typed resource cannot send, and a dataset's `typeProperties.schema` it merges with the column schema
(pulumi/pulumi-azure-native#2006); the managed virtual network has no typed resource at all
(pulumi/pulumi-azure-native#896). Such an item is deployed the way Microsoft's own ADF CI/CD deploys every item:
an ARM template holding `Microsoft.DataFactory/factories/<kind>` with the file's `properties` verbatim
(https://learn.microsoft.com/azure/data-factory/continuous-integration-delivery-resource-manager-custom-parameters,
adf/arm.py).

The decision reads the typed inputs against the installed SDK through a `TypedCheck` (the provider-schema check
of `preview.schema`, passed in by whoever loads, so this layer stays below it):

* a property the typed resource lacks, a value it does not list, or an ADF expression where it takes a literal
  list or object: the lossless path, with the reason;
* a required property missing, or a literal of the wrong JSON type: refused, since ADF requires the same
  property and takes the same types (the specification is ADF's own); so is an unknown property whose suggested
  spelling is a required property missing beside it (`waitTimeInSecond`), a misspelling rather than a property
  azure-native lacks. Two missing properties ADF itself published take the lossless path instead:
  - inside an inactive activity (`state: Inactive`), which "is excluded from pipeline validation. Hence, you don't
    need to provide all required fields for an inactive activity" (ADF's announcement, 2023-07-07:
    https://techcommunity.microsoft.com/t5/azure-data-factory-blog/comment-out-part-of-pipeline/ba-p/3868069);
    ADF published a Web activity so, without `url` and `method`, to four factories (Master_SP_Pipeline in
    https://github.com/nate-testa/vault-data-warehouse-clone/blob/fc3d1ab64d8064fb61a59dc930a4109643d513b1/AZR-PROD-DATA-ADF-CORE01/ARMTemplateForFactory.json);
  - a tumbling window trigger's `pipeline`: ADF published one that runs no pipeline (trigger2 in
    https://github.com/kromerm/makadfwestus2/blob/9c4f2df3b24bc3d00d409a118923c0806b5c6dd3/makadfwestus2/ARMTemplateForFactory.json);
* an empty `policy.cancelAfter` is left out of the typed inputs and said so (it holds nothing).

Integers beyond 2^53 cannot pass through Pulumi's engine exactly (inputs travel as protobuf `Struct`s, whose
numbers are doubles: https://protobuf.dev/reference/protobuf/google.protobuf/#value), so an item that holds one
takes the lossless path, where the template carries it as an ARM `json()` expression (adf/arm.py).
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from adf.convert import authoring_path, to_inputs, typed_obstacles
from adf.model import KIND_SPECS, AdfItem, AdfKind, Route
from adf.walk import walk_json

EXACT_INTEGER = 2**53
"""The largest integer magnitude a double holds exactly, and so the largest Pulumi's engine carries unchanged."""

UNKNOWN_PROPERTY = "unknown-property"
NOT_ALLOWED = "not-allowed"
WRONG_TYPE = "wrong-type"
MISSING = "missing"
"""The kinds of violation a TypedCheck reports (`preview.schema.check` defines the same four)."""

_CLASS = re.compile(r"does not exist on (\w+?)(?:Args)?;")
_NOT_ONE_OF = re.compile(r"^(\w+) (.+?) is not one of: (.*?)(?:; did you mean.*)?$")
_EXPECTED = re.compile(r"^expected (.+?), got ")


class TypedViolation(Protocol):
    """One typed input the installed SDK does not accept: where (in the azure-native inputs), why, what kind."""

    @property
    def path(self) -> str: ...

    @property
    def reason(self) -> str: ...

    @property
    def code(self) -> str: ...


TypedCheck = Callable[[str, Mapping[str, Any]], Sequence[TypedViolation]]
"""The typed inputs of one resource (its type token, its camelCase inputs) -> what the SDK does not accept."""


TYPED = Route(arm=False)


ROUTES_KEPT = 4096
"""How many routes `route` remembers: a factory's files several times over (the largest in BENCHMARKS.md has 380)."""

_routes: OrderedDict[tuple[Any, ...], tuple[Route, tuple[str, ...]]] = OrderedDict()


def route(item: AdfItem, check: TypedCheck) -> tuple[Route, list[str]]:
    """The item's route and the problems that refuse it whichever way it goes (`<file>: <path>: <why>`).

    A route is a function of the item (kind, name, file and JSON) and the check, so it is remembered by those:
    a plan loads the content twice (its checks, then the program), and tests load one folder in many variants
    that change one file. The key holds a digest of the JSON text, so a changed document is a new key, never a
    stale answer, and a large document is not kept twice.
    """
    key = (check, item.kind, item.name, item.file, item_digest(item))
    known = _routes.get(key)
    if known is None:
        found, problems = _route(item, check)
        known = _routes[key] = found, tuple(problems)
        if len(_routes) > ROUTES_KEPT:
            _routes.popitem(last=False)
    else:
        _routes.move_to_end(key)
    return known[0], list(known[1])


def item_digest(item: AdfItem) -> bytes:
    """SHA-256 of the item's compact JSON text: equal for equal documents written in the same key order."""
    return hashlib.sha256(item.compact_json.encode()).digest()


def _route(item: AdfItem, check: TypedCheck) -> tuple[Route, list[str]]:
    if KIND_SPECS[item.kind].resource_missing:
        return Route(arm=True, reasons=(f"(root): {KIND_SPECS[item.kind].resource_missing}",)), []
    reasons = [_in_file(item, obstacle) for obstacle in typed_obstacles(item)]
    if _has_big_integer(item.properties):
        reasons += [
            f"{path}: the integer {value} is beyond 2^53, which Pulumi's engine carries only as a rounded double"
            for path, value in walk_json(item.properties, "properties")
            if _is_big_integer(value)
        ]
    dropped: list[str] = []
    inputs = to_inputs(item, dropped)
    spec = KIND_SPECS[item.kind]
    typed_inputs = {
        "factoryName": "factory",
        "resourceGroupName": "resource-group",
        _camel(spec.name_input): item.name,
        **inputs,
    }
    problems: list[str] = []
    violations = check(item.type_token, typed_inputs)
    missing = {violation.path for violation in violations if violation.code == MISSING}
    for violation in violations:
        where = authoring_path(item, violation.path) if violation.path else "(root)"
        reason = (
            None
            if _misspells_required(violation, missing)
            else _lossless_reason(violation, _value_at(typed_inputs, violation.path))
        )
        if reason is None and violation.code == MISSING:
            where, reason = _published_without(item, violation, where)
        if reason is None:
            problems.append(f"{item.file}: {where}: {violation.reason}")
        else:
            reasons.append(f"{where}: {reason}")
    if reasons:
        return Route(arm=True, reasons=tuple(dict.fromkeys(reasons))), problems
    return Route(arm=False, dropped=tuple(_in_file(item, line) for line in dropped)), problems


def _is_big_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) > EXACT_INTEGER


def _has_big_integer(value: Any) -> bool:
    """Whether any number in a JSON value is an integer beyond 2^53 (a quick scan; walk_json then says where)."""
    pending = [value]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
        elif _is_big_integer(node):
            return True
    return False


def _in_file(item: AdfItem, line: str) -> str:
    """`<file>: <path>: <why>` -> `<path>: <why>` (the route belongs to the file already)."""
    return line.removeprefix(f"{item.file}: ")


def _misspells_required(violation: TypedViolation, missing: set[str]) -> bool:
    """An unknown property whose suggested spelling is a required property missing beside it: a misspelling, which
    ADF would refuse as that required property missing, not a property the typed resource lacks."""
    if violation.code != UNKNOWN_PROPERTY or "did you mean" not in violation.reason:
        return False
    parent = violation.path.rsplit(".", 1)[0] if "." in violation.path else ""
    suggested = re.findall(r"'([^']+)'", violation.reason.rsplit("did you mean", 1)[1])
    return any((f"{parent}.{name}" if parent else name) in missing for name in suggested)


def _lossless_reason(violation: TypedViolation, value: Any) -> str | None:
    """Why the lossless path takes what the typed resource refuses; None: ADF would refuse it too."""
    if violation.code == UNKNOWN_PROPERTY:
        owner = _CLASS.search(violation.reason)
        return f"not a property of azure-native's {owner.group(1) if owner else 'input type'}"
    if violation.code == NOT_ALLOWED:
        match = _NOT_ONE_OF.match(violation.reason)
        if match is None:
            return f"a value azure-native does not list ({violation.reason})"
        prop, given, allowed = match.groups()
        spelt = [name for name in re.findall(r"'([^']*)'", allowed) if name.lower() == given.strip("'").lower()]
        if spelt:
            return f"{prop} {given}, which azure-native spells {spelt[0]!r}"
        return f"{prop} {given} is not one azure-native lists (it lists {allowed})"
    if violation.code == WRONG_TYPE and _is_expression(value):
        expected = _EXPECTED.match(violation.reason)
        literal = expected.group(1) if expected else "literal"
        return f"an ADF expression where azure-native takes a literal {literal}"
    return None


_ACTIVITY = re.compile(r"(?:activities|ifTrueActivities|ifFalseActivities|defaultActivities)\[\d+\]")


def _published_without(item: AdfItem, violation: TypedViolation, where: str) -> tuple[str, str | None]:
    """Where a missing required property is, and why the lossless path takes it: ADF published the same omission
    (see the module docstring); None: ADF would refuse it too."""
    if (
        item.kind == AdfKind.TRIGGER
        and item.adf_type == "TumblingWindowTrigger"
        and violation.path == "properties.pipeline"
    ):
        return (
            "properties.pipeline",
            "a tumbling window trigger that runs no pipeline, which ADF publishes and azure-native refuses",
        )
    if item.kind == AdfKind.PIPELINE:
        for match in _ACTIVITY.finditer(where):
            activity = _value_at(item.document, where[: match.end()])
            if isinstance(activity, dict) and activity.get("state") == "Inactive":
                name = activity.get("name")
                return where, (
                    f"missing in the inactive activity {name!r}, which ADF leaves out of validation and publishes "
                    f"as it is; azure-native requires it ({violation.reason})"
                )
    return where, None


def _is_expression(value: Any) -> bool:
    """`{"value": "@...", "type": "Expression"}` or a string that starts with `@`: ADF evaluates it at run time."""
    if isinstance(value, dict):
        return value.get("type") == "Expression" and isinstance(value.get("value"), str)
    return isinstance(value, str) and value.startswith("@") and not value.startswith("@@")


_TOKEN = re.compile(r'\.?([A-Za-z_$@][\w$@\-]*)|\[(\d+)\]|\["([^"]+)"\]')


def _value_at(value: Any, path: str) -> Any:
    """The value at a violation's path (`a.b[0]["c d"]`) in the typed inputs; None where it is not there."""
    for key, index, quoted in _TOKEN.findall(path):
        if index:
            value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
        else:
            value = value.get(key or quoted) if isinstance(value, dict) else None
    return value


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def routes_summary(items: Sequence[AdfItem], routes: Mapping[tuple[AdfKind, str], Route]) -> str | None:
    """One note naming the items that take the lossless path, or None when all are typed."""
    arm = [
        f"{item.kind}/{item.name}"
        for item in items
        if (found := routes.get((item.kind, item.name.lower()))) is not None and found.arm
    ]
    if not arm:
        return None
    return (
        f"{len(arm)} item(s) deploy as ARM deployments of their own JSON, because azure-native's typed resources "
        f"cannot express them (ops adf check says why, per file): {', '.join(sorted(arm))}"
    )
