"""The schema check over a plan: every planned azure-native and random resource against the installed SDK.

Kept out of the package's `__init__`, since the view it reads is built on the mocks, which read the schema.
"""

from __future__ import annotations

from preview.schema.check import SchemaViolation, check_inputs
from preview.view import PlanView


def check(view: PlanView) -> list[SchemaViolation]:
    """Every input a real `pulumi preview` would reject, resource by resource in registration order."""
    return [
        violation
        for reg in view.registrations
        if reg.custom
        for violation in check_inputs(reg.type, reg.inputs, reg.urn)
    ]
