"""Session plans made once per test run, whatever the number of pytest-xdist workers.

Each worker is a process of its own, and every one of them used to plan the committed stacks again (about a second
each). The first worker to need a plan makes it and leaves a pickle of it in the run's shared temporary folder
(the parent of each worker's `basetemp`, new for every run); the others wait for it and read it. A plan is data (the
registrations, the parsed config, the outputs), so the copy a worker reads is the plan it would have made.
"""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def shared_folder(basetemp: Path) -> Path | None:
    """The folder every worker of this run sees (None without workers: nothing to share)."""
    return basetemp.parent if os.environ.get("PYTEST_XDIST_WORKER") else None


def made_once(folder: Path | None, name: str, make: Callable[[], T]) -> T:
    """`make()`, or what another worker of this run made under `name`; a failure is each worker's own."""
    if folder is None:
        return make()
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        made = folder / f"{name}.pickle"
        if made.exists():
            loaded: T = pickle.loads(made.read_bytes())
            return loaded
        value = make()
        partial = folder / f"{name}.pickle.partial"
        partial.write_bytes(pickle.dumps(value))
        partial.replace(made)
        return value
