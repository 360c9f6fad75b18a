"""ESC environments a stack file imports: resolved with the `esc` CLI where it is on PATH, else said clearly.

A fake `esc` on PATH stands in for the real one: it answers `esc env open <name> pulumiConfig --format detailed`
from a JSON file of ESC detailed values per environment, as the real CLI prints them (pulumi/esc value.go), and
records each command line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from preview.plan import copy_program, run_program
from stack.errors import ConfigError
from stack.files import OFFLINE_SECRET, UnresolvedEnvironmentError, read_stack_file
from tests.support.checkout import PROJECT_DIR

FAKE_ESC = """#!{python}
import json, pathlib, sys
here = pathlib.Path(__file__).parent
with (here / "calls.jsonl").open("a") as calls:
    calls.write(json.dumps(sys.argv[1:]) + "\\n")
answers = json.loads((here / "answers.json").read_text())
name = sys.argv[3]
if name not in answers:
    print(f"error: no environment named '{{name}}'", file=sys.stderr)
    sys.exit(1)
print(json.dumps(answers[name]))
"""


def plain(value: Any) -> dict[str, Any]:
    """ESC's detailed form of a plain value."""
    if isinstance(value, dict):
        return {"value": {key: plain(item) for key, item in value.items()}, "trace": {}}
    if isinstance(value, list):
        return {"value": [plain(item) for item in value], "trace": {}}
    return {"value": value, "trace": {}}


def secret(value: str) -> dict[str, Any]:
    return {"value": value, "secret": True, "trace": {}}


def pulumi_config(**keys: dict[str, Any]) -> dict[str, Any]:
    return {"value": keys, "trace": {}}


@pytest.fixture
def esc_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A directory on PATH (the only one) holding the fake esc; `answers` sets what it answers."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))

    class Esc:
        def install(self, answers: dict[str, Any]) -> None:
            script = folder / "esc"
            script.write_text(FAKE_ESC.format(python=sys.executable))
            script.chmod(0o755)
            (folder / "answers.json").write_text(json.dumps(answers))

        def calls(self) -> list[list[str]]:
            path = folder / "calls.jsonl"
            return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    return Esc()


def stack_dir(tmp_path: Path, stack_text: str, stack: str = "alice") -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "Pulumi.yaml").write_text((PROJECT_DIR / "Pulumi.yaml").read_text())
    (root / f"Pulumi.{stack}.yaml").write_text(stack_text)
    return root


IMPORTS = "environment:\n  - data-platform/common\n  - data-platform/alice\nconfig:\n  data-platform:owner: alice\n"


def test_without_esc_the_plan_is_told_which_environments_are_not_resolved(tmp_path: Path, esc_bin) -> None:
    stack_file = read_stack_file(stack_dir(tmp_path, IMPORTS), "alice")
    assert stack_file.environments == ["data-platform/common", "data-platform/alice"]
    assert stack_file.unresolved_environments == stack_file.environments
    assert stack_file.values == {"data-platform:owner": "alice"}
    [warning] = stack_file.warnings
    assert warning.startswith(
        "Pulumi.alice.yaml imports the ESC environment(s) data-platform/common, data-platform/alice; the offline "
        "plan does not resolve them without the `esc` CLI"
    )


def test_with_esc_the_environments_are_opened_in_order_and_merged_under_the_stack_files_keys(
    tmp_path: Path, esc_bin
) -> None:
    esc_bin.install(
        {
            "data-platform/common": pulumi_config(
                **{
                    "data-platform:costCenter": plain("cc-common"),
                    "data-platform:owner": plain("from-common"),
                    "data-platform:monitoring": plain({"alertEmail": "a@example.com", "logRetentionDays": 30}),
                }
            ),
            "data-platform/alice": pulumi_config(
                **{
                    "data-platform:monitoring": plain({"logRetentionDays": 60}),
                    "environment": plain("dev"),  # a bare key: the project's namespace, as in the stack file
                }
            ),
        }
    )
    stack_file = read_stack_file(stack_dir(tmp_path, IMPORTS), "alice")
    assert esc_bin.calls() == [
        ["env", "open", "data-platform/common", "pulumiConfig", "--format", "detailed"],
        ["env", "open", "data-platform/alice", "pulumiConfig", "--format", "detailed"],
    ]
    assert stack_file.values == {
        "data-platform:costCenter": "cc-common",
        "data-platform:owner": "alice",  # the stack file's own value wins
        "data-platform:monitoring": '{"alertEmail": "a@example.com", "logRetentionDays": 60}',  # merged, later wins
        "data-platform:environment": "dev",
    }
    assert stack_file.unresolved_environments == []
    assert stack_file.warnings == []


def test_esc_secrets_reach_the_plan_as_placeholders_and_secret_keys(tmp_path: Path, esc_bin) -> None:
    esc_bin.install(
        {
            "data-platform/common": pulumi_config(
                **{"data-platform:secrets": {"value": {"token": secret("hunter2")}, "trace": {}}}
            ),
            "data-platform/alice": pulumi_config(),
        }
    )
    stack_file = read_stack_file(stack_dir(tmp_path, IMPORTS), "alice")
    assert stack_file.values["data-platform:secrets"] == json.dumps({"token": OFFLINE_SECRET})
    assert stack_file.secret_keys == ["data-platform:secrets"]
    assert "hunter2" not in repr(stack_file)


def test_an_environment_esc_cannot_open_is_named_with_esc_s_reason(tmp_path: Path, esc_bin) -> None:
    esc_bin.install({"data-platform/common": pulumi_config(**{"data-platform:costCenter": plain("cc")})})
    stack_file = read_stack_file(stack_dir(tmp_path, IMPORTS), "alice")
    assert stack_file.values == {"data-platform:costCenter": "cc", "data-platform:owner": "alice"}
    assert stack_file.unresolved_environments == ["data-platform/alice"]
    [warning] = stack_file.warnings
    assert "imports the ESC environment data-platform/alice, which `esc env open` could not open" in warning
    assert "(error: no environment named 'data-platform/alice')" in warning


def test_an_environment_without_pulumi_config_gives_no_keys(tmp_path: Path, esc_bin) -> None:
    esc_bin.install({"data-platform/common": {"trace": {}}, "data-platform/alice": {"trace": {}}})
    stack_file = read_stack_file(stack_dir(tmp_path, IMPORTS), "alice")
    assert stack_file.values == {"data-platform:owner": "alice"}
    assert stack_file.warnings == []


@pytest.mark.parametrize(
    ("environment", "names"),
    [
        ("environment: data-platform/alice\n", ["data-platform/alice"]),
        ("environment:\n  imports:\n    - data-platform/alice\n", ["data-platform/alice"]),
        ("environment:\n  - data-platform/alice: {merge: false}\n", ["data-platform/alice"]),
    ],
)
def test_every_documented_form_of_environment_names_its_imports(
    tmp_path: Path, esc_bin, environment: str, names: list[str]
) -> None:
    assert read_stack_file(stack_dir(tmp_path, environment), "alice").environments == names


def test_inline_environment_values_are_said_not_to_be_evaluated(tmp_path: Path, esc_bin) -> None:
    text = "environment:\n  values:\n    pulumiConfig:\n      data-platform:owner: x\n"
    stack_file = read_stack_file(stack_dir(tmp_path, text), "alice")
    assert any("inline environment definition are not evaluated" in warning for warning in stack_file.warnings)
    assert stack_file.unresolved_environments == ["(inline definition)"]


def test_a_missing_key_names_the_environments_the_offline_plan_could_not_read(tmp_path: Path, esc_bin) -> None:
    root = copy_program(tmp_path / "program", PROJECT_DIR, stacks=())
    dev = (PROJECT_DIR / "Pulumi.dev.yaml").read_text()
    without_owner = dev.replace("  data-platform:owner: data-platform-team\n", "")
    (root / "Pulumi.alice.yaml").write_text("environment:\n  - data-platform/alice\n" + without_owner)
    with pytest.raises(UnresolvedEnvironmentError) as info:
        run_program("alice", root)
    message = str(info.value)
    assert "Pulumi.alice.yaml: data-platform:owner: required key is missing" in message
    assert (
        "Pulumi.alice.yaml: data-platform:owner may come from the ESC environment(s) it imports "
        "(data-platform/alice), which the offline plan could not read" in message
    )
    assert info.value.registered_before_failure == 0


def test_without_environments_a_missing_key_is_only_missing(tmp_path: Path) -> None:
    root = copy_program(tmp_path / "program", PROJECT_DIR, stacks=())
    dev = (PROJECT_DIR / "Pulumi.dev.yaml").read_text()
    (root / "Pulumi.alice.yaml").write_text(dev.replace("  data-platform:owner: data-platform-team\n", ""))
    with pytest.raises(ConfigError) as info:
        run_program("alice", root)
    assert type(info.value) is not UnresolvedEnvironmentError
    assert "ESC" not in str(info.value)


def test_the_offline_plan_prints_the_warning_once_before_it_runs(
    tmp_path: Path, esc_bin, capsys: pytest.CaptureFixture[str]
) -> None:
    root = copy_program(tmp_path / "program", PROJECT_DIR, stacks=())
    (root / "Pulumi.alice.yaml").write_text(
        "environment:\n  - data-platform/alice\n" + (PROJECT_DIR / "Pulumi.dev.yaml").read_text()
    )
    plan = run_program("alice", root)
    assert plan.resources
    lines = [line for line in capsys.readouterr().err.splitlines() if "ESC" in line]
    assert lines == [
        "warning: Pulumi.alice.yaml imports the ESC environment(s) data-platform/alice; the offline plan does not "
        "resolve them without the `esc` CLI, so their pulumiConfig values are missing from this plan (install esc "
        "and run `esc login` to resolve them)"
    ]
