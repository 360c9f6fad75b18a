"""`python -m ops <command>`: the platform's command-line tooling.

Exit codes: 0 success; 2 the input is wrong (stack config, ADF content, schema);
1 anything unexpected.
"""

from __future__ import annotations

import argparse
import importlib
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


COMMANDS = {
    "triggers": ("ops.triggers", "stop triggers before a deployment, start them after"),
    "run": ("ops.runs", "run a pipeline; --wait follows it to its end"),
    "sql": ("ops.sql", "apply the versioned SQL scripts in sql/ to a stack's database"),
    "diagram": ("ops.diagram", "draw a stack's architecture from the offline plan"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ops", description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)

    plan = commands.add_parser("plan", help="plan a stack offline under the mock engine")
    plan.add_argument("--stack", required=True, help="stack name: dev, test or prod")
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
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
