"""The committed stacks rehearse clean, and each dependency that makes a deploy-time call reachable is needed.

The dependencies were added so that the vault probe, the code publish and the host-key read wait for the private
endpoints (with their DNS registration in a zone linked to the VNet) that make their calls reachable. Taking them
out again rebuilds the dependency graph the stacks had before, and the rehearsal fails on it; taking out any one of
them fails it too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from ops.plan import all_checks_but, run_plan
from ops.rehearse import stand_in_package
from preview.mocks import Registration
from preview.plan import Plan
from preview.view import PlanView
from rehearsal import AgentLocation, Blocked, Stage, rehearsal_of, rehearse
from rehearsal.stages import DEPLOY_STEPS
from stack.paths import PROJECT_DIR

GATE = "platform-key-vault-secrets-officer-effective"
PUBLISH = "platform-generator-package"
HOST_KEYS = "platform-generator-host-keys"

ADDED: dict[str, dict[str, tuple[str, ...]]] = {
    GATE: {"the vault's private endpoint": ("platform-pe-vault-vault-endpoint", "platform-pe-vault-vault-dns")},
    PUBLISH: {
        "the site's private endpoint": ("platform-pe-function-sites-endpoint", "platform-pe-function-sites-dns"),
        "the host storage's blob endpoint": ("platform-pe-host-blob-endpoint", "platform-pe-host-blob-dns"),
    },
    HOST_KEYS: {
        "the host storage's blob endpoint": ("platform-pe-host-blob-endpoint", "platform-pe-host-blob-dns"),
        "the host storage's queue endpoint": ("platform-pe-host-queue-endpoint", "platform-pe-host-queue-dns"),
        "the host storage's table endpoint": ("platform-pe-host-table-endpoint", "platform-pe-host-table-dns"),
    },
    "platform-pe-vault-vault-dns": {"the vault zone's link": ("platform-network-zone-vaultcore-link",)},
    "platform-pe-function-sites-dns": {"the sites zone's link": ("platform-network-zone-azurewebsites-link",)},
    "platform-pe-host-blob-dns": {"the blob zone's link": ("platform-network-zone-blob-link",)},
    "platform-pe-host-queue-dns": {"the queue zone's link": ("platform-network-zone-queue-link",)},
    "platform-pe-host-table-dns": {"the table zone's link": ("platform-network-zone-table-link",)},
}
"""Resource -> each dependency the fix added (by what it is), as the engine records it: a component dependency
stands for its children, and a zone's id carries its link."""


@pytest.fixture(scope="module")
def with_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Plan]:
    """The test stack planned with a package, so that the code publish is planned too."""
    overrides = stand_in_package("test", PROJECT_DIR, Path(tmp_path_factory.mktemp("package")))
    assert overrides, "no package is built in the repository, so a stand-in one is planned"
    yield run_plan("test", config_overrides=overrides, checks=all_checks_but("policy"))


def without(regs: tuple[Registration, ...], resource: str, dependencies: tuple[str, ...]) -> list[Registration]:
    """The registrations with `resource` no longer depending on `dependencies` (logical names), explicitly or
    through an input."""
    (target,) = [reg for reg in regs if reg.name == resource]
    dropped = {reg.urn for reg in regs if reg.name in dependencies}
    assert dropped and dropped <= set(target.depends_on), f"{resource} depends on {dependencies}"
    changed = dataclasses.replace(
        target,
        depends_on=[urn for urn in target.depends_on if urn not in dropped],
        property_dependencies={
            key: [urn for urn in urns if urn not in dropped] for key, urns in target.property_dependencies.items()
        },
    )
    return [changed if reg is target else reg for reg in regs]


def blocked_after_removing(plan: Plan, removals: list[tuple[str, tuple[str, ...]]]) -> tuple[Blocked, ...]:
    regs: tuple[Registration, ...] = plan.resources if isinstance(plan.resources, tuple) else tuple(plan.resources)
    for resource, dependencies in removals:
        regs = tuple(without(regs, resource, dependencies))
    view = PlanView.of_registrations(regs, stack_urn=plan.stack_urn, config=plan.config)
    return rehearsal_of(view).blocked


def conversations(blocked: tuple[Blocked, ...]) -> set[tuple[str, str]]:
    return {(b.by, b.conversation.split(" -> ", 1)[1]) for b in blocked}


def test_every_committed_stack_rehearses_clean(plans: dict[str, Plan], with_package: Plan) -> None:
    for plan in (*plans.values(), with_package):
        result = rehearsal_of(PlanView.of(plan))
        assert result.blocked == (), plan.stack
    lines = rehearsal_of(PlanView.of(with_package)).lines
    assert any(f"the code publish ({PUBLISH}):" in line for line in lines), "the publish is rehearsed"


def test_the_dependency_graph_before_the_fix_fails_the_rehearsal(with_package: Plan) -> None:
    removals = [(resource, deps) for resource, added in ADDED.items() for deps in added.values()]
    found = conversations(blocked_after_removing(with_package, removals))
    assert found == {
        (GATE, "vault kv-konnektmack-test-gko5 (vault)"),
        (PUBLISH, "function func-konnektmack-test-weu-gko5 (sites)"),
        (PUBLISH, "host-storage stfnkonnektmacktestgko5 (blob)"),
        (HOST_KEYS, "host-storage stfnkonnektmacktestgko5 (blob)"),
        (HOST_KEYS, "host-storage stfnkonnektmacktestgko5 (queue)"),
        (HOST_KEYS, "host-storage stfnkonnektmacktestgko5 (table)"),
    }


def test_a_failure_names_the_operation_what_it_cannot_reach_and_the_dependency_to_add(with_package: Plan) -> None:
    (blocked,) = blocked_after_removing(with_package, [(GATE, ADDED[GATE]["the vault's private endpoint"])])
    assert str(blocked) == (
        f"deploy_test: the vault access probe ({GATE}) cannot reach pool agent mdp-konnektmack-test-weu -> vault "
        "kv-konnektmack-test-gko5 (vault) when it runs: platform-pe-vault-vault-endpoint, platform-pe-vault-vault-dns, "
        "platform-network-zone-vaultcore, platform-network-zone-vaultcore-link may not exist yet "
        f"({GATE} waits only for its 4 prerequisites). Fix: make {GATE} depend on "
        "platform-pe-vault-vault"
    )


EACH = [
    pytest.param(resource, what, deps, id=f"{resource}: {what}")
    for resource, added in ADDED.items()
    for what, deps in added.items()
    if (resource, what) != (HOST_KEYS, "the host storage's blob endpoint")
]


@pytest.mark.parametrize(("resource", "what", "dependencies"), EACH)
def test_each_added_dependency_removed_on_its_own_fails_the_rehearsal(
    with_package: Plan, resource: str, what: str, dependencies: tuple[str, ...]
) -> None:
    assert blocked_after_removing(with_package, [(resource, dependencies)]), f"{resource} needs {what}"


def test_the_host_keys_need_the_blob_endpoint_where_no_publish_brings_it(plans: dict[str, Plan]) -> None:
    """With a package the publish already waits for the blob endpoint, and the host keys wait for the publish; a
    plan without one (as `ops plan` runs before `make package`) shows the host keys' own need."""
    deps = ADDED[HOST_KEYS]["the host storage's blob endpoint"]
    found = conversations(blocked_after_removing(plans["test"], [(HOST_KEYS, deps)]))
    assert found == {(HOST_KEYS, "host-storage stfnkonnektmacktestgko5 (blob)")}


def test_a_private_stack_deployed_from_a_microsoft_hosted_agent_cannot_reach_its_data_planes(
    plans: dict[str, Plan],
) -> None:
    view = PlanView.of(plans["prod"])
    hosted = Stage("deploy_prod", "prod", AgentLocation.MICROSOFT_HOSTED, DEPLOY_STEPS)
    found = {(b.operation, b.fix) for b in rehearse(view, [hosted]).blocked}
    assert found == {
        ("the vault access probe", "run stage deploy_prod on the stack's agent pool, inside the VNet"),
        ("the SQL scripts", "run stage deploy_prod on the stack's agent pool, inside the VNet"),
    }
