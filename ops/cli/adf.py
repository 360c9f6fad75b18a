"""`python -m ops adf check|drift|test-connection`: work with any ADF Studio git folder and the stack's factory.

`check` asks whether every file could be deployed (`ops/adf_check.py`); `drift` lists what the stack's
live factory holds and the folder lacks, and with `--delete` deletes it (`ops/adf_drift.py`);
`test-connection` tests the factory's linked services (`ops/adf_test_connection.py`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ops.cli.common import (
    Output,
    Report,
    add_command,
    add_factory_arguments,
    add_json_argument,
    coordinates,
    project_dir,
    seconds,
)

if TYPE_CHECKING:
    from ops.adf_check import FolderReport

DESCRIPTION = (
    "Work with any ADF Studio git folder: is every file deployable, what has the factory that it lacks, and do\n"
    "the factory's linked services connect."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="{check,drift,test-connection}")
    check = add_command(
        actions,
        "check",
        help="validate an ADF Studio folder: is every file deployable, and if not, why",
        description="Run the ADF loader and the provider-schema check on any ADF Studio git folder (no SQL\n"
        "catalog, policy or overrides) and list every file as deployable or not, with the reason;\n"
        "a file that references a refused file is refused too. Needs no Pulumi project.",
    )
    check.add_argument("path", type=Path, help="the root folder of an ADF Studio git repository")
    add_json_argument(check)

    drift = add_command(
        actions,
        "drift",
        help="list the factory's objects the source lacks; --delete deletes them in dependency order",
        description="List the objects in the stack's factory that the source folder lacks, for every kind the\n"
        "folder has; with --delete, stop the started triggers, then delete them in dependency order.",
    )
    add_factory_arguments(drift)
    drift.add_argument(
        "--source",
        type=Path,
        metavar="DIR",
        help="the ADF Studio folder to compare with (default: pipelines_json/ in the project directory)",
    )
    drift.add_argument(
        "--delete",
        action="store_true",
        help="after listing them, delete them: started triggers stopped first, then in dependency order",
    )
    drift.add_argument(
        "--poll-seconds",
        type=seconds,
        default=5.0,
        metavar="SECONDS",
        help="interval between polls of a trigger stop (default: 5)",
    )
    add_json_argument(drift)

    test = add_command(
        actions,
        "test-connection",
        help="test the factory's linked services as ADF Studio's Test connection does",
        description="Test the stack's factory's linked services as ADF Studio's Test connection button does, through\n"
        "the call azure.datafactory.tools' Test-AdfLinkedService makes (ops/adf_test_connection.py): every\n"
        "linked service of the factory, or those named. Exit 3 when any does not connect.",
    )
    add_factory_arguments(test)
    test.add_argument("names", nargs="*", metavar="NAME", help="linked services to test (default: all)")
    add_json_argument(test)


def render(report: FolderReport) -> str:
    """Human output of `check`: the notes, then each file with how it deploys (typed, or an ARM deployment and why)
    or why it cannot, and its warnings, then a count."""
    lines = [f"note: {note}" for note in report.notes]
    lines += [f"problem: {problem}" for problem in report.problems]
    for file in report.files:
        if file.ok:
            lines.append(f"{file.path}: {file.route or 'typed'}")
        else:
            lines.append(f"{file.path}: cannot be deployed")
            lines += [f"  - {_in_file(problem)}" for problem in file.problems]
        lines += [f"  warning: {_in_file(warning)}" for warning in file.warnings]
    deployable = [f for f in report.files if f.ok]
    arm = sum(1 for f in deployable if (f.route or "").startswith("ARM"))
    if arm:
        lines.append(f"{len(deployable) - arm} deploy typed, {arm} as ARM deployments of their JSON")
    warned = sum(1 for f in report.files if f.warnings)
    lines.append(f"{len(deployable)} of {len(report.files)} file(s) deployable")
    if warned:
        lines.append(f"{warned} file(s) with warnings: ADF accepts them, so they deploy; see each warning's evidence")
    return "\n".join(lines)


def _in_file(line: str) -> str:
    """`<file>: <path>: <why>` -> `<path>: <why>` (the line is listed under its file)."""
    return line.split(": ", 1)[1] if ": " in line else line


def _check(args: argparse.Namespace, out: Output) -> Report:
    from ops.adf_check import check_folder

    report = check_folder(args.path)
    if not out.json:
        out.say(render(report))
    error = report.error()
    return Report(report.document(), [error] if error else [])


def _drift(args: argparse.Namespace, out: Output) -> Report:
    from adf.publish_filters import read_publish_options
    from ops import adf_drift
    from ops.factory import NotDeployedError, azure_refusals, connect
    from stack.paths import PIPELINES_FOLDER

    source: Path = args.source or project_dir(args) / PIPELINES_FOLDER
    names = adf_drift.source_names(source)
    options = read_publish_options(source, args.stack)
    for note in options.notes:
        out.say(f"note: {note}")
    compared = [kind for kind in adf_drift.OPERATIONS if kind in names]
    result: dict[str, object] = {"source": str(source), "compared": compared, "factory": None, "drift": []}
    try:
        where = coordinates(args)
    except NotDeployedError as exc:
        out.say(f"{exc}; nothing to compare")
        return Report(result)
    result["factory"] = where.resource_id
    with azure_refusals(), connect(where, endpoint=args.endpoint, polling_interval=args.poll_seconds) as adf:
        found, kept = adf_drift.keep_out(adf_drift.drift(adf_drift.live_objects(adf, names), names), options)
        result["drift"] = [{"kind": o.kind, "name": o.name, "started": o.started} for o in found]
        result["kept"] = [{"kind": o.kind, "name": o.name, "reason": reason} for o, reason in kept]
        for obj, reason in kept:
            out.say(f"kept {obj.key}: {reason}")
        if not found:
            out.say(f"no drift: every {', '.join(compared)} in factory {adf.name} is in {source}")
            return Report(result)
        out.say(f"{len(found)} object(s) in factory {adf.name} that {source} lacks (compared: {', '.join(compared)}):")
        for obj in found:
            out.say(f"  {obj.key}" + (" (started)" if obj.started else ""))
        if not (args.delete or options.delete_not_in_source):
            out.say(f"to delete them: python -m ops adf drift --stack {args.stack} --delete")
            return Report(result)
        if not args.delete:
            out.say(f"deleting them: {options.file} sets DeleteNotInSource")
        outcome = adf_drift.delete_drift(adf, found, out.say)
    summary = f"drift: stopped {len(outcome.stopped)}, deleted {len(outcome.deleted)} of {len(found)}"
    (out.warn if outcome.failures else out.say)(summary)
    result |= {"stopped": outcome.stopped, "deleted": outcome.deleted}
    return Report(result, list(outcome.failures))


def _test_connection(args: argparse.Namespace, out: Output) -> Report:
    from ops import adf_test_connection
    from ops.factory import azure_refusals, connect

    where = coordinates(args)
    with azure_refusals(), connect(where, endpoint=args.endpoint) as adf:
        results = adf_test_connection.connection_tests(adf, list(args.names))
    for result in results:
        if result.succeeded:
            out.say(f"{result.name}: connection succeeded")
    document = adf_test_connection.report(results, where)
    out.say(f"passed {document['passed']}, failed {document['failed']}, total {document['total']}")
    return Report(document, list(adf_test_connection.failures(results)))


ACTIONS = {"check": _check, "drift": _drift, "test-connection": _test_connection}


def run(args: argparse.Namespace, out: Output) -> Report:
    return ACTIONS[args.action](args, out)
