"""`python -m ops sql apply --stack STACK`: apply the versioned T-SQL scripts in `sql/` to the stack's database.

What is applied, once and in which order, is in `ops/sql.py` and `migrations/scripts.py`.
"""

from __future__ import annotations

import argparse

from ops.cli.common import (
    Output,
    Report,
    add_command,
    add_json_argument,
    add_stack_argument,
    outputs_reader,
    project_dir,
)

DESCRIPTION = "Apply the versioned T-SQL scripts in sql/ to a stack's database."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="{apply}")
    apply = add_command(
        actions,
        "apply",
        help="apply the scripts in sql/ that the database lacks",
        description="Apply, in version order and each in one transaction, the scripts in sql/ that the\n"
        "database's journal (dbo.schema_versions) lacks. The database and the variables come from\n"
        "the flags, or from the stack's outputs. A stack without a database yet has nothing to apply.",
    )
    add_stack_argument(apply)
    apply.add_argument("--server", help="the server's FQDN (default: the stack output sql_server_fqdn)")
    apply.add_argument("--database", help="the database (default: the stack output sql_database_name)")
    apply.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a sqlcmd variable; FactoryIdentityName defaults to the stack output factory_name, FactoryIdentitySid "
        "to the SID of the factory identity's client id (read through ARM); repeatable",
    )
    add_json_argument(apply)


def run(args: argparse.Namespace, out: Output) -> Report:
    from migrations.scripts import discover
    from ops import sql
    from stack.paths import SQL_FOLDER

    scripts = discover(project_dir(args) / SQL_FOLDER)
    target = sql.resolve_target(outputs_reader(args), args.server, args.database, sql.parse_variables(args.var))
    if target is None:
        out.say(f"stack '{args.stack}' has no database yet (no sql_server_fqdn output); nothing to apply")
        return Report({"server": None, "database": None, "applied": []})
    applied = sql.apply_to(target, scripts, log=out.say)
    return Report({"server": target.server, "database": target.database, "applied": [s.name for s in applied]})
