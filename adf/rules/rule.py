"""One content rule: what it limits, the limit, the fact in our words, where it comes from, and what ADF does.

A rule's finding reads `<file>: <path in the file>: <what is wrong> (limit <n>, <source>)`, the path in the
authoring JSON as ADF Studio writes it, so a team fixes the file it has. A rule is a refusal unless content ADF
itself accepted breaks it: then (`accepted`) it is a warning, which names that evidence too and deploys the file,
`(limit <n>, <source>; ADF accepts it: <evidence>)`. ADF Studio validates on publish, so an object in a template
ADF generated on Publish (an `adf_publish` branch, a `templates/` folder) is one ADF accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeGuard

from adf.rules.sources import Source


class Severity(StrEnum):
    ERROR = "error"
    """ADF refuses it (or the pages say so and nothing ADF accepted says otherwise): the file cannot deploy."""
    WARNING = "warning"
    """The pages say no, but ADF accepted it on save or publish: the file deploys, and the user is told."""


class Finding(str):
    """A finding's text, which also knows whether it refuses the file."""

    severity: Severity

    def __new__(cls, text: str, severity: Severity) -> Finding:
        finding = super().__new__(cls, text)
        finding.severity = severity
        return finding


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
    evidence: str
    """What ADF did with content that breaks the rule: an error text it returned and when, content it published
    (repository, commit, file, object), or that none of the published content we searched breaks it."""
    accepted: tuple[Source, ...] = ()
    """Content ADF accepted on save or publish although it breaks the rule: when given, the rule only warns."""

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self.accepted else Severity.ERROR

    @property
    def decision(self) -> str:
        """The README's decision column."""
        if self.severity == Severity.WARNING:
            return "warning: ADF accepts it, so the file deploys"
        return "refused"

    def finding(self, file: str, path: str, what: str) -> Finding:
        cited = f"limit {self.limit}, {self.sources[0].title}"
        if self.accepted:
            cited += f"; ADF accepts it: {self.accepted[0].title}"
        return Finding(f"{file}: {path}: {what} ({cited})", self.severity)


def is_expression(value: Any) -> bool:
    """A value ADF evaluates at run time (`{"value": "@...", "type": "Expression"}` or a string starting with
    '@'): its result is unknown before the run, so no format or bound is checked on it."""
    if isinstance(value, dict):
        return value.get("type") == "Expression"
    return isinstance(value, str) and value.startswith("@") and not value.startswith("@@")


def is_whole_number(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
