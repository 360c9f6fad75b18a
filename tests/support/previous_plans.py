"""Previous releases' plans made by hand from registrations, for the transition checks' tests."""

from __future__ import annotations

from typing import Any

from preview.mocks import Registration
from tests.support.registrations import STACK
from transitions.previous import PreviousPlan, PreviousResource

PROJECT = "p"
"""The project of hand-made URNs (`tests.support.registrations.urn`)."""


def previous_of(*regs: Registration, source: str = "previous.json") -> PreviousPlan:
    """The previous plan that deployed exactly these registrations, as `ops plan --json` would list them."""
    return PreviousPlan(
        PROJECT,
        STACK,
        tuple(
            PreviousResource(reg.urn, reg.type, reg.name, reg.parent, reg.protect, reg.inputs, tuple(reg.aliases))
            for reg in regs
        ),
        source,
    )


def document_of(*regs: Registration) -> dict[str, Any]:
    """The same, as the parsed JSON document."""
    return {
        "project": PROJECT,
        "stack": STACK,
        "resources": [
            {
                "urn": reg.urn,
                "type": reg.type,
                "name": reg.name,
                "parent": reg.parent,
                "dependsOn": reg.depends_on,
                "protect": reg.protect,
                "inputs": reg.inputs,
                "aliases": reg.aliases,
            }
            for reg in regs
        ],
    }
