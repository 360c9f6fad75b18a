"""`python -m ops <command>`: the platform's command-line tooling.

Every command shares the exit codes in `ops/exit_codes.py`. Bad input of any kind is an
`InputError`, caught here once: its message and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from pathlib import Path

from ops import exit_codes
from stack.errors import InputError


class ProjectDirError(InputError):
    """`--project` names no Pulumi project."""


def _plan(args: argparse.Namespace) -> int:
    from ops.plan import passed_line, run_plan
    from preview.plan import azure_names, render_tree
    from stack.paths import PROJECT_DIR

    project_dir = PROJECT_DIR if args.project is None else args.project.resolve()
    if args.project is not None and not (project_dir / "Pulumi.yaml").is_file():
        raise ProjectDirError(
            f"--project {args.project}: no Pulumi.yaml there; plan the platform (the default) or its foundation "
            "(--project foundation)"
        )
    plan = run_plan(args.stack, project_dir)
    print(passed_line(), file=sys.stderr)
    if args.previous is not None:
        from preview.view import PlanView
        from transitions import read_previous, transitions

        report = transitions(read_previous(args.previous), PlanView.of(plan), plan.config)
        print("\n".join(report.lines()), file=sys.stderr)
        report.check()
    if args.names:
        json.dump(azure_names(plan), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.json:
        json.dump(plan.document(), sys.stdout, indent=2, sort_keys=False)
        sys.stdout.write("\n")
    else:
        print(render_tree(plan))
    return exit_codes.OK


def _report_input_error(exc: InputError) -> int:
    print(f"error: {exc}", file=sys.stderr)
    from policy.offline import PolicyError
    from preview.schema import SchemaCheckError

    if isinstance(exc, (SchemaCheckError, PolicyError)):
        print("nothing was deployed: this check runs on the planned resources", file=sys.stderr)
    elif exc.registered_before_failure:
        print(f"{exc.registered_before_failure} resource(s) were registered before the error", file=sys.stderr)
    else:
        print("no resource was registered", file=sys.stderr)
    return exit_codes.USAGE


COMMANDS = {
    "triggers": ("ops.triggers", "stop triggers before a deployment, start them after"),
    "run": ("ops.runs", "run a pipeline; --wait follows it to its end"),
    "sql": ("ops.sql", "apply the versioned SQL scripts in sql/ to a stack's database"),
    "diagram": ("ops.diagram", "draw a stack's architecture from the offline plan"),
    "adf": ("ops.adf", "check any ADF Studio git folder: is every file deployable"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ops",
        description=__doc__.splitlines()[0] if __doc__ else None,
        epilog=exit_codes.HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)

    plan = commands.add_parser("plan", help="plan a stack offline under the mock engine")
    plan.add_argument("--stack", required=True, help="stack name: dev, test or prod")
    plan.add_argument(
        "--from",
        dest="previous",
        type=Path,
        metavar="PREVIOUS.json",
        help="the previous release's plan (what `plan --json` printed for it): refuse transitions Azure refuses "
        "and unannounced replacements of resources that hold data",
    )
    plan.add_argument(
        "--project",
        type=Path,
        default=None,
        help="the Pulumi project to plan: the platform at the repository root (default), or foundation/",
    )
    output = plan.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the plan as JSON")
    output.add_argument("--names", action="store_true", help="print logical name -> Azure name as JSON")
    plan.set_defaults(handler=_plan)

    # Each command's module is imported only when that command runs (or for --help), so that
    # `plan` does not pay for the diagram, ARM and SQL clients it does not use.
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    load_all = chosen not in ("plan", *COMMANDS)  # no command yet, or a wrong one: argparse lists them all
    for name, (module_name, help_text) in COMMANDS.items():
        sub = commands.add_parser(name, help=help_text)
        if load_all or chosen == name:
            module = importlib.import_module(module_name)
            module.add_arguments(sub)
            sub.set_defaults(handler=module.main)

    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except InputError as exc:
        return _report_input_error(exc)


def run() -> int:
    """`main` for a process whose output may go to a reader that stops early (`... | head -1`).

    A closed pipe is the reader's choice, not a failure: Python's signal docs recommend pointing
    stdout at devnull so the interpreter's final flush does not raise again, and ending quietly.
    https://docs.python.org/3/library/signal.html#note-on-sigpipe
    """
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return exit_codes.OK
    return code


if __name__ == "__main__":
    sys.exit(run())
