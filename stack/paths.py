"""Where the program's inputs live: the project directory and the folders in it.

The project directory is found the way the Pulumi CLI finds its project: "the nearest parent folder
containing a Pulumi.yaml file determines the current project"
(https://www.pulumi.com/docs/iac/concepts/projects/). It is never taken from where this code is
installed: an installed package lives in site-packages, far from any project.
"""

from __future__ import annotations

from pathlib import Path

from stack.errors import InputError

PROJECT_FILE = "Pulumi.yaml"
"""The file that makes a directory a Pulumi project."""
PIPELINES_FOLDER = "pipelines_json"
"""ADF Studio's git folder, in the project directory: the factory's content."""
SQL_FOLDER = "sql"
"""Versioned T-SQL scripts, in the project directory."""


class ProjectNotFoundError(InputError):
    """No Pulumi project where one was looked for."""


def find_project_dir(start: Path) -> Path:
    """The nearest directory at or above `start` that holds Pulumi.yaml; ProjectNotFoundError when none does."""
    start = start.resolve()
    for directory in (start, *start.parents):
        if (directory / PROJECT_FILE).is_file():
            return directory
    raise ProjectNotFoundError(
        f"no {PROJECT_FILE} in {start} or any directory above it; run from inside the project, "
        "or pass --project-dir with the directory that holds the project's Pulumi.yaml"
    )


def project_dir_at(directory: Path) -> Path:
    """`directory` itself as the project (as `--project-dir` names it); ProjectNotFoundError without Pulumi.yaml."""
    directory = directory.resolve()
    if not (directory / PROJECT_FILE).is_file():
        raise ProjectNotFoundError(
            f"--project-dir {directory}: no {PROJECT_FILE} there; pass the directory that holds the project's "
            f"{PROJECT_FILE}, or leave --project-dir out to use the nearest one at or above the working directory"
        )
    return directory


def program_dir() -> Path:
    """The project directory of the running program: its working directory.

    Pulumi runs a program in the directory of its Pulumi.yaml unless `main` says otherwise ("The default is
    the current working directory", https://www.pulumi.com/docs/iac/concepts/projects/project-file/), and
    the offline plan runs it there too (`preview.plan.run_program`).
    """
    return Path.cwd()
