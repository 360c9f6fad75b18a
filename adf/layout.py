"""Where ADF Studio's content is: the git root folder of a factory, the folders beside its objects, and how to find
the root folder in a repository.

ADF Studio's git integration writes every object of the factory as `<kind>/<name>.json` under the repository's
"root folder" (https://learn.microsoft.com/azure/data-factory/source-control#author-with-azure-repos-git-integration),
with `publish_config.json` beside them, which names the publish branch
(https://learn.microsoft.com/azure/data-factory/source-control#configure-publishing-settings). The same repository
usually holds other things next to that folder or inside it: ADF Studio's own saved templates, the npm package of
Microsoft's automated publishing, azure.datafactory.tools' stage configuration, or the team's pipelines and
scripts. Those are told apart from a folder of ADF content that would silently not deploy (a misspelt kind
folder, objects in a folder of their own).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from adf.model import FOLDERS
from stack.errors import InputError

PUBLISH_CONFIG = "publish_config.json"
"""The file ADF Studio writes into its root folder when publishing settings are saved."""

TOOLING_FOLDERS = {
    "templates": "ADF Studio's saved pipeline templates (ARM templates and their manifest.json); not deployed",
    "adfcdc": "ADF change data capture resources, which this program does not deploy",
    "build": "the npm package of Microsoft's automated publishing (@microsoft/azure-data-factory-utilities)",
    "scripts": "scripts beside the factory, such as Microsoft's pre- and post-deployment CI/CD script",
}
"""Folders ADF Studio or its tooling writes beside the objects: what each holds, said once as a note.

templates/: https://learn.microsoft.com/azure/data-factory/solution-templates-introduction (saved to git by "Save
as template"); build/package.json: https://learn.microsoft.com/azure/data-factory/continuous-integration-delivery-improvements;
scripts/: https://learn.microsoft.com/azure/data-factory/continuous-integration-delivery-sample-script; adfcdc/:
https://learn.microsoft.com/azure/data-factory/concepts-change-data-capture-resource. The loader reads deployment/,
azure.datafactory.tools' stage configuration, itself (adf/stage_config.py)."""

SEARCH_DEPTH = 4
"""How many folder levels below a given folder the ADF Studio root folder is looked for."""

LISTED = 10
"""How many root folders an error lists."""

LAYOUT = (
    "an ADF Studio git root folder holds one folder per kind of object, each with <name>.json files: "
    + ", ".join(f"{folder}/" for folder in FOLDERS)
    + " (managed private endpoints in managedVirtualNetwork/<network>/managedPrivateEndpoint/), and usually "
    + PUBLISH_CONFIG
)


class NotAStudioFolderError(InputError):
    """The folder given holds no ADF Studio content, and none was found below it (or several were)."""


@dataclass(frozen=True)
class ExtraFolder:
    """A folder beside the objects that is none of ADF Studio's kinds."""

    name: str
    error: str | None
    """Why it looks like ADF content that would not deploy; None: it is not ADF content."""
    note: str
    """What it is, when it is not an error."""


def _json_documents(folder: Path) -> Iterator[object]:
    for path in sorted(folder.glob("*.json")):
        try:
            yield json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            continue


def _holds_adf_objects(folder: Path) -> bool:
    """Whether its own files include ADF Studio objects: `{"name": "...", "properties": {...}}`."""
    return any(
        isinstance(document, dict)
        and isinstance(document.get("name"), str)
        and isinstance(document.get("properties"), dict)
        for document in _json_documents(folder)
    )


def extra_folder(folder: Path) -> ExtraFolder:
    """What an unknown folder beside the objects is: an error when it holds ADF objects (that would not deploy),
    or when its name is close to a kind's and it holds nothing but JSON (a misspelt `pipelines/`); else a note:
    what ADF Studio or its tooling keeps there, or that it is not ADF content."""
    name = folder.name
    close = difflib.get_close_matches(name.lower(), [kind.lower() for kind in FOLDERS], n=1, cutoff=0.8)
    meant = next((kind for kind in FOLDERS if close and kind.lower() == close[0]), None)
    hint = f" (did you mean '{meant}/'?)" if meant else ""
    folders = f"ADF Studio's folders are {', '.join(FOLDERS)}"
    if name != "adfcdc" and _holds_adf_objects(folder):
        return ExtraFolder(name, f"unknown folder{hint}, holding ADF objects that would not deploy; {folders}", "")
    if name in TOOLING_FOLDERS:
        return ExtraFolder(name, None, TOOLING_FOLDERS[name])
    others = [path for path in folder.rglob("*") if path.is_file() and path.suffix.lower() != ".json"]
    if meant and not others:
        return ExtraFolder(name, f"unknown folder{hint}; {folders}", "")
    return ExtraFolder(name, None, "not ADF Studio content (no ADF objects in it); ignored")


def is_studio_folder(folder: Path) -> bool:
    """Whether ADF Studio's layout is right here: publish_config.json, or a folder of one of its kinds."""
    return (folder / PUBLISH_CONFIG).is_file() or any((folder / kind).is_dir() for kind in FOLDERS)


def studio_folders(folder: Path, depth: int = SEARCH_DEPTH) -> list[Path]:
    """The ADF Studio root folders at or below `folder` (not below one found), nearest first, by path."""
    found: list[Path] = []
    level = [folder]
    for _ in range(depth + 1):
        below: list[Path] = []
        for here in level:
            if is_studio_folder(here):
                found.append(here)
                continue
            below += sorted(
                path
                for path in here.iterdir()
                if path.is_dir() and not path.name.startswith(".") and path.name != "node_modules"
            )
        level = below
    return found


def studio_root(folder: Path) -> Path:
    """The ADF Studio root folder to check for `folder`: itself, else the one folder below it that is one.

    Raises NotAStudioFolderError, showing the expected layout, when there is none, and listing them when there
    are several.
    """
    if not folder.is_dir():
        raise NotAStudioFolderError(f"{folder}: not a folder; give the root folder of an ADF Studio git repository")
    if is_studio_folder(folder):
        return folder
    found = studio_folders(folder)
    if len(found) == 1:
        return found[0]
    if found:
        names = [f"{path.relative_to(folder).as_posix()}/" for path in found]
        listed = ", ".join(names[:LISTED]) + (f" and {len(names) - LISTED} more" if len(names) > LISTED else "")
        raise NotAStudioFolderError(
            f"{folder}: holds {len(found)} ADF Studio root folders ({listed}); give the one to check"
        )
    raise NotAStudioFolderError(
        f"{folder}: no ADF Studio content here or up to {SEARCH_DEPTH} folder levels below; {LAYOUT}. "
        "Give the folder that ADF Studio's git configuration names as its root folder"
    )
