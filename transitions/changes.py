"""What changed in one resource's inputs between two plans, property by property.

Objects are compared key by key, so a change is named by its dotted path (`properties.enablePurgeProtection`,
`sku.name`); a list is one value (`delegations`, `privateLinkServiceConnections`), since the engine and the
provider send a list whole. A property the program stops sending, or starts sending, is a change from or to
`ABSENT`: Azure then keeps, or falls back to, whatever it has.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from preview.inputs import SECRET, UNKNOWN


class _Absent:
    """The value of a property a plan does not send."""

    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "absent"

    def __bool__(self) -> bool:
        return False


ABSENT: Final = _Absent()


@dataclass(frozen=True)
class PropertyChange:
    """One input whose value differs between the previous and the current plan."""

    path: str
    """Dotted path below the resource's inputs."""
    old: Any
    new: Any

    @property
    def known(self) -> bool:
        """Whether both values are known offline: a secret or an output known only at deploy time is not."""
        return is_judgeable(self.old) and is_judgeable(self.new)

    def __str__(self) -> str:
        return f"{self.path}: {show(self.old)} -> {show(self.new)}"


def is_judgeable(value: Any) -> bool:
    """Whether a planned value can be compared with Azure's rules offline (not a masked secret or an unknown)."""
    return value not in (SECRET, UNKNOWN) if isinstance(value, str) else True


def show(value: Any, limit: int = 120) -> str:
    """A value as the report prints it: JSON, shortened."""
    if value is ABSENT:
        return "absent"
    text = json.dumps(value, sort_keys=True) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 3] + "..."


def value_at(inputs: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path, or `ABSENT` where a step is missing."""
    value: Any = inputs
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            return ABSENT
        value = value[key]
    return value


def _walk(old: Any, new: Any, path: str) -> Iterator[PropertyChange]:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in sorted(set(old) | set(new)):
            child = f"{path}.{key}" if path else key
            yield from _walk(old.get(key, ABSENT), new.get(key, ABSENT), child)
    elif old != new or (type(old) is not type(new) and not _same_number(old, new)):
        yield PropertyChange(path, old, new)


def _same_number(old: Any, new: Any) -> bool:
    numbers = (int, float)
    return (
        isinstance(old, numbers)
        and isinstance(new, numbers)
        and not isinstance(old, bool)
        and not isinstance(new, bool)
        and old == new
    )


def property_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[PropertyChange, ...]:
    """Every input that differs, by path, in path order."""
    return tuple(_walk(old, new, ""))
