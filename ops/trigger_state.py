"""The trigger recording: which triggers `triggers stop` found started, kept until a clean `start` consumes it.

The recording rule: a `stop` adds to a recording of the same factory and never removes from it
(the new set is the recorded one plus the triggers started now, and `recorded_at` stays), so a
repeated `stop`, which finds nothing started, keeps the original set. Only a `start` that ends
without any error deletes the file. A recording of another factory is an error.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from stack.errors import InputError

Say = Callable[[str], None]


class RecordingError(InputError):
    """The trigger recording is unusable, missing where it is needed, or of another factory."""


def default_state_file(stack: str) -> Path:
    return Path.cwd() / f".triggers-{stack}.json"


def read_recording(path: Path, factory_id: str) -> list[str] | None:
    """The recorded started triggers for this factory; None if there is no file; RecordingError if it is unusable."""
    if not path.is_file():
        return None
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise RecordingError(
            f"{path}: not a trigger recording ({exc}); delete it or pass another --state-file"
        ) from exc
    started = document.get("started") if isinstance(document, dict) else None
    if not isinstance(started, list) or not all(isinstance(name, str) for name in started):
        raise RecordingError(
            f"{path}: not a trigger recording (no 'started' list); delete it or pass another --state-file"
        )
    recorded_for = document.get("factory_id")
    if str(recorded_for).lower() != factory_id.lower():
        raise RecordingError(
            f"{path}: records the triggers of {recorded_for}, not of {factory_id}; "
            "restore that factory first, or delete the file if it is stale"
        )
    return list(started)


def write_recording(path: Path, factory_id: str, started: Iterable[str]) -> list[str]:
    """Record `started` plus whatever this factory's recording already holds; returns the recorded set."""
    previous = read_recording(path, factory_id)
    names = sorted(set(previous or []) | set(started))
    now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    recorded_at = now
    if previous is not None:
        existing = json.loads(path.read_text(encoding="utf-8"))
        recorded_at = str(existing.get("recorded_at") or now)
    document = {"factory_id": factory_id, "recorded_at": recorded_at, "updated_at": now, "started": names}
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)
    return names


def discard_recording(path: Path, factory_id: str, say: Say) -> None:
    """A start that ended well consumes this factory's recording (and leaves another factory's alone)."""
    try:
        if read_recording(path, factory_id) is None:
            return
    except RecordingError:
        return
    path.unlink()
    say(f"removed the recording {path}")
