"""`python -m ops plan`: the JSON document, the tree, and failures that name what is wrong."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ops.cli.main import main
from ops.plan import run_plan
from preview.plan import copy_program
from stack.files import StackFileError, read_stack_config
from tests.support.checkout import PROJECT_DIR


def test_json_document_has_exactly_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", "dev", "--json", "--project-dir", str(PROJECT_DIR)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"command", "ok", "exitCode", "errors", "project", "stack", "resources"}
    assert (document["command"], document["ok"], document["exitCode"], document["errors"]) == ("plan", True, 0, [])
    assert document["project"] == "data-platform"
    assert document["stack"] == "dev"
    urns = {r["urn"] for r in document["resources"]}
    for resource in document["resources"]:
        assert set(resource) == {"urn", "type", "name", "parent", "dependsOn", "protect", "inputs"}
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


def test_cli_exits_2_and_names_the_key_on_bad_config(tmp_path: Path) -> None:
    copy_program(tmp_path, PROJECT_DIR, stacks=())
    broken = (PROJECT_DIR / "Pulumi.dev.yaml").read_text().replace("environment: dev", "environment: staging")
    (tmp_path / "Pulumi.dev.yaml").write_text(broken)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from ops.cli.main import main; sys.exit(main(sys.argv[1:]))",
            "plan",
            "--stack",
            "dev",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "Pulumi.dev.yaml: data-platform:environment" in result.stderr
    assert "'dev', 'test' or 'prod'" in result.stderr
    assert result.stdout == ""


def test_plan_json_piped_into_a_reader_that_stops_early_ends_quietly_with_exit_0() -> None:
    pipeline = f"set -o pipefail; {sys.executable} -m ops plan --stack dev --json | head -1"
    result = subprocess.run(
        ["bash", "-c", pipeline], cwd=PROJECT_DIR, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.stdout == "{\n"
    assert "Traceback" not in result.stderr
    assert "Broken pipe" not in result.stderr
    assert result.returncode == 0, result.stderr
