"""One family for every error the platform reports to a person, so callers catch each kind once.

`PlatformError` is its root; each direct subclass is one kind of failure, and the command line gives
each kind its own exit code (`ops/cli/exit_codes.py`): bad input, Azure refusing, a bounded wait
running out, a pipeline run failing. Anything else that escapes is a bug.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


class PlatformError(Exception):
    """A failure with a message for a person, never a traceback: the root of every kind below."""


class InputError(PlatformError):
    """Bad input: a stack file, a config key, ADF content, a SQL script, or what the checks refuse.

    The command line turns it into exit code 2 with the message; nothing else is an input error.
    `registered_before_failure` says how many resources the program had registered when it was raised.
    """

    registered_before_failure: int = 0


class AzureRefusedError(PlatformError):
    """Azure (or the database) refused or failed an operation: sign-in, an ARM call, a SQL script."""


class TimedOutError(PlatformError):
    """Something is still not done after its bounded wait; it may go on in Azure."""


class RunFailedError(PlatformError):
    """A pipeline run ended Failed or Cancelled."""


class ConfigError(InputError):
    """Raised for stack configuration that the platform cannot deploy.

    `missing_keys` names the required keys the config lacks (full `namespace:key` paths), so a caller that knows
    where they might have come from can say so (stack/files.py: an ESC environment the offline plan could not read).
    """

    def __init__(self, message: str, missing_keys: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.missing_keys: tuple[str, ...] = tuple(missing_keys)


class ViolationsError(InputError):
    """A check over the plan found violations: the message is a count and headline, then one line each."""

    def __init__(self, violations: Iterable[object], headline: str, shown: Iterable[str] | None = None) -> None:
        """`shown`: the lines to print instead of each violation's own text (same count, same order)."""
        self.violations: list[Any] = list(violations)
        lines = "\n".join(f"  - {line}" for line in (shown if shown is not None else map(str, self.violations)))
        super().__init__(f"{len(self.violations)} {headline}:\n{lines}")
