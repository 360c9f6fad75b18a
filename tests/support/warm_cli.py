"""A warm interpreter that runs `python -m ops ...` in a given directory, one forked child per request.

Run as a script: `python warm_cli.py --socket PATH --owner PID [--sql DIR] [--content DIR] MODULE...` imports the
given modules once (pulumi, azure-native, pydantic, ...: most of a plan's start-up, and the project's own code, from
PYTHONPATH), prints `{"ready": true}`, then serves the Unix socket PATH: each connection sends one JSON request line,
`{"cwd": ..., "argv": [...], "stdout": path, "stderr": path, "env": {...}}` (`env` optional), and is answered with
`{"returncode": N}` once its child has finished. Requests from several connections run at once (the pytest-xdist
workers share one interpreter). Each child is a fresh fork of the warm process that becomes `python -m ops ARGV`
in `cwd`, with stdout and stderr going to the given files and `env` added to its environment: the project it plans
is the one in `cwd` (the nearest Pulumi.yaml, as the Pulumi CLI finds it), with the code the warm process imported,
as an installed `ops` plans a project elsewhere. The interpreter ends once process PID (the test run) has ended.

Nothing runs here but imports and, with `--sql DIR`, the parse of the scripts in DIR that every plan checks first:
the parse is cached by each script's text and name (migrations/catalog.py), so the children inherit it for the
scripts their copy leaves unchanged and parse the others themselves. With `--content DIR`, the ADF content in DIR
is loaded once, which builds the provider-schema check's tables (the discriminators of azure-native's unions of
activities, datasets and linked services, cached per class: preview/schema/classes.py) and the routes of its items
(adf/lossless.py) that every child's load would otherwise build again. Every child starts from the same state.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import runpy
import selectors
import socket
import sys
import traceback
from pathlib import Path


def warm_up(modules: list[str]) -> None:
    """Import each `module` or `module:attribute` (a class of a lazy azure-native module: what a plan imports)."""
    for name in modules:
        module_name, _, attribute = name.partition(":")
        module = importlib.import_module(module_name)
        getattr(module, attribute or "warm_up", None)  # a lazy module loads on any non-introspection attribute


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
        os.environ.update(request.get("env") or {})
        os.chdir(request["cwd"])
        sys.path.insert(0, request["cwd"])  # `python -m` puts the working directory first, before PYTHONPATH
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


def _read_request(connection: socket.socket) -> dict | None:
    """The connection's request, or None for a connection that sent none (a probe that the socket answers)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        data += chunk
    if not data.strip():
        return None
    request: dict = json.loads(data)
    return request


def serve(listener: socket.socket, owner: int) -> None:
    """Fork a child per request; answer each connection when its child ends; stop once `owner` has ended.

    The owner is watched through a pidfd, which is readable once the process has ended, reaped or not (a
    zombie still answers `kill(pid, 0)`)."""
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, None)
    try:
        selector.register(os.pidfd_open(owner), selectors.EVENT_READ, "owner")
    except ProcessLookupError:
        return
    while True:
        for key, _ in selector.select():
            if key.data == "owner":
                return
            if key.data is None:
                connection, _ = listener.accept()
                connection.settimeout(30)
                request = _read_request(connection)
                if request is None:
                    connection.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    listener.close()
                    child(request)
                finished = os.pidfd_open(pid)
                selector.register(finished, selectors.EVENT_READ, (pid, connection))
            else:
                pid, connection = key.data
                selector.unregister(key.fd)
                os.close(key.fd)
                _, status = os.waitpid(pid, 0)
                with connection:
                    connection.sendall((json.dumps({"returncode": os.waitstatus_to_exitcode(status)}) + "\n").encode())


def main() -> None:
    # `python warm_cli.py` put this script's folder first, whose modules (components.py, ...) would shadow the
    # project's packages; the code comes from PYTHONPATH, as from an install.
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]
    modules = sys.argv[1:]
    options: dict[str, str] = {}
    while modules[:1] in (["--sql"], ["--content"], ["--socket"], ["--owner"]):
        options[modules[0]], modules = modules[1], modules[2:]
    warm_up(modules)
    if "--sql" in options:
        from migrations.catalog import load_catalog

        load_catalog(Path(options["--sql"]))
    if "--content" in options:
        from adf.load import STACK_VALUE_KEYS, load_content, pipeline_properties
        from preview.schema import check_inputs

        load_content(Path(options["--content"]), STACK_VALUE_KEYS, pipeline_properties(), typed_check=check_inputs)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(options["--socket"])
    listener.listen(16)
    gc.freeze()  # the children's collections then leave the shared, warmed-up objects (and their pages) alone
    print(json.dumps({"ready": True}), flush=True)
    # Whoever started this reads no further: later writes go nowhere rather than into a closed pipe.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    serve(listener, int(options["--owner"]))


if __name__ == "__main__":
    main()
