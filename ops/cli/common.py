"""What every command shares: the options defined once (`--stack`, `--json`, `--project-dir`, the factory's),
where output goes, and the report a command hands back to `main`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from ops.cli.exit_codes import ExitCode
from stack.errors import InputError, PlatformError
from stack.paths import find_project_dir, project_dir_at

if TYPE_CHECKING:
    from ops.factory import FactoryCoordinates


SEE_MAIN_HELP = "Exit codes and the --json envelope: `python -m ops --help`."


class UsageError(InputError):
    """The command line itself is wrong: an unknown command, a missing flag, a flag's value of the wrong form."""


def add_command(
    subparsers: argparse._SubParsersAction[Any], name: str, *, help: str, description: str
) -> argparse.ArgumentParser:
    """A command (or an action of one) with the help laid out as every other: `help` is the one-line summary in
    its parent's list, `description` the paragraph its own --help opens with."""
    parser = subparsers.add_parser(
        name,
        help=help,
        description=description,
        epilog=SEE_MAIN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_project_dir_argument(parser, top_level=False)
    return parser


@dataclass
class Report:
    """What a command did: its result (the `--json` envelope's fields besides its own) and the failures it
    collected without stopping. A failure that stops the command is raised instead."""

    result: dict[str, Any] = field(default_factory=dict)
    errors: list[PlatformError] = field(default_factory=list)


class Output:
    """Where a command's words go. Its report goes to stdout; with `--json`, stdout carries only the one
    envelope, so progress and the human report go to stderr instead."""

    def __init__(self, json: bool, command: str = "") -> None:
        self.json = json
        self.command = command
        """The command and its action, as the envelope names it: "plan", "triggers start", ..."""

    def say(self, line: str) -> None:
        """A line of the command's report or progress: stdout, or stderr under `--json`."""
        print(line, file=sys.stderr if self.json else sys.stdout, flush=True)

    def warn(self, line: str) -> None:
        """A line that is never the command's result: always stderr."""
        print(line, file=sys.stderr, flush=True)

    def envelope(self, code: ExitCode, result: dict[str, Any], errors: list[tuple[ExitCode, str]]) -> None:
        """The one JSON document of `--json` (its fields: `python -m ops --help`)."""
        document = {
            "command": self.command,
            "ok": code == ExitCode.OK,
            "exitCode": int(code),
            "errors": [{"kind": kind.kind, "exitCode": int(kind), "message": text} for kind, text in errors],
            **result,
        }
        json.dump(document, sys.stdout, indent=2)
        sys.stdout.write("\n")
        sys.stdout.flush()

    def interrupted(self, notes: Sequence[str] = ()) -> int:
        """Ctrl-C's one line on stderr (and the envelope under `--json`); returns its exit code."""
        message = "interrupted" + (f": {'; '.join(notes)}" if notes else "")
        print(message, file=sys.stderr, flush=True)
        if self.json:
            self.envelope(ExitCode.INTERRUPTED, {}, [(ExitCode.INTERRUPTED, message)])
        return int(ExitCode.INTERRUPTED)

    @contextlib.contextmanager
    def ending_at_interrupt(self) -> Iterator[None]:
        """Within this block Ctrl-C ends the process at once, with `interrupted()`'s report.

        For work that holds nothing to put back (the offline plan) and runs in an engine that may not let a
        KeyboardInterrupt through: Pulumi's runtime drives its event loop and thread pool itself, and an
        interrupt raised inside a task can be kept there while the plan waits on, for ever.
        """

        def end(signum: int, frame: FrameType | None) -> None:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            os._exit(self.interrupted())

        previous = signal.signal(signal.SIGINT, end)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def keyboard_interrupts() -> Iterator[None]:
    """Within this block Ctrl-C raises KeyboardInterrupt, as Python does by default."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def add_stack_argument(parser: argparse.ArgumentParser) -> None:
    action = parser.add_argument(
        "--stack",
        required=True,
        metavar="STACK",
        help="the stack: Pulumi.<STACK>.yaml in the project directory, e.g. dev, test or prod",
    )
    action.completer = _stack_names  # type: ignore[attr-defined]  # read by argcomplete


def _stack_names(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """argcomplete's completer for --stack: the stack files of the project."""
    try:
        directory = project_dir(parsed_args)
    except PlatformError:
        return []
    names = (path.name[len("Pulumi.") : -len(".yaml")] for path in directory.glob("Pulumi.*.yaml"))
    return sorted(name for name in names if name.startswith(prefix))


def add_json_argument(parser: argparse._ActionsContainer) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON document on stdout, the envelope described in `python -m ops --help`",
    )


def add_project_dir_argument(parser: argparse.ArgumentParser, *, top_level: bool) -> None:
    """`--project-dir`, accepted before the command and after it; after it, absent means "as given before"."""
    parser.add_argument(
        "--project-dir",
        type=Path,
        metavar="DIR",
        default=None if top_level else argparse.SUPPRESS,
        help="the Pulumi project: the directory that holds Pulumi.yaml, the stack files, pipelines_json/ and "
        "sql/ (default: the nearest directory at or above the working directory that holds Pulumi.yaml)",
    )


def project_dir(args: argparse.Namespace) -> Path:
    """`--project-dir`, or the nearest directory at or above the working directory that holds Pulumi.yaml.

    Looked up only by the commands that need a project, so `adf check` runs anywhere.
    """
    given: Path | None = getattr(args, "project_dir", None)
    return project_dir_at(given) if given is not None else find_project_dir(Path.cwd())


def seconds(text: str) -> float:
    """argparse type for a non-negative number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


def add_factory_arguments(parser: argparse.ArgumentParser) -> None:
    """The stack and the flags that locate its Data Factory, for every command that talks to the factory."""
    from ops.factory import DEFAULT_ENDPOINT

    add_stack_argument(parser)
    where = parser.add_argument_group(
        "factory", "default: the stack's outputs, read with `pulumi stack output --json --stack STACK`"
    )
    where.add_argument("--subscription", help="subscription id (default: the output subscription_id)")
    where.add_argument("--resource-group", help="resource group (default: the output resource_group_name)")
    where.add_argument("--factory", help="Data Factory name (default: the output factory_name)")
    where.add_argument(
        "--endpoint",
        default=DEFAULT_ENDPOINT,
        help=f"Azure Resource Manager endpoint, for sovereign clouds (default: {DEFAULT_ENDPOINT})",
    )


def outputs_reader(args: argparse.Namespace) -> Callable[[], dict[str, Any]]:
    """The stack's outputs, read when called: `pulumi stack output` in the project directory."""

    def read() -> dict[str, Any]:
        from ops.stack_outputs import stack_outputs

        return stack_outputs(args.stack, project_dir(args))

    return read


def coordinates(args: argparse.Namespace, outputs: dict[str, Any] | None = None) -> FactoryCoordinates:
    """The factory's coordinates from the flags, the stack's outputs filling in the rest."""
    from ops.factory import resolve_coordinates

    source = outputs if outputs is not None else outputs_reader(args)
    return resolve_coordinates(args.stack, source, args.subscription, args.resource_group, args.factory)
