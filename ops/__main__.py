"""`python -m ops <command>`: the platform's command-line tooling.

Exit codes: 0 success; 2 the input is wrong (stack config, ADF content, schema);
1 anything unexpected.
"""

from __future__ import annotations

import argparse
import json
import sys


def _plan(args: argparse.Namespace) -> int:
    from components.adf_content import ContentError
    from components.config import ConfigError
    from ops.plan import PlanError, render_tree, run_plan
    from ops.schema import SchemaCheckError
    from policy.offline import PolicyConfigError, PolicyError

    try:
        plan = run_plan(args.stack)
    except (ConfigError, ContentError, PlanError, SchemaCheckError, PolicyError, PolicyConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        registered = getattr(exc, "registered_before_failure", 0)
        if isinstance(exc, (SchemaCheckError, PolicyError)):
            print("nothing was deployed: this check runs on the planned resources", file=sys.stderr)
        elif registered:
            print(f"{registered} resource(s) were registered before the error", file=sys.stderr)
        else:
            print("no resource was registered", file=sys.stderr)
        return 2
    if args.names:
        from ops.plan import azure_names

        json.dump(azure_names(plan), sys.stdout, indent=2)
        sys.stdout.write("\n")
    elif args.json:
        json.dump(plan.document(), sys.stdout, indent=2, sort_keys=False)
        sys.stdout.write("\n")
    else:
        print(render_tree(plan))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops", description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)

    plan = commands.add_parser("plan", help="plan a stack offline under the mock engine")
    plan.add_argument("--stack", required=True, help="stack name: dev, test or prod")
    output = plan.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print the plan as JSON")
    output.add_argument("--names", action="store_true", help="print logical name -> Azure name as JSON")
    plan.set_defaults(handler=_plan)

    from ops import diagram, runs, sql, triggers

    trigger_parser = commands.add_parser("triggers", help="stop triggers before a deployment, start them after")
    triggers.add_arguments(trigger_parser)
    trigger_parser.set_defaults(handler=triggers.main)

    run_parser = commands.add_parser("run", help="run a pipeline; --wait follows it to its end")
    runs.add_arguments(run_parser)
    run_parser.set_defaults(handler=runs.main)

    sql_parser = commands.add_parser("sql", help="apply the versioned SQL scripts in sql/ to a stack's database")
    sql.add_arguments(sql_parser)
    sql_parser.set_defaults(handler=sql.main)

    diagram_parser = commands.add_parser("diagram", help="draw a stack's architecture from the offline plan")
    diagram.add_arguments(diagram_parser)
    diagram_parser.set_defaults(handler=diagram.main)

    args = parser.parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
