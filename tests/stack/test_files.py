"""Reading Pulumi.yaml and the stack files: what the Pulumi CLI would refuse, or silently get wrong, is refused here."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack.files import (
    OFFLINE_SECRET,
    DuplicateKeyError,
    ProjectFileError,
    StackFileError,
    read_stack_config,
    read_stack_file,
)
from stack.stack_names import StackNameError
from tests.support.checkout import PROJECT_DIR

DEV = (PROJECT_DIR / "Pulumi.dev.yaml").read_text()


def project(tmp_path: Path, stack_file: str, stack: str = "dev", project_file: str | None = None) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(
        project_file if project_file is not None else (PROJECT_DIR / "Pulumi.yaml").read_text()
    )
    (tmp_path / f"Pulumi.{stack}.yaml").write_text(stack_file)
    return tmp_path


def error_reading(tmp_path: Path, stack_file: str, error: type[Exception], **kwargs: str) -> str:
    root = project(tmp_path, stack_file, **kwargs)
    with pytest.raises(error) as info:
        read_stack_file(root, kwargs.get("stack", "dev"))
    return str(info.value)


def line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


# ---- duplicate keys


def test_a_config_key_given_twice_is_refused_with_both_lines(tmp_path: Path) -> None:
    text = DEV + "  data-platform:owner: someone-else\n"
    message = error_reading(tmp_path, text, DuplicateKeyError)
    first, second = line_of(text, "data-platform:owner: data-platform-team"), line_of(text, "someone-else")
    assert f"Pulumi.dev.yaml: key 'data-platform:owner' is given twice, on lines {first} and {second}" in message
    assert "keep one" in message


def test_a_nested_key_given_twice_is_refused_too(tmp_path: Path) -> None:
    text = DEV.replace(
        "    softDeleteDays: 7\n    archiveCool", "    softDeleteDays: 7\n    softDeleteDays: 14\n    archiveCool"
    )
    message = error_reading(tmp_path, text, DuplicateKeyError)
    assert "key 'softDeleteDays' is given twice" in message


def test_a_key_given_twice_on_one_line_is_refused(tmp_path: Path) -> None:
    message = error_reading(tmp_path, DEV + "  data-platform:policy: {a: 1, a: 2}\n", DuplicateKeyError)
    line = len(DEV.splitlines()) + 1
    assert f"key 'a' is given twice, on lines {line} and {line}" in message


def test_a_key_merged_in_and_then_set_is_not_a_duplicate(tmp_path: Path) -> None:
    text = "config:\n  data-platform:base: &base {x: 1, y: 1}\n  data-platform:more:\n    <<: *base\n    x: 2\n"
    values, _ = read_stack_config(project(tmp_path, text), "dev")
    assert values["data-platform:more"] == '{"x": 2, "y": 1}'


def test_the_project_file_is_read_with_the_same_duplicate_check(tmp_path: Path) -> None:
    project_file = "name: data-platform\nruntime: python\nname: other\n"
    message = error_reading(tmp_path, DEV, DuplicateKeyError, project_file=project_file)
    assert "Pulumi.yaml: key 'name' is given twice, on lines 1 and 3" in message


# ---- the shape of the stack file


@pytest.mark.parametrize(("text", "kind"), [("- config\n- environment\n", "a list"), ("just a string\n", "a string")])
def test_a_stack_file_that_is_not_a_mapping_is_refused_naming_what_it_is(tmp_path: Path, text: str, kind: str) -> None:
    message = error_reading(tmp_path, text, StackFileError)
    assert "Pulumi.dev.yaml: expected a mapping of stack settings (config, environment, " in message
    assert message.endswith(f"got {kind}")


def test_an_empty_stack_file_has_no_config(tmp_path: Path) -> None:
    assert read_stack_file(project(tmp_path, ""), "dev").values == {}


def test_an_unknown_setting_is_refused_with_the_closest_one(tmp_path: Path) -> None:
    message = error_reading(tmp_path, DEV.replace("config:", "confg:"), StackFileError)
    assert (
        "Pulumi.dev.yaml: confg: not a stack file setting (did you mean 'config'?); allowed: config, environment"
        in message
    )


def test_config_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    message = error_reading(tmp_path, "config:\n  - a\n", StackFileError)
    assert "Pulumi.dev.yaml: 'config' must be a mapping of keys to values, got a list" in message


def test_a_config_key_that_is_not_a_string_is_refused(tmp_path: Path) -> None:
    message = error_reading(tmp_path, "config:\n  12: x\n", StackFileError)
    assert "Pulumi.dev.yaml: config key 12 is a number; keys are `<namespace>:<name>`" in message


def test_bare_keys_belong_to_the_project_named_in_pulumi_yaml(tmp_path: Path) -> None:
    root = project(tmp_path, "config:\n  owner: a\n", project_file="name: other-project\nruntime: python\n")
    stack_file = read_stack_file(root, "dev")
    assert stack_file.project == "other-project"
    assert stack_file.values == {"other-project:owner": "a"}


def test_secure_values_become_placeholders_and_secret_keys(tmp_path: Path) -> None:
    root = project(tmp_path, "config:\n  data-platform:secrets:\n    token:\n      secure: v1:abc\n")
    stack_file = read_stack_file(root, "dev")
    assert stack_file.secret_keys == ["data-platform:secrets"]
    assert stack_file.values["data-platform:secrets"] == f'{{"token": "{OFFLINE_SECRET}"}}'


# ---- the project file


def test_a_missing_project_file_is_refused_saying_what_it_holds(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.dev.yaml").write_text(DEV)
    with pytest.raises(ProjectFileError) as info:
        read_stack_file(tmp_path, "dev")
    assert f"Pulumi.yaml: not found in {tmp_path}; run from the project's directory" in str(info.value)


@pytest.mark.parametrize(
    ("project_file", "found"),
    [
        ("runtime: python\n", "has no `name`"),
        ("name: ''\nruntime: python\n", "has `name: ''`"),
        ("name: [a, b]\n", "has `name: ['a', 'b']`"),
    ],
)
def test_a_project_file_without_a_name_is_refused(tmp_path: Path, project_file: str, found: str) -> None:
    message = error_reading(tmp_path, DEV, ProjectFileError, project_file=project_file)
    assert f"Pulumi.yaml: {found}; `name` is required: the project's name" in message


def test_a_project_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    message = error_reading(tmp_path, DEV, ProjectFileError, project_file="- name\n")
    assert "Pulumi.yaml: expected a mapping of project settings (name, runtime, ...), got a list" in message


def test_a_project_file_that_is_not_yaml_is_refused(tmp_path: Path) -> None:
    message = error_reading(tmp_path, DEV, ProjectFileError, project_file="name: [unclosed\n")
    assert "Pulumi.yaml: not valid YAML" in message


# ---- stack names


@pytest.mark.parametrize("stack", ["alice", "pr-123", "Feature_Login.2", "x" * 100])
def test_any_name_pulumi_accepts_is_a_stack(tmp_path: Path, stack: str) -> None:
    assert read_stack_file(project(tmp_path, DEV, stack=stack), stack).name == f"Pulumi.{stack}.yaml"


@pytest.mark.parametrize("stack", ["bad name", "x" * 101, "", "dev;rm", "dév"])
def test_a_name_pulumi_refuses_is_refused_before_any_file_is_read(tmp_path: Path, stack: str) -> None:
    with pytest.raises(StackNameError) as info:
        read_stack_file(tmp_path, stack)
    assert f"'{stack}' is not a stack name Pulumi accepts; allowed: 1-100 letters, digits, hyphens, underscores" in str(
        info.value
    )


@pytest.mark.parametrize("stack", ["acme/data-platform/alice", "../alice"])
def test_a_stack_name_with_a_slash_is_answered_with_the_stack_part(tmp_path: Path, stack: str) -> None:
    with pytest.raises(StackNameError) as info:
        read_stack_file(tmp_path, stack)
    assert "give the stack's own name (the part after the last '/', here 'alice')" in str(info.value)
