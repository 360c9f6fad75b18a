"""Plans for the policy tests that the plan's own policy check has not already passed."""

from __future__ import annotations

import pytest

from preview.plan import Plan


@pytest.fixture(scope="session")
def unchecked_plans(plans: dict[str, Plan]) -> dict[str, Plan]:
    """Each committed stack planned without the policy check (the session's plans), so only these tests judge it."""
    return plans
