"""One harness for every test: the real program, planned under the mock engine."""

from __future__ import annotations

import gc
import os
import tempfile
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

MEMORY_TEMP_ROOT = Path("/dev/shm")
"""Linux's shared-memory tmpfs: where the run's temporary folders go when it has room to spare (`_memory_temp_root`)."""

MEMORY_TEMP_ROOT_MINIMUM_FREE = 512 * 1024**2
"""The free space the memory-backed root must have. A passing test's folders are removed as it ends, so a run holds
about 20 MB at once (measured on two workers); the margin is for the folders failing tests keep. A container's default
/dev/shm (64 MB) falls back to the disk."""


def free_bytes(folder: Path) -> int:
    """The space an ordinary user may still write in the file system that holds `folder`."""
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


def _memory_temp_root() -> Path | None:
    """/dev/shm when it is writable with MEMORY_TEMP_ROOT_MINIMUM_FREE bytes free, else None (as off Linux)."""
    if not MEMORY_TEMP_ROOT.is_dir() or not os.access(MEMORY_TEMP_ROOT, os.W_OK | os.X_OK):
        return None
    return MEMORY_TEMP_ROOT if free_bytes(MEMORY_TEMP_ROOT) >= MEMORY_TEMP_ROOT_MINIMUM_FREE else None


def pytest_configure(config: pytest.Config) -> None:
    """Put the run's temporary folders (tmp_path, tempfile, the processes the tests start) in memory.

    The suite writes and removes thousands of small files (project copies, ADF trees, packages, logs); on ext4 each
    creation and removal is journalled, which cost the run 2 to 3 s of system time on two workers. A root the user
    chose (`--basetemp`, PYTEST_DEBUG_TEMPROOT or TMPDIR) is kept. Decided once, in the process that starts the run:
    pytest-xdist workers inherit its environment and take their folders under its base folder.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") or config.option.basetemp:
        return
    if "PYTEST_DEBUG_TEMPROOT" in os.environ or "TMPDIR" in os.environ:
        return
    root = _memory_temp_root()
    if root is not None:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = os.environ["TMPDIR"] = str(root)
        tempfile.tempdir = None  # read TMPDIR again


if os.environ.get("PYTEST_XDIST_WORKER"):
    # A worker collects with the collector off (see pytest_collection_finish): the imports make objects that live as
    # long as the session, and collecting them as they came cost each worker about 0.4 s of CPU.
    gc.disable()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Keep the collector off the modules every test module imported (pulumi, azure-native, ...), and off the tests.

    The modules live as long as the session, yet each full collection walked all of them again; frozen objects are
    skipped. The tests' own garbage is freed by reference counting as they end; what is left in reference cycles
    (a plan's outputs, futures and tasks refer to each other) stays until the worker exits. Collecting it after
    every plan walked each plan's hundreds of thousands of objects once more: 1.5 s of each worker's CPU, while a
    worker's peak memory grew by 40 to 80 MB without it. Tests that need the collector switch it on themselves
    (tests/preview/test_plan.py); `pytest_runtest_teardown` switches it off again after any test, or any command
    run in-process, that switched it on. The process that starts the workers keeps its collector.
    """
    gc.freeze()
    gc.disable()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> None:
    gc.disable()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """A worker's heap dies with it: no collection walks it on the way out.

    After the last hook, pytest collects five times over to report exceptions raised by finalizers of objects in
    reference cycles (the unraisableexception plugin). With the collector off all session, that first walk freed the
    whole session's cycles one by one, and the next four walked what was left: 0.6 to 0.9 s of each worker's CPU, and
    the run waited for the slower worker. Frozen, the objects are skipped; the process's exit frees its memory at
    once. What tests free by reference counting is still checked after each test, where pytest looks for it.
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
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


@pytest.fixture(scope="session")
def installed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's packages as an install puts them in site-packages (tests/support/installed.py), built once per
    run and shared between the workers; tests import from it and never change it."""
    from tests.support.installed import build_site

    basetemp = tmp_path_factory.getbasetemp()
    shared = shared_folder(basetemp)
    return made_once(shared, "installed-site", lambda: build_site((shared or basetemp) / "installed"))


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
