"""Where ADF Studio's content is: the wrong folder is not a pass, a repository's root finds its Studio folder, and
what ADF Studio or its tooling keeps beside the objects is a note, not an error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adf.layout import NotAStudioFolderError, extra_folder, studio_root
from ops.adf_check import check_folder
from tests.support.adf_tree import fixture_files, write


def _studio(root: Path) -> Path:
    """An ADF Studio folder at `root`, with the fixture's objects."""
    content = write(root.parent, fixture_files())
    content.rename(root)
    return root


def test_a_folder_without_adf_content_fails_and_shows_the_layout(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "README.md").write_text("# not a factory\n")
    with pytest.raises(NotAStudioFolderError) as info:
        studio_root(tmp_path)
    message = str(info.value)
    assert message.startswith(f"{tmp_path}: no ADF Studio content here or up to 4 folder levels below; ")
    assert "linkedService/, dataset/, dataflow/, pipeline/, trigger/" in message
    assert "publish_config.json" in message


def test_the_check_of_a_wrong_folder_fails_rather_than_counting_nothing(tmp_path: Path) -> None:
    with pytest.raises(NotAStudioFolderError):
        check_folder(tmp_path)


def test_a_repository_root_finds_its_studio_folder(tmp_path: Path) -> None:
    studio = _studio(tmp_path / "repo" / "ADF")
    (tmp_path / "repo" / "docs").mkdir()
    assert studio_root(tmp_path / "repo") == studio
    assert studio_root(tmp_path) == studio  # the level above works too
    report = check_folder(tmp_path / "repo")
    assert report.ok and len(report.files) == 4
    assert report.notes[0] == f"checked {studio}: the ADF Studio root folder in {tmp_path / 'repo'}"


def test_publish_config_marks_a_studio_folder_on_its_own(tmp_path: Path) -> None:
    (tmp_path / "factory-root").mkdir()
    (tmp_path / "factory-root" / "publish_config.json").write_text('{"publishBranch": "adf_publish"}')
    assert studio_root(tmp_path) == tmp_path / "factory-root"


def test_several_studio_folders_are_listed_to_choose_from(tmp_path: Path) -> None:
    _studio(tmp_path / "test" / "adf1")
    _studio(tmp_path / "test" / "adf2")
    with pytest.raises(NotAStudioFolderError) as info:
        studio_root(tmp_path)
    assert (
        str(info.value)
        == f"{tmp_path}: holds 2 ADF Studio root folders (test/adf1/, test/adf2/); give the one to check"
    )


def _folder(root: Path, name: str, files: dict[str, str]) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for file, text in files.items():
        (folder / file).write_text(text)
    return folder


OBJECT = json.dumps({"name": "PL_Stray", "properties": {"activities": []}})


@pytest.mark.parametrize(
    ("name", "files", "note"),
    [
        ("templates", {"manifest.json": "{}"}, "ADF Studio's saved pipeline templates"),
        ("adfcdc", {"cdc1.json": OBJECT}, "ADF change data capture resources, which this program does not deploy"),
        ("build", {"package.json": "{}"}, "the npm package of Microsoft's automated publishing"),
        ("Pipelines", {"infra.pipeline.yaml": "steps: []\n"}, "not ADF Studio content (no ADF objects in it); ignored"),
        ("Terraforms", {"main.tf": ""}, "not ADF Studio content (no ADF objects in it); ignored"),
    ],
)
def test_folders_beside_the_objects_that_hold_no_objects_of_their_own_are_notes(
    tmp_path: Path, name: str, files: dict[str, str], note: str
) -> None:
    found = extra_folder(_folder(tmp_path, name, files))
    assert found.error is None
    assert found.note.startswith(note)


@pytest.mark.parametrize(
    ("name", "files", "error"),
    [
        ("pipelines", {}, "unknown folder (did you mean 'pipeline/'?); ADF Studio's folders are credential, "),
        ("stray", {"PL_Stray.json": OBJECT}, "unknown folder, holding ADF objects that would not deploy; "),
        ("templates", {"PL_Stray.json": OBJECT}, "unknown folder, holding ADF objects that would not deploy; "),
    ],
)
def test_folders_that_hide_adf_objects_are_errors(tmp_path: Path, name: str, files: dict[str, str], error: str) -> None:
    found = extra_folder(_folder(tmp_path, name, files))
    assert found.error is not None and found.error.startswith(error)


def test_a_studio_root_with_tooling_folders_beside_its_objects_is_deployable(tmp_path: Path) -> None:
    studio = _studio(tmp_path / "adf")
    _folder(studio, "templates", {"manifest.json": "{}"})
    _folder(studio, "scripts", {"PrePostDeploymentScript.ps1": ""})
    report = check_folder(studio)
    assert report.ok
    assert "adf/scripts/: scripts beside the factory, such as Microsoft's pre- and post-deployment CI/CD script" in (
        report.notes
    )
