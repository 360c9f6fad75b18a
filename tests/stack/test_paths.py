"""The project directory is found as the Pulumi CLI finds its project: the nearest Pulumi.yaml at or above."""

from __future__ import annotations

from pathlib import Path

import pytest

from stack.errors import InputError
from stack.paths import ProjectNotFoundError, find_project_dir, project_dir_at


def project(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    return path


def test_the_project_is_found_from_itself_and_from_any_directory_below_it(tmp_path: Path) -> None:
    root = project(tmp_path / "repo")
    deep = root / "pipelines_json" / "pipeline"
    deep.mkdir(parents=True)
    assert find_project_dir(root) == root.resolve()
    assert find_project_dir(deep) == root.resolve()


def test_the_nearest_project_wins(tmp_path: Path) -> None:
    outer = project(tmp_path / "outer")
    inner = project(outer / "examples" / "inner")
    (inner / "sub").mkdir()
    assert find_project_dir(inner / "sub") == inner.resolve()
    assert find_project_dir(outer / "examples") == outer.resolve()


def test_a_directory_named_pulumi_yaml_is_not_a_project(tmp_path: Path) -> None:
    (tmp_path / "repo" / "Pulumi.yaml").mkdir(parents=True)
    with pytest.raises(ProjectNotFoundError):
        find_project_dir(tmp_path / "repo")


def test_no_project_says_where_it_looked_and_how_to_name_one(tmp_path: Path) -> None:
    start = tmp_path / "nowhere"
    start.mkdir()
    with pytest.raises(ProjectNotFoundError) as info:
        find_project_dir(start)
    assert isinstance(info.value, InputError)
    assert str(info.value) == (
        f"no Pulumi.yaml in {start.resolve()} or any directory above it; run from inside the project, "
        "or pass --project-dir with the directory that holds the project's Pulumi.yaml"
    )


def test_a_named_project_dir_must_hold_pulumi_yaml_itself(tmp_path: Path) -> None:
    root = project(tmp_path / "repo")
    assert project_dir_at(root) == root.resolve()
    with pytest.raises(ProjectNotFoundError) as info:
        project_dir_at(root / "docs")
    assert f"--project-dir {(root / 'docs').resolve()}: no Pulumi.yaml there" in str(info.value)
