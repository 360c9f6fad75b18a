"""The test side of `warm_cli.py`: `python -m ops ARGS` in a directory, answered by a child of one warm interpreter.

Starting a fresh interpreter for each CLI case spends most of its time importing pulumi, azure-native and
the project's own code; the warm interpreter imports them once (the code from this checkout) and forks a
child per case, which plans the project in the case's own directory (the project files only, see
`project_copy`), as `python -m ops` started there would (`tests/test_bad_input.py` proves that a warm child
answers exactly as a fresh interpreter does).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from preview.plan import copy_program
from stack.paths import PIPELINES_FOLDER
from tests.support.checkout import PROJECT_DIR

WARM_CLI = Path(__file__).resolve().parent / "warm_cli.py"
THIRD_PARTY = ("pulumi", "pulumi.dynamic", "pulumi.runtime.mocks", "pulumi_random", "pydantic", "yaml", "sqlglot")
"""Imported by the warm interpreter, with the azure-native classes of the dev plan and PROJECT_MODULES."""

PROJECT_MODULES = ("ops.cli.main", "ops.cli.plan", "ops.plan", "components.data_platform", "adf.load")
"""The project's code a plan imports (with everything they import), from this checkout."""


def project_copy(target: Path, stacks: tuple[str, ...] = ("dev",)) -> Path:
    """The checkout's project files (Pulumi.yaml, the stack files, the program, pipelines_json/, sql/) in
    `target`, without the packages: the code comes from the checkout, as from an install."""
    return copy_program(target, PROJECT_DIR, stacks, packages=False)


def checkout_env() -> dict[str, str]:
    """The environment of an interpreter that imports the project's code from this checkout."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")]))}


class WarmCli:
    """`python -m ops ARGS` in a directory, run by a child of the warm interpreter."""

    def __init__(self, modules: list[str]) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                str(WARM_CLI),
                *("--sql", str(PROJECT_DIR / "sql"), "--content", str(PROJECT_DIR / PIPELINES_FOLDER)),
                *modules,
                *PROJECT_MODULES,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=checkout_env(),
        )
        assert json.loads(self._read()) == {"ready": True}

    def _read(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, f"the warm interpreter stopped (exit {self.process.wait()})"
        return line

    def run(self, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        assert self.process.stdin is not None
        out, err = cwd.parent / f"{cwd.name}.stdout", cwd.parent / f"{cwd.name}.stderr"
        request = {"cwd": str(cwd), "argv": list(args), "stdout": str(out), "stderr": str(err)}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        returncode = json.loads(self._read())["returncode"]
        return subprocess.CompletedProcess(list(args), returncode, out.read_text(), err.read_text())

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=30)
