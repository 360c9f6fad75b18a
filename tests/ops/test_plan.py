"""`python -m ops plan`: the JSON document, the tree, and failures that name what is wrong."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from adf.load import Inspection
from deployability import DeployabilityError
from ops import plan as ops_plan
from ops.cli.main import main
from ops.plan import CHECK_NAMES, all_checks_but, checks_named, passed_line, run_checks, run_plan
from policy.offline import PolicyError
from preview.mocks import Registration
from preview.plan import Plan
from preview.resource_types import ResourceType
from preview.schema import SchemaCheckError
from stack.files import StackFileError, read_stack_config
from tests.support.checkout import PROJECT_DIR
from tests.support.registrations import PROVIDERS, reg, view_of
from tests.support.stack_config import stack_config
from tests.support.warm_process import WarmCli, project_copy


def test_json_document_has_exactly_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", "dev", "--json", "--project-dir", str(PROJECT_DIR)]) == 0
    out, err = capsys.readouterr()
    document = json.loads(out)
    assert out == json.dumps(document, indent=2) + "\n"
    assert err.splitlines()[-1] == "checks passed: sql-scripts, schema, policy, deployability, reachability, rehearsal"
    assert set(document) == {"command", "ok", "exitCode", "errors", "project", "stack", "resources", "warnings"}
    assert (document["command"], document["ok"], document["exitCode"], document["errors"]) == ("plan", True, 0, [])
    assert document["project"] == "data-platform"
    assert document["stack"] == "dev"
    urns = {r["urn"] for r in document["resources"]}
    for resource in document["resources"]:
        assert set(resource) == {"urn", "type", "name", "parent", "dependsOn", "protect", "inputs", "aliases"}
        assert resource["parent"] is None or resource["parent"] in urns
        assert set(resource["dependsOn"]) <= urns
        assert isinstance(resource["protect"], bool)
    roots = [r for r in document["resources"] if r["parent"] is None]
    assert [r["type"] for r in roots] == ["data-platform:index:DataPlatform"]


def test_unknown_stack_lists_the_available_ones() -> None:
    with pytest.raises(StackFileError) as info:
        run_plan("staging", PROJECT_DIR)
    assert "Pulumi.staging.yaml: no such stack file; stacks: dev, prod, test" in str(info.value)


def test_encrypted_values_reach_the_program_as_secrets(tmp_path: Path) -> None:
    for name in ("Pulumi.yaml",):
        (tmp_path / name).write_text((PROJECT_DIR / name).read_text())
    stack = (PROJECT_DIR / "Pulumi.dev.yaml").read_text()
    stack += "  data-platform:secrets:\n    partner-api-token:\n      secure: v1:AAAABBBBCCCC\n"
    (tmp_path / "Pulumi.dev.yaml").write_text(stack)
    values, secret_keys = read_stack_config(tmp_path, "dev")
    assert secret_keys == ["data-platform:secrets"]
    assert "v1:AAAABBBBCCCC" not in values["data-platform:secrets"]


def test_cli_exits_2_and_names_the_key_on_bad_config(tmp_path: Path, warm_cli: WarmCli) -> None:
    project = project_copy(tmp_path / "project")
    broken = (PROJECT_DIR / "Pulumi.dev.yaml").read_text().replace("environment: dev", "environment: staging")
    (project / "Pulumi.dev.yaml").write_text(broken)
    result = warm_cli.run(project, "plan", "--stack", "dev")
    assert result.returncode == 2, result.stderr
    assert "Pulumi.dev.yaml: data-platform:environment" in result.stderr
    assert "'dev', 'test' or 'prod'" in result.stderr
    assert result.stdout == ""


def test_plan_json_piped_into_a_reader_that_stops_early_ends_quietly_with_exit_0(
    tmp_path: Path, warm_cli: WarmCli
) -> None:
    """`python -m ops plan --stack dev --json | head -1`: the reader takes one line and closes the pipe."""
    result = warm_cli.run_piped(
        PROJECT_DIR, "plan", "--stack", "dev", "--json", reader=lambda stream: stream.readline(), outputs=tmp_path
    )
    assert result.stdout == "{\n"
    assert "Traceback" not in result.stderr
    assert "Broken pipe" not in result.stderr
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------ the check sequence


def lake(**inputs: Any) -> Registration:
    """A storage account the security baseline and the deployability rules both refuse, as `inputs` allow."""
    refused = {"enableHttpsTrafficOnly": False, "accessTier": "Cold"}
    plain = {"accountName": "stlake", "resourceGroupName": "rg", "kind": "StorageV2", "sku": {"name": "Standard_LRS"}}
    return reg(ResourceType.STORAGE_ACCOUNT, "lake", **{**plain, **refused, **inputs})


def locked() -> list[Registration]:
    """A CanNotDelete lock on the lake and a container below it: the deployability check's warning."""
    scope = f"{PROVIDERS}/Microsoft.Storage/storageAccounts/stlake"
    return [
        reg(ResourceType.LOCK, "lock", lockName="lake-lock", level="CanNotDelete", scope=scope),
        reg(ResourceType.BLOB_CONTAINER, "bronze", accountName="stlake", containerName="bronze"),
    ]


def test_the_checks_run_in_order_and_are_chosen_by_name() -> None:
    assert CHECK_NAMES == ("sql-scripts", "schema", "policy", "deployability", "reachability", "rehearsal")
    assert [check.name for check in checks_named(["reachability", "policy"])] == ["policy", "reachability"]
    assert all_checks_but("policy") == ("sql-scripts", "schema", "deployability", "reachability", "rehearsal")
    with pytest.raises(ValueError, match="no such check\\(s\\): polcy; checks: sql-scripts, schema"):
        all_checks_but("polcy")
    with pytest.raises(ValueError, match="polcy"):
        checks_named(["polcy"])


def test_a_chosen_subset_runs_only_those_checks() -> None:
    view = view_of(lake(), config=stack_config("dev"))
    with pytest.raises(PolicyError):
        run_checks(view, checks_named(CHECK_NAMES))
    with pytest.raises(DeployabilityError) as info:
        run_checks(view, checks_named(all_checks_but("policy")))
    assert [v.rule.name for v in info.value.violations] == ["storage-default-access-tier"]
    run_checks(view, checks_named(["schema", "reachability"]))
    ungrouped = view_of(reg(ResourceType.STORAGE_ACCOUNT, "bare", accountName="stbare"))
    with pytest.raises(SchemaCheckError, match="resourceGroupName: required property"):
        run_checks(ungrouped, checks_named(["schema", "policy"]))


def test_warnings_are_printed_and_do_not_fail_the_plan(capsys: pytest.CaptureFixture[str]) -> None:
    view = view_of(lake(accessTier="Hot"), *locked(), config=stack_config("dev"))
    run_checks(view, checks_named(["deployability"]))
    assert capsys.readouterr().err.startswith("warning: deployability: lock 'lock' (CanNotDelete on ")
    lines: list[str] = []
    with pytest.raises(DeployabilityError):
        run_checks(view_of(lake(), *locked()), checks_named(["deployability"]), warn=lines.append)
    assert len(lines) == 1


def test_the_line_after_a_clean_plan_names_the_checks_it_ran() -> None:
    assert passed_line() == "checks passed: sql-scripts, schema, policy, deployability, reachability, rehearsal"
    assert passed_line(("schema", "policy")) == "checks passed: schema, policy"


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """`run_plan` over a one-resource plan instead of the program: which of its steps ran."""
    ran: list[str] = []

    def program(stack: str, project_dir: Path, overrides: Any) -> Plan:
        ran.append("program")
        return Plan("p", stack, [lake()], None, stack_config("dev"))

    def sql(project_dir: Path, found: Inspection) -> None:
        ran.append("sql-scripts")

    monkeypatch.setattr(ops_plan, "run_program", program)
    monkeypatch.setattr(ops_plan, "check_sql", sql)
    return ran


def test_run_plan_runs_the_sql_check_first_and_only_the_chosen_checks(planned: list[str]) -> None:
    with pytest.raises(PolicyError):
        run_plan("dev", PROJECT_DIR)
    assert planned == ["sql-scripts", "program"]
    planned.clear()
    with pytest.raises(DeployabilityError):
        run_plan("dev", PROJECT_DIR, checks=("deployability",))
    assert planned == ["program"]
    assert run_plan("dev", PROJECT_DIR, checks=("schema", "reachability")).resources[0].name == "lake"
