"""The committed stacks rehearse clean with the pipeline's stages, and what makes each deploy-time call reachable
when it runs is needed.

The dependencies were added so that the vault probe, the code publish and the host-key read wait for the private
endpoints (the endpoint and its zone group) that make their calls reachable. Taking them out again rebuilds the
dependency graph the stacks had before, and the rehearsal fails on it; taking out any one of them fails it too. The
zones and their links to the VNet are the foundation's, which the pipeline deploys in a stage before the platform's:
a platform stage run before it (or a foundation stage run on the pool it creates) cannot start.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from delivery.stages import Agent, AgentKind
from ops.plan import all_checks_but, run_plan
from ops.rehearse import stand_in_package
from preview.mocks import Registration
from preview.plan import Plan
from preview.view import PlanView
from rehearsal import Blocked, rehearsal_of, rehearse, stages_for
from tests.support.checkout import PROJECT_DIR

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
}
"""Resource -> each dependency the fix added (by what it is), as the engine records it: a component dependency
stands for its children."""


@pytest.fixture(scope="module")
def with_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Plan]:
    """The test stack planned with a package, so that the code publish is planned too."""
    overrides = stand_in_package("test", PROJECT_DIR, Path(tmp_path_factory.mktemp("package")))
    assert overrides, "no package is built in the repository, so a stand-in one is planned"
    yield run_plan("test", PROJECT_DIR, config_overrides=overrides, checks=all_checks_but("policy"))


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
    """The rehearsal of the plan's environment (its foundation's resources too) with these dependencies removed."""
    regs = tuple(plan.all_resources)
    for resource, dependencies in removals:
        regs = tuple(without(regs, resource, dependencies))
    view = PlanView.of_registrations(regs, stack_urn=plan.stack_urn, config=plan.config, project_dir=plan.project_dir)
    return rehearsal_of(view).blocked


def conversations(blocked: tuple[Blocked, ...]) -> set[tuple[str, str]]:
    return {(b.by, b.conversation.split(" -> ", 1)[1]) for b in blocked}


def test_every_committed_stack_rehearses_clean_with_the_pipelines_stages(
    plans: dict[str, Plan], with_package: Plan
) -> None:
    for plan in (*plans.values(), with_package):
        view = PlanView.of_environment(plan)
        assert all(stage.stack == plan.stack for stage in stages_for(view))
        assert rehearsal_of(view).blocked == (), plan.stack
    lines = rehearsal_of(PlanView.of_environment(with_package)).lines
    assert any(f"the code publish ({PUBLISH}):" in line for line in lines), "the publish is rehearsed"
    assert "stage deploy_test: the platform stack test, on pool mdp-konnektmack-test-weu" in lines


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
    # What the probe then waits for: the root and vault components, the name suffix, the vault and its role assignment.
    assert str(blocked) == (
        f"deploy_test: the vault access probe ({GATE}) cannot reach pool agent mdp-konnektmack-test-weu -> vault "
        "kv-konnektmack-test-gko5 (vault) when it runs: platform-pe-vault-vault-endpoint, platform-pe-vault-vault-dns "
        f"may not exist yet ({GATE} waits only for its 5 prerequisites). Fix: make {GATE} depend on "
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
    view = PlanView.of_environment(plans["prod"])
    hosted = Agent(AgentKind.HOSTED, "ubuntu-24.04")
    stages = [replace(stage, agent=hosted) if stage.name == "deploy_prod" else stage for stage in stages_for(view)]
    found = {(b.stage, b.operation, b.fix) for b in rehearse(view, stages).blocked}
    assert found == {
        ("deploy_prod", "the vault access probe", "run stage deploy_prod on the stack's agent pool, inside the VNet"),
        ("deploy_prod", "the SQL scripts", "run stage deploy_prod on the stack's agent pool, inside the VNet"),
    }


def test_a_platform_stage_before_its_foundations_cannot_start_on_the_pool_the_foundation_creates(
    plans: dict[str, Plan],
) -> None:
    view = PlanView.of_environment(plans["test"])
    stages = stages_for(view)
    platform_first = [*stages[2:], *stages[:2]]
    found = [(b.stage, b.operation, b.missing, b.fix) for b in rehearse(view, platform_first).blocked]
    missing = "pool mdp-konnektmack-test-weu does not exist yet: no earlier stage created it"
    fix = "after stage deploy_foundation_test, whose `pulumi up` creates the pool"
    assert found == [
        ("preview_test", "the stage's agent", missing, f"run stage preview_test {fix}"),
        ("deploy_test", "the stage's agent", missing, f"run stage deploy_test {fix}"),
    ]


def test_a_foundation_deployed_from_the_pool_it_creates_cannot_start(plans: dict[str, Plan]) -> None:
    """The deploy's own agent: the pool cannot be created by the deploy that runs on it."""
    view = PlanView.of_environment(plans["prod"])
    pool = Agent(AgentKind.POOL, "mdp-konnektmack-prod-weu")
    stages = [replace(stage, agent=pool) if stage.project_dir == "foundation" else stage for stage in stages_for(view)]
    found = [(b.stage, b.fix) for b in rehearse(view, stages).blocked]
    assert found == [
        (
            "preview_foundation_prod",
            "run stage preview_foundation_prod after stage deploy_foundation_prod, whose `pulumi up` creates the pool",
        ),
        (
            "deploy_foundation_prod",
            "stage deploy_foundation_prod's own `pulumi up` creates pool mdp-konnektmack-prod-weu: deploy the pool "
            "first, from a Microsoft-hosted agent (ARM calls only), in a stage before it",
        ),
    ]
