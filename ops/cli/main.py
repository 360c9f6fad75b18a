"""`python -m ops COMMAND`: the platform's command-line tooling.

Builds the parser, runs the chosen command, and is the one place that turns what a command raised or
collected into `error:` lines on stderr, the `--json` envelope on stdout and the exit code. Only the
chosen command's module is imported (all of them for `--help` and shell completion), and each imports
its library only when it runs.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import signal
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from ops.cli import exit_codes
from ops.cli.common import (
    SEE_MAIN_HELP,
    Output,
    Report,
    UsageError,
    add_command,
    add_project_dir_argument,
    keyboard_interrupts,
)
from ops.cli.exit_codes import ExitCode
from stack.errors import PlatformError

PROG = "python -m ops"
DESCRIPTION = (
    "The platform's command line: plan a stack offline, rehearse its deploy, draw it, stop and start its\n"
    "triggers, run a pipeline, apply the SQL scripts, and check ADF Studio content or the factory's drift\n"
    "from it."
)
COMMANDS = {
    "plan": ("ops.cli.plan", "plan a stack offline under the mock engine, with every check"),
    "rehearse": ("ops.cli.rehearse", "replay a stack's deploy offline, stage by stage, from empty state"),
    "diagram": ("ops.cli.diagram", "draw a stack's architecture and its factory's content from the offline plan"),
    "triggers": ("ops.cli.triggers", "stop a factory's triggers before a deployment, start them after"),
    "run": ("ops.cli.run", "run a pipeline; --wait follows it to its end"),
    "sql": ("ops.cli.sql", "apply the versioned SQL scripts in sql/ to a stack's database"),
    "adf": (
        "ops.cli.adf",
        "check any ADF Studio folder, list and delete the factory's drift from it, test its linked services",
    ),
}
"""Command -> (its module, its one-line help)."""

ENVELOPE = """\
--json (on every command that reports results) prints one JSON object on stdout:
  {"command": "plan", "ok": true, "exitCode": 0, "errors": [], ...}
  command   the command and its action, e.g. "plan", "triggers start", "adf drift"
  ok        true exactly when exitCode is 0
  exitCode  the process's exit code
  errors    one {"kind", "exitCode", "message"} per failure; kind: input, azure, timeout, run-failed,
            interrupted
  ...       the command's own result fields sit beside these four (plan: project, stack, resources,
            warnings)
Each error is also printed on stderr, as without --json."""


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose complaints are UsageErrors, reported like every other error."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message} (see `{self.prog} --help`)")


class _Version(argparse.Action):
    """`--version`: read only when asked, so no other command pays for it."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        from ops.cli.version import project_version

        print(f"{PROG} {project_version()}")
        parser.exit()


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `only`, only that command's options are loaded (the others appear by name)."""
    parser = _Parser(
        prog=PROG,
        description=DESCRIPTION,
        epilog=f"{exit_codes.table()}\n\n{ENVELOPE}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version, help="print the version (pyproject.toml's) and exit")
    add_project_dir_argument(parser, top_level=True)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        if only is not None and name != only:
            commands.add_parser(name, help=help_text)
            continue
        module = importlib.import_module(module_name)
        sub = add_command(commands, name, help=help_text, description=module.DESCRIPTION)
        module.add_arguments(sub)
        sub.set_defaults(
            run=module.run,
            ends_at_interrupt=getattr(module, "ENDS_AT_INTERRUPT", False),
            collector_paused=getattr(module, "COLLECTOR_PAUSED", False),
        )
    return parser


def _chosen_command(argv: Sequence[str]) -> str | None:
    """The command the arguments name, skipping the global options and their values."""
    values = iter(argv)
    for arg in values:
        if arg == "--project-dir":
            next(values, None)
        elif not arg.startswith("-"):
            return arg if arg in COMMANDS else None
    return None


def _print_error(message: str, notes: Sequence[str]) -> None:
    print(f"error: {message}", file=sys.stderr)
    for note in notes:
        print(note, file=sys.stderr)


def _message(error: BaseException) -> str:
    return str(error) or type(error).__name__


def _command_name(args: argparse.Namespace | None, argv: Sequence[str]) -> str:
    if args is None:
        return _chosen_command(argv) or ""
    return " ".join(part for part in (args.command, getattr(args, "action", None)) if part)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit code. Errors of the `stack.errors` family never show a traceback."""
    argv = list(sys.argv[1:] if argv is None else argv)
    out = Output(json="--json" in argv, command=_command_name(None, argv))
    try:
        with out.ending_at_interrupt():  # loading and parsing hold nothing to put back
            completing = "_ARGCOMPLETE" in os.environ
            parser = build_parser(None if completing else _chosen_command(argv))
            if completing:
                import argcomplete

                argcomplete.autocomplete(parser)  # answers the shell and exits
            args = parser.parse_args(argv)
            if not args.collector_paused:
                gc.enable()  # paused while loading (ops/__main__.py); a command that runs for long needs it
            out = Output(json=bool(getattr(args, "json", False)), command=_command_name(args, argv))
        # Ctrl-C ends an offline command at once; in the others it raises KeyboardInterrupt, so that their own
        # `finally` and `with` blocks run (a live display gives the terminal back, a client closes).
        with out.ending_at_interrupt() if args.ends_at_interrupt else keyboard_interrupts():
            report: Report = args.run(args, out)
    except PlatformError as error:
        report = Report(errors=[error])
    except KeyboardInterrupt as interrupt:
        return _interrupted(interrupt, out)
    code = exit_codes.for_errors(report.errors)
    for failure in report.errors:
        _print_error(_message(failure), getattr(failure, "__notes__", []))
    if out.json:
        out.envelope(code, report.result, [(exit_codes.for_error(error), _message(error)) for error in report.errors])
    return int(code)


def _interrupted(interrupt: KeyboardInterrupt, out: Output) -> int:
    """Ctrl-C as a KeyboardInterrupt: one line on stderr (and the envelope under --json), exit 130; a second
    Ctrl-C while reporting the first is ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    return out.interrupted(getattr(interrupt, "__notes__", []))


def run() -> int:
    """`main` for a process whose output may go to a reader that stops early (`... | head -1`).

    A closed pipe is the reader's choice, not a failure: Python's signal docs recommend pointing
    stdout at devnull so the interpreter's final flush does not raise again, and ending quietly.
    https://docs.python.org/3/library/signal.html#note-on-sigpipe
    A Ctrl-C that comes once the command has finished and flushed its output changes nothing. After an
    interruption the process ends at once, so that nothing the interrupted work left behind (a pending
    task, a thread) adds to the one line at interpreter shutdown.

    An offline command (one that kept the collector paused, see ops/__main__.py) also ends the process at
    once, once its output is flushed: it holds no connection, lock or file open, and the interpreter's
    shutdown would otherwise free the millions of objects pulumi and azure-native loaded one by one, and
    collect them once more, only for the operating system to reclaim the memory anyway (0.9 s of CPU after
    a 2 s plan of the dev stack, BENCHMARKS.md).
    """
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        code = int(ExitCode.OK)
    except KeyboardInterrupt:  # between the command's end and the flush of its output
        code = _interrupted(KeyboardInterrupt(), Output(json=False))
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if code == ExitCode.INTERRUPTED or not gc.isenabled():
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


__all__ = ["COMMANDS", "SEE_MAIN_HELP", "build_parser", "main", "run"]
