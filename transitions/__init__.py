"""Transitions from the last release: what changes between the previous release's plan and this one, and
whether Azure makes each change in place, by replacing the resource, or not at all.

Imports `stack` and `preview` only. The decisions and the cited catalogue: transitions/README.md.
"""

from transitions.catalogue import REFUSALS, Refusal
from transitions.changes import ABSENT, PropertyChange
from transitions.previous import PreviousPlan, PreviousPlanError, parse_previous, read_previous
from transitions.replacement import FORCE_NEW, FORCE_NEW_TABLE, forces_replacement, path_parameters
from transitions.report import (
    INTENT_KEY,
    STATEFUL_TYPES,
    InPlaceChange,
    IntendedReplacementError,
    Move,
    RefusedTransition,
    Replacement,
    ResourceRef,
    TransitionReport,
    TransitionsError,
    transitions,
)

__all__ = [
    "ABSENT",
    "FORCE_NEW",
    "FORCE_NEW_TABLE",
    "INTENT_KEY",
    "REFUSALS",
    "STATEFUL_TYPES",
    "InPlaceChange",
    "IntendedReplacementError",
    "Move",
    "PreviousPlan",
    "PreviousPlanError",
    "PropertyChange",
    "Refusal",
    "RefusedTransition",
    "Replacement",
    "ResourceRef",
    "TransitionReport",
    "TransitionsError",
    "forces_replacement",
    "parse_previous",
    "path_parameters",
    "read_previous",
    "transitions",
]
