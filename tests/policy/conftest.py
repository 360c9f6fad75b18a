"""Plans for the policy tests that the plan's own policy check has not already passed."""

from __future__ import annotations

import pytest

from preview.plan import Plan
from tests.conftest import STACKS
from tests.policy.fixtures import plan_unchecked


@pytest.fixture(scope="session")
def unchecked_plans() -> dict[str, Plan]:
    """Each committed stack planned without the policy check, so that only these tests judge it."""
    return {stack: plan_unchecked(stack) for stack in STACKS}
