"""The previous release's plan: the `python -m ops plan --stack S --json` document of what was last deployed.

That document, not `pulumi stack export`, is what `--from` reads (transitions/README.md says why): it holds the
inputs exactly as the program sent them, the same shape the current plan has, with no secret in it, and the
pipeline can keep it as an artifact of each deployed run without access to the state backend.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stack.errors import InputError

PLAN_COMMAND = "python -m ops plan --stack <stack> --json"
"""What writes the document `--from` reads."""


class PreviousPlanError(InputError):
    """The previous plan given to `--from` is missing, not JSON, or not a document `ops plan --json` writes."""


@dataclass(frozen=True)
class PreviousResource:
    """One resource of the previous plan, as `ops plan --json` lists it."""

    urn: str
    type: str
    name: str
    parent: str | None
    protect: bool
    inputs: Mapping[str, Any]
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class PreviousPlan:
    """The previous release's plan of one stack."""

    project: str
    stack: str
    resources: tuple[PreviousResource, ...]
    source: str
    """Where it was read from (a file name), for messages."""

    def by_urn(self) -> dict[str, PreviousResource]:
        return {resource.urn: resource for resource in self.resources}


def _fail(source: str, problem: str) -> PreviousPlanError:
    return PreviousPlanError(f"{source}: {problem}; --from takes the JSON that `{PLAN_COMMAND}` prints")


def _resource(item: Any, index: int, source: str) -> PreviousResource:
    place = f"resources[{index}]"
    if not isinstance(item, Mapping):
        raise _fail(source, f"{place} is not an object")
    for key in ("urn", "type", "name"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise _fail(source, f"{place}.{key} is missing or not a string")
    inputs = item.get("inputs", {})
    if not isinstance(inputs, Mapping):
        raise _fail(source, f"{place}.inputs is not an object")
    aliases = item.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(alias, str) for alias in aliases):
        raise _fail(source, f"{place}.aliases is not a list of URNs")
    parent = item.get("parent")
    return PreviousResource(
        urn=item["urn"],
        type=item["type"],
        name=item["name"],
        parent=parent if isinstance(parent, str) else None,
        protect=item.get("protect") is True,
        inputs=inputs,
        aliases=tuple(aliases),
    )


def parse_previous(document: Any, source: str = "the previous plan") -> PreviousPlan:
    """Check a parsed document and read its resources; raise `PreviousPlanError` naming what is wrong."""
    if isinstance(document, Mapping) and "deployment" in document:
        raise _fail(source, "this is a `pulumi stack export` file, not a plan")
    if not isinstance(document, Mapping):
        raise _fail(source, "the document is not a JSON object")
    for key in ("project", "stack"):
        if not isinstance(document.get(key), str) or not document[key]:
            raise _fail(source, f"'{key}' is missing or not a string")
    items = document.get("resources")
    if not isinstance(items, list):
        raise _fail(source, "'resources' is missing or not a list")
    resources = tuple(_resource(item, index, source) for index, item in enumerate(items))
    seen: set[str] = set()
    for resource in resources:
        if resource.urn in seen:
            raise _fail(source, f"the URN {resource.urn} is listed twice")
        seen.add(resource.urn)
    return PreviousPlan(document["project"], document["stack"], resources, source)


def read_previous(path: Path) -> PreviousPlan:
    """Read and check the previous plan file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise _fail(str(path), f"cannot be read ({error.strerror or error})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise _fail(str(path), f"is not JSON (line {error.lineno}: {error.msg})") from None
    return parse_previous(document, str(path))
