"""`python -m ops sql apply`: apply the versioned T-SQL scripts in `sql/` to a stack's database.

Scripts are named `V<version>__<what>.sql` and applied once each, in version order.
A journal table (`dbo.schema_versions`) records each applied script with its SHA-256;
a script that changed after it was applied is refused, because the database already
holds the old version: add a new script instead. Each script runs in one transaction,
so a failing script leaves nothing half-applied. Batches are separated by `GO` lines,
as in sqlcmd, and `$(Name)` sqlcmd variables are filled from the command line.

The connection authenticates with Entra ID (`ActiveDirectoryDefault`: the pipeline's
workload identity, or `az login` locally); no password is involved.

Exit codes: 0 applied (or nothing to apply); 2 bad input (a script name, a missing
variable, a changed script, missing coordinates); 3 the database refused a script.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from migrations.scripts import Connection, SqlApplyError, SqlInputError, apply, discover
from ops import exit_codes


def connect(server: str, database: str) -> Connection:
    """A connection to Azure SQL as the current Entra ID identity (mssql-python bundles its driver)."""
    import mssql_python

    connection_string = (
        f"Server=tcp:{server},1433;Database={database};Authentication=ActiveDirectoryDefault;"
        "Encrypt=yes;TrustServerCertificate=no;Connection Timeout=60"
    )
    return cast(Connection, mssql_python.connect(connection_string, autocommit=False))


def _variables(pairs: Sequence[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SqlInputError(f"--var {pair!r}: expected NAME=VALUE")
        out[name] = value
    return out


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="sql_action", required=True)
    apply_parser = actions.add_parser("apply", help="apply the scripts in sql/ that the database lacks")
    apply_parser.add_argument("--stack", required=True, help="stack whose database to migrate")
    apply_parser.add_argument("--server", help="server FQDN (default: the stack output sql_server_fqdn)")
    apply_parser.add_argument("--database", help="database (default: the stack output sql_database_name)")
    apply_parser.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="sqlcmd variable; FactoryIdentityName defaults to the stack output factory_name",
    )


def main(args: argparse.Namespace, outputs: Callable[[str], Mapping[str, Any]] | None = None) -> int:
    """Resolve the database and variables from flags or stack outputs, then apply.

    A stack that has never been deployed has no database yet: that is not an error, the
    first `pulumi up` creates it and the next `ops sql apply` fills it.
    """
    from ops.stack_outputs import stack_outputs

    read_outputs = outputs or stack_outputs
    try:
        scripts = discover()
        variables = _variables(args.var)
        server, database = args.server, args.database
        if not (server and database and "FactoryIdentityName" in variables):
            found = read_outputs(args.stack)
            if not found.get("sql_server_fqdn") and not server:
                print(f"stack '{args.stack}' has no database yet (no sql_server_fqdn output); nothing to apply")
                return exit_codes.OK
            server = server or found.get("sql_server_fqdn")
            database = database or found.get("sql_database_name")
            variables.setdefault("FactoryIdentityName", str(found.get("factory_name", "")))
        if not server or not database or not variables.get("FactoryIdentityName"):
            raise SqlInputError("pass --server, --database and --var FactoryIdentityName=<factory>")
    except (SqlInputError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exit_codes.USAGE
    try:
        apply(connect(str(server), str(database)), scripts, variables)
    except SqlInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exit_codes.USAGE
    except SqlApplyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exit_codes.AZURE
    return exit_codes.OK
