"""A warm interpreter that runs `python -m ops ...` in a given directory, one forked child per request.

Run as a script: `python warm_cli.py MODULE...` imports the given third-party modules once (pulumi,
azure-native, pydantic, ...: most of a plan's start-up), then reads one JSON request per line from
stdin, `{"cwd": ..., "argv": [...], "stdout": path, "stderr": path}`, and answers each with
`{"returncode": N}` once the child has finished. Each child is a fresh fork of the warm process:
it imports the project's own modules from `cwd`, exactly as `python -m ops` started in `cwd`
would, with stdout and stderr going to the given files. Nothing of the project is imported here,
so every child sees the copy of the project it runs in.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import runpy
import sys
import traceback


def warm_up(modules: list[str]) -> None:
    for name in modules:
        module = importlib.import_module(name)
        getattr(module, "warm_up", None)  # a lazy module (azure-native) loads on any non-introspection attribute


def exit_code(exit: SystemExit) -> int:
    """What the interpreter makes of `sys.exit(code)`."""
    if exit.code is None:
        return 0
    if isinstance(exit.code, int):
        return exit.code
    print(exit.code, file=sys.stderr)
    return 1


def child(request: dict) -> None:
    """Become `python -m ops ARGV` in `cwd`; never returns."""
    code = 1
    try:
        stdin = os.open(os.devnull, os.O_RDONLY)
        stdout = os.open(request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        stderr = os.open(request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(stdin, 0)
        os.dup2(stdout, 1)
        os.dup2(stderr, 2)
        os.chdir(request["cwd"])
        sys.path[0] = request["cwd"]  # `python -m` puts the working directory first
        sys.argv = ["ops", *request["argv"]]
        try:
            runpy.run_module("ops", run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as exit:
            code = exit_code(exit)
        except BaseException:  # what the interpreter does with an uncaught exception
            traceback.print_exc()
            code = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main() -> None:
    warm_up(sys.argv[1:])
    gc.freeze()  # the children's collections then leave the shared, warmed-up objects (and their pages) alone
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            child(request)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}), flush=True)


if __name__ == "__main__":
    main()
