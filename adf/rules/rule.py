"""One content rule: what it limits, the limit, the fact in our words and where it comes from.

A rule's finding reads `<file>: <path in the file>: <what is wrong> (limit <n>, <source>)`, the path in the
authoring JSON as ADF Studio writes it, so a team fixes the file it has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeGuard

from adf.rules.sources import Source


@dataclass(frozen=True)
class Rule:
    id: str
    """Stable name, as the README's table lists it."""
    subject: str
    """What it applies to: an object kind, an activity or trigger type, or a property."""
    limit: str
    """The limit a finding names."""
    fact: str
    """What the source says, in our words."""
    sources: tuple[Source, ...]
    """The first is the one a finding names; the others agree, or disagree and are followed less."""

    def finding(self, file: str, path: str, what: str) -> str:
        return f"{file}: {path}: {what} (limit {self.limit}, {self.sources[0].title})"


def is_expression(value: Any) -> bool:
    """A value ADF evaluates at run time (`{"value": "@...", "type": "Expression"}` or a string starting with
    '@'): its result is unknown before the run, so no format or bound is checked on it."""
    if isinstance(value, dict):
        return value.get("type") == "Expression"
    return isinstance(value, str) and value.startswith("@") and not value.startswith("@@")


def is_whole_number(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
