"""One harness for every test: the real program, planned under the mock engine."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.support.checkout import PROJECT_DIR
from tests.support.shared_plans import made_once, shared_folder

if TYPE_CHECKING:
    from preview.mocks import Registration
    from preview.plan import Plan
    from tests.support.warm_process import WarmCli

# The program's modules (pulumi, azure-native, the project) are imported where a fixture first needs them, not
# here: under pytest-xdist the controller loads this file too before it starts the workers, and it runs no test.

STACKS = ("dev", "test", "prod")

GC_THRESHOLDS = (50_000, 20, 10)
"""The workers' collector thresholds (Python's are 700, 10, 10): collecting the suite imports pulumi, azure-native
and the project, and the tests allocate millions of objects, so a collection every 700 net allocations took about
1.7 s of each worker's CPU (1 s at these thresholds; the suite's CPU time 2% less, measured pair by pair). Set as
this file is imported, before the test modules are. Cyclic garbage waits for fewer, larger collections; the peak
memory of a worker stays under 600 MB."""
gc.set_threshold(*GC_THRESHOLDS)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Keep the collector off the modules every test module imported (pulumi, azure-native, ...).

    They live as long as the session, yet each full collection walked all of them again;
    frozen objects are skipped. Objects created by the tests are collected as usual.
    """
    gc.freeze()


class CommittedPlans:
    """Each committed stack's plan, made the first time a session fixture asks for it, then kept; made once per
    run and shared between the workers (tests/support/shared_plans.py)."""

    def __init__(self, shared: Path | None) -> None:
        self._planned: dict[str, Plan] = {}
        self._shared = shared

    def plan(self, stack: str) -> Plan:
        from ops.plan import all_checks_but, run_plan

        if stack not in self._planned:
            self._planned[stack] = made_once(
                self._shared, f"plan-{stack}", lambda: run_plan(stack, PROJECT_DIR, checks=all_checks_but("policy"))
            )
            gc.freeze()  # it lives as long as the session: no collection needs to walk it again
        return self._planned[stack]


@pytest.fixture(scope="session")
def committed_plans(tmp_path_factory: pytest.TempPathFactory) -> CommittedPlans:
    """The session's plans of the committed stacks: `dev` and `prod` plan only their own stack, `plans` all three,
    each stack once."""
    return CommittedPlans(shared_folder(tmp_path_factory.getbasetemp()))


@pytest.fixture(scope="session")
def plans(committed_plans: CommittedPlans) -> dict[str, Plan]:
    """Each committed stack, planned once per test session with every check but the security baseline.

    The baseline is judged by its own tests on these same plans (tests/policy: every committed stack has
    zero violations), so a plan that the baseline would refuse fails there, with the rule's name.
    """
    return {stack: committed_plans.plan(stack) for stack in STACKS}


@pytest.fixture(scope="session")
def dev(committed_plans: CommittedPlans) -> Plan:
    return committed_plans.plan("dev")


@pytest.fixture(scope="session")
def prod(committed_plans: CommittedPlans) -> Plan:
    return committed_plans.plan("prod")


@pytest.fixture(scope="session")
def public_test(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    """The test stack with `network.privateNetworking` switched off by its config (what a public release of that
    private stack planned), run once per run without checks; tests read it and never change it."""
    from preview.plan import run_program

    return made_once(
        shared_folder(tmp_path_factory.getbasetemp()),
        "plan-public-test",
        lambda: run_program(
            "test", PROJECT_DIR, config_overrides={"data-platform:network": {"privateNetworking": False}}
        ),
    )


@pytest.fixture
def plan_with() -> Callable[..., Plan]:
    """Plan a stack with some config keys replaced (`None` removes a key)."""
    from ops.plan import run_plan

    def _plan(stack: str = "dev", **overrides: Any) -> Plan:
        return run_plan(stack, PROJECT_DIR, config_overrides=overrides)

    return _plan


def one(plan: Plan, type_token: str, name_suffix: str = "") -> Registration:
    """The single resource of a type (and logical-name suffix); fails if there is not exactly one."""
    found = [reg for reg in plan.by_type(type_token) if reg.name.endswith(name_suffix)]
    assert len(found) == 1, f"expected one {type_token} *{name_suffix}, found {[r.name for r in found]}"
    return found[0]


def by_urn(plan: Plan) -> dict[str, Registration]:
    return {reg.urn: reg for reg in plan.resources}


@pytest.fixture(scope="session")
def warm_cli(dev: Plan, tmp_path_factory: pytest.TempPathFactory) -> WarmCli:
    """One warm interpreter per test run, shared by its workers, for the tests that run `python -m ops` on a copy
    of the project. It ends with the run: the workers' parent under pytest-xdist, else this process."""
    from tests.support.warm_process import THIRD_PARTY, WarmCli

    azure = {
        "pulumi_azure_native.{1}:{2}".format(*reg.type.split(":"))
        for reg in dev.resources
        if reg.type.startswith("azure-native:")
    }
    basetemp = tmp_path_factory.getbasetemp()
    shared = shared_folder(basetemp)
    owner = os.getppid() if shared is not None else os.getpid()
    return WarmCli.shared(shared or basetemp, owner, [*THIRD_PARTY, *sorted(azure)])
