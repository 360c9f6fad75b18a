"""Personal and review stacks: any stack name plans, with its environment's posture and Azure names of its own.

A stack `alice` with environment dev (a developer's) and a stack `pr-123` with environment test (a review stack,
private networking) are planned, with every check, from a copy of the program holding a copy of dev's and test's
stack file, and their Azure names compared with the committed stack's.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from pydantic.alias_generators import to_camel

from ops.plan import run_plan
from preview import schema
from preview.plan import Plan, azure_names, copy_program
from stack.stack_names import stack_qualifier
from tests.support.checkout import PROJECT_DIR

AZURE_ZONE = re.compile(r"privatelink\.[a-z0-9.-]+")
"""Private Link's DNS zones: Azure fixes their names, and each stack has its own in its own resource group."""


EVERY_STACK_NAMES = {
    "platform-rg-group",
    "platform-lake-account",
    "platform-generator-host-storage",
    "platform-key-vault-vault",
    "platform-adf-factory",
    "platform-generator-app",
    "platform-generator-plan",
    "platform-monitoring-workspace",
    "platform-monitoring-app-insights",
    "platform-monitoring-action-group",
    "platform-adf-failed-runs-alert",
    "platform-sql-server",
}
"""Resources every stack has, named in their resource group."""


def plan_copy(root: Path, stack: str, like: str) -> Plan:
    """A personal stack made the way its owner would: the stack file copied, a private one's foundation stack
    created, and its pool counted against a quota of its own (a review subscription)."""
    copy_program(root, PROJECT_DIR, stacks=(like,))
    text = (root / f"Pulumi.{like}.yaml").read_text().replace("subscription: contoso-data", "subscription: review")
    (root / f"Pulumi.{stack}.yaml").write_text(text)
    foundation = root / "foundation" / f"Pulumi.{like}.yaml"
    if foundation.is_file():
        (root / "foundation" / f"Pulumi.{stack}.yaml").write_text(foundation.read_text())
    return run_plan(stack, root)


@pytest.fixture(scope="module", params=[("alice", "dev"), ("pr-123", "test")], ids=["alice-dev", "pr-123-test"])
def stacks(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, plans) -> tuple[Plan, Plan]:
    stack, like = request.param
    return plan_copy(tmp_path_factory.mktemp(stack), stack, like), plans[like]


def parents(type_token: str) -> set[str]:
    """What names the resource's place: the SDK's required arguments (a container's `account_name`, an extension
    resource's `scope` or `resource_uri`), as the engine's camelCase inputs."""
    args = schema.args_class(type_token)
    assert args is not None, type_token
    return {
        to_camel(param.name)
        for param in inspect.signature(args).parameters.values()
        if param.default is inspect.Parameter.empty
        and (param.name.endswith("_name") or param.name in ("scope", "resource_uri"))
        and param.name != "group_short_name"  # the action group's display name, compared on its own below
    }


def named_in_its_resource_group(plan: Plan) -> dict[str, str]:
    """Logical name -> Azure name of each resource named in its resource group (or the subscription) alone, not
    inside another resource: nothing but its resource group places it."""
    names = azure_names(plan)
    return {
        reg.name: names[reg.name]
        for reg in plan.all_resources
        if reg.name in names and parents(reg.type) <= {"resourceGroupName"}
    }


def test_the_personal_stack_has_the_posture_of_its_environment(stacks: tuple[Plan, Plan]) -> None:
    personal, committed = stacks
    assert personal.config.environment == committed.config.environment
    assert sorted(reg.type for reg in personal.resources) == sorted(reg.type for reg in committed.resources)


def test_every_azure_name_of_the_personal_stack_differs_from_the_committed_stacks(stacks: tuple[Plan, Plan]) -> None:
    personal, committed = stacks
    mine, theirs = named_in_its_resource_group(personal), named_in_its_resource_group(committed)
    assert set(mine) == set(theirs)
    assert set(mine) >= EVERY_STACK_NAMES
    same = {name: azure for name, azure in mine.items() if theirs[name] == azure and not AZURE_ZONE.fullmatch(azure)}
    assert same == {}


def test_the_names_carry_the_stack_and_the_24_character_ones_their_own_suffix(stacks: tuple[Plan, Plan]) -> None:
    personal, committed = stacks
    names = azure_names(personal)
    assert names["platform-rg-group"] == f"rg-konnektmack-{stack_qualifier(personal.stack)}-weu"
    for logical in ("platform-lake-account", "platform-generator-host-storage", "platform-key-vault-vault"):
        assert names[logical] != azure_names(committed)[logical]
        assert names[logical][-4:] != azure_names(committed)[logical][-4:]  # the random suffix, drawn per stack


def test_the_action_group_short_name_differs_too(stacks: tuple[Plan, Plan]) -> None:
    personal, committed = stacks

    def short(plan: Plan) -> str:
        [group] = plan.by_type("azure-native:monitor:ActionGroup")
        return group.inputs["groupShortName"]

    assert short(personal) != short(committed)
