"""Stack names: what Pulumi allows, and the qualifier that makes a stack's Azure names its own.

Any stack name works (a developer's `alice`, a review stack `pr-123`); the `environment` key, not the name,
chooses the posture. The names of Azure resources carry the stack's qualifier, so two stacks in one subscription
never share a name:

- a stack whose name is short lowercase letters and digits in hyphen-separated words (at most
  `QUALIFIER_MAX_LENGTH` characters) is its own qualifier: `dev`, `test` and `prod` keep the names they have,
  and `alice` gets `rg-<prefix>-alice-<region>`;
- any other name (longer, capitals, `_` or `.`) gets the first letters of its words and a hash of the whole
  name: `Feature_Login-Page` -> `featur-<4 hash characters>`, stable for that name and different for any other.

Pulumi's rule for stack names (1-100 letters, digits, `-`, `_` or `.`) is the one its backends apply
(https://www.pulumi.com/docs/iac/concepts/stacks/; pulumi/pulumi `validateStackName` in pkg/backend).
"""

from __future__ import annotations

import hashlib
import re

from stack.errors import InputError

STACK_NAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,100}")
"""What Pulumi accepts as a stack name."""

QUALIFIER_MAX_LENGTH = 11
"""The longest qualifier every name fits with the longest prefix and region code (stack/naming.py, tested)."""

HASH_LENGTH = 4
_HASH_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_OWN_QUALIFIER = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NOT_NAME_CHARACTER = re.compile(r"[^a-z0-9]+")


class StackNameError(InputError):
    """A stack name Pulumi would refuse."""


def check_stack_name(stack: str) -> str:
    """`stack` if Pulumi accepts it as a stack name, else StackNameError saying what is allowed."""
    if "/" in stack:
        raise StackNameError(
            f"'{stack}': give the stack's own name (the part after the last '/', here "
            f"'{stack.rsplit('/', 1)[-1]}'); its config is Pulumi.<name>.yaml"
        )
    if not STACK_NAME_PATTERN.fullmatch(stack):
        raise StackNameError(
            f"'{stack}' is not a stack name Pulumi accepts; allowed: 1-100 letters, digits, hyphens, underscores "
            "or periods"
        )
    return stack


def stable_hash(text: str, length: int = HASH_LENGTH) -> str:
    """`length` lowercase letters and digits derived from `text`: the same on every machine and every run."""
    number = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
    out = []
    for _ in range(length):
        number, digit = divmod(number, len(_HASH_ALPHABET))
        out.append(_HASH_ALPHABET[digit])
    return "".join(out)


def stack_qualifier(stack: str) -> str:
    """The part of every Azure name that says which stack it belongs to (see the module's docstring)."""
    if len(stack) <= QUALIFIER_MAX_LENGTH and _OWN_QUALIFIER.fullmatch(stack):
        return stack
    stem = _NOT_NAME_CHARACTER.sub("-", stack.lower()).strip("-")
    stem = stem[: QUALIFIER_MAX_LENGTH - HASH_LENGTH - 1].strip("-")
    digest = stable_hash(stack)
    return f"{stem}-{digest}" if stem else digest


def short_qualifier(stack: str) -> str:
    """At most four letters and digits for the action group's short name (12 characters, the prefix's first 8
    included): the qualifier itself where it is that short and has no hyphen (`dev`, `test`, `prod`, `bob`),
    else the stack name's hash."""
    qualifier = stack_qualifier(stack)
    return qualifier if len(qualifier) <= HASH_LENGTH and qualifier.isalnum() else stable_hash(stack)
