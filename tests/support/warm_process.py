"""The test side of `warm_cli.py`: `python -m ops ARGS` in a directory, answered by a child of one warm interpreter.

Starting a fresh interpreter for each CLI case spends most of its time importing pulumi, azure-native and
the project's own code; the warm interpreter imports them once per test run (the code from this checkout), for
every pytest-xdist worker, and forks a child per case, which plans the project in the case's own directory
(the project files only, see `project_copy`), as `python -m ops` started there would
(`tests/test_bad_input.py` proves that a warm child answers exactly as a fresh interpreter does).
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO, TypeVar

from preview.plan import copy_program
from stack.paths import PIPELINES_FOLDER
from tests.support.checkout import PROJECT_DIR

T = TypeVar("T")

WARM_CLI = Path(__file__).resolve().parent / "warm_cli.py"
THIRD_PARTY = ("pulumi", "pulumi.dynamic", "pulumi.runtime.mocks", "pulumi_random", "pydantic", "yaml", "sqlglot")
"""Imported by the warm interpreter, with the azure-native classes of the dev plan and PROJECT_MODULES."""

PROJECT_MODULES = ("ops.cli.main", "ops.cli.plan", "ops.plan", "components.data_platform", "adf.load")
"""The project's code a plan imports (with everything they import), from this checkout."""


def project_copy(target: Path, stacks: tuple[str, ...] = ("dev",)) -> Path:
    """The checkout's project files (Pulumi.yaml, the stack files, the program, pipelines_json/, sql/ and the
    foundation's project) in `target`, without the packages: the code comes from the checkout, as from an install."""
    return copy_program(target, PROJECT_DIR, stacks)


def checkout_env() -> dict[str, str]:
    """The environment of an interpreter that imports the project's code from this checkout."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")]))}


class WarmCli:
    """`python -m ops ARGS` in a directory, run by a child of the warm interpreter listening on `socket_path`."""

    def __init__(self, socket_path: Path) -> None:
        self.socket_path = socket_path

    @classmethod
    def shared(cls, folder: Path, owner: int, modules: list[str]) -> WarmCli:
        """The run's warm interpreter in `folder`, started by the first process that asks for it.

        Every pytest-xdist worker of a run sees `folder`; one of them starts the interpreter (which lives until
        `owner`, the run, ends) and the others connect to it, so it is warmed up once per run.
        """
        socket_path = folder / "warm-cli.sock"
        with (folder / "warm-cli.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            if not _answers(socket_path):
                socket_path.unlink(missing_ok=True)
                _start(socket_path, owner, modules, folder / "warm-cli.log")
        return cls(socket_path)

    def run(
        self, cwd: Path, *args: str, env: dict[str, str] | None = None, outputs: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`python -m ops ARGS` in `cwd` with `env` added; its stdout and stderr are kept in `outputs` (a folder;
        by default the one that holds `cwd`) and returned."""
        folder = outputs or cwd.parent
        out, err = folder / f"{cwd.name}.stdout", folder / f"{cwd.name}.stderr"
        returncode, _ = self._ask(cwd, args, out, err, env or {}, lambda: None)
        return subprocess.CompletedProcess(list(args), returncode, out.read_text(), err.read_text())

    def run_piped(
        self, cwd: Path, *args: str, reader: Callable[[TextIO], str], outputs: Path
    ) -> subprocess.CompletedProcess[str]:
        """`python -m ops ARGS` with its stdout a pipe that `reader` reads from and then closes while the command
        runs, as `python -m ops ARGS | head -1` in a shell; the result's stdout is what `reader` returned."""
        pipe, err = outputs / f"{cwd.name}.pipe", outputs / f"{cwd.name}.stderr"
        os.mkfifo(pipe)

        def read_the_pipe() -> str:
            with pipe.open() as stream:  # opens once the command has opened its end
                return reader(stream)

        returncode, out = self._ask(cwd, args, pipe, err, {}, read_the_pipe)
        return subprocess.CompletedProcess(list(args), returncode, out, err.read_text())

    def _ask(
        self, cwd: Path, args: tuple[str, ...], out: Path, err: Path, env: dict[str, str], meanwhile: Callable[[], T]
    ) -> tuple[int, T]:
        """Send one request, run `meanwhile` while the command runs; the command's exit code and what `meanwhile`
        returned."""
        request = {"cwd": str(cwd), "argv": list(args), "stdout": str(out), "stderr": str(err), "env": env}
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.connect(str(self.socket_path))
            connection.sendall((json.dumps(request) + "\n").encode())
            during = meanwhile()
            reply = connection.makefile("r").readline()
        assert reply, f"the warm interpreter gave no answer; see {self.socket_path.parent / 'warm-cli.log'}"
        returncode: int = json.loads(reply)["returncode"]
        return returncode, during


def _answers(socket_path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
        try:
            probe.connect(str(socket_path))
        except OSError:
            return False
    return True


def _start(socket_path: Path, owner: int, modules: list[str], log: Path) -> None:
    """Start the warm interpreter and wait until it listens; it outlives this process (a session of its own)."""
    command = [
        sys.executable,
        str(WARM_CLI),
        *("--socket", str(socket_path), "--owner", str(owner)),
        *("--sql", str(PROJECT_DIR / "sql"), "--content", str(PROJECT_DIR / PIPELINES_FOLDER)),
        *modules,
        *PROJECT_MODULES,
    ]
    with log.open("w") as errors:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=checkout_env(),
            start_new_session=True,
        )
    assert process.stdout is not None
    with process.stdout:
        ready = process.stdout.readline()
    assert ready and json.loads(ready) == {"ready": True}, f"the warm interpreter did not start; see {log}"
    _STARTED.append(process)


_STARTED: list[subprocess.Popen[str]] = []
"""The interpreters this process started: kept so that Python does not warn of a child it lost track of."""
