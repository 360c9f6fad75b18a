"""The exit codes of every `python -m ops` command: one enum, each member with its meaning and its error kind.

The help's table is generated from the enum (`table()`), and so is every error's exit code
(`for_error()`): each kind of `stack.errors.PlatformError` has exactly one code.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from enum import IntEnum

from stack.errors import AzureRefusedError, InputError, PlatformError, RunFailedError, TimedOutError


class ExitCode(IntEnum):
    """What a `python -m ops` process tells its caller."""

    meaning: str
    error: type[PlatformError] | None
    """The kind of error that ends a command with this code; None for the codes no error kind produces."""

    def __new__(cls, value: int, meaning: str, error: type[PlatformError] | None = None) -> ExitCode:
        member = int.__new__(cls, value)
        member._value_ = value
        member.meaning = meaning
        member.error = error
        return member

    OK = 0, "success"
    BUG = 1, "a bug: Python's own code for an uncaught exception, shown with its traceback; please report it"
    INPUT = (
        2,
        "bad input: flags, the project, stack config, ADF content, SQL scripts, a check the offline plan fails, "
        "factory coordinates or stack outputs missing, no trigger recording to restore, a trigger the stack "
        "names that the factory lacks, a first start that would backfill more than --max-backfill-windows",
        InputError,
    )
    AZURE = (
        3,
        "Azure or the database refused or failed an operation: sign-in, a trigger that would not start or "
        "stop, a pipeline that does not exist, a SQL script the database refused, a linked service whose "
        "connection test failed",
        AzureRefusedError,
    )
    TIMEOUT = (
        4,
        "timed out: an event subscription still not Enabled, a run still going after --timeout-seconds",
        TimedOutError,
    )
    RUN_FAILED = 5, "the pipeline run ended Failed or Cancelled", RunFailedError
    INTERRUPTED = 130, "interrupted (Ctrl-C), as a shell reports it"

    @property
    def kind(self) -> str:
        """The member's name as the `--json` envelope spells an error's kind: input, azure, timeout, ..."""
        return self.name.lower().replace("_", "-")


def for_error(error: BaseException) -> ExitCode:
    """The code of the error's kind; BUG for anything outside the family."""
    return next((code for code in ExitCode if code.error is not None and isinstance(error, code.error)), ExitCode.BUG)


def for_errors(errors: Iterable[BaseException]) -> ExitCode:
    """With several failures in one command, the lowest of their codes; OK when there are none."""
    return min((for_error(error) for error in errors), default=ExitCode.OK)


def table(width: int = 100) -> str:
    """The help's exit-code table, one entry per member."""
    lines = ["exit codes:"]
    for code in ExitCode:
        lines += textwrap.wrap(code.meaning, width=width, initial_indent=f"  {int(code):<5}", subsequent_indent=" " * 7)
    lines.append("With several failures in one command, the lowest of their codes.")
    return "\n".join(lines)
